#!/usr/bin/env python3
"""Write the image-preprocessing fixtures for VisionPreprocessingTests.

Run by hand from the repository root when the fixture set changes:

    python3 Tools/make_preprocessing_fixtures.py

Needs Pillow, numpy and transformers (5.x). Everything expected here comes from
those independent implementations, never from the Swift code under test:

  * resize.json      - seeded random 8-bit RGB inputs and Pillow's
                       Image.resize(size, BILINEAR) output, byte for byte
                       (shrinks, strong shrinks, upscales, mixed, vertical-first
                       pass order, one axis unchanged).
  * normalize.json   - pixel_values (float32, CHW) of transformers'
                       Gemma3ImageProcessorPil (the PIL path) for small inputs
                       with a small `size`, with Gemma 3's 0.5/0.5 and with
                       per-channel mean/std; plus two pan-and-scan runs
                       (original first, then the crops) with their num_crops.
  * pan_and_scan.json - crop rectangles chosen by
                       Gemma3ImageProcessorPil.pan_and_scan for many sizes and
                       option sets, read back from coordinate-encoded arrays.
  * prompt.json      - the text Gemma3Processor.replace_image_token builds for
                       an image with 0, 1, 2 and 4 crops (with a stand-in for
                       the per-image token sequence).
  * ct_windows.json  - Hounsfield values and the RGB bytes that Google's
                       MedGemma CT notebook (high_dimensional_ct_hugging_face)
                       formula gives for them (windows -1024..1024, -135..215,
                       0..80; clip, float32 scale to 0..255, np.round, uint8).
  * convert.json     - gray, gray+alpha and RGBA inputs and what transformers'
                       convert_to_rgb makes of them (alpha composited on white).
  * samples.json     - sha256 of Pillow's resized bytes for real sample images
                       from ../shared/sample-images (RGBA composited on white
                       the way transformers' convert_to_rgb does, gray
                       replicated), and of the float32 pixel_values that
                       Gemma3ImageProcessorPil produces at 896x896.
"""

import base64
import hashlib
import json
import os
import types

import numpy as np
from PIL import Image
from transformers.models.gemma3.image_processing_pil_gemma3 import Gemma3ImageProcessorPil
from transformers.models.gemma3.processing_gemma3 import Gemma3Processor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "preprocessing")
SHARED = os.path.join(os.path.dirname(ROOT), "shared")

rng = np.random.default_rng(20261129)


def b64(array: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(array, dtype=np.uint8).tobytes()).decode("ascii")


def random_rgb(width: int, height: int) -> np.ndarray:
    """Noise with a gradient underneath, so both rounding and smooth areas are exercised."""
    noise = rng.integers(0, 256, size=(height, width, 3), dtype=np.int32)
    ramp = (np.arange(width)[None, :, None] * 255 // max(width - 1, 1)).astype(np.int32)
    mixed = np.where(rng.random((height, width, 1)) < 0.5, noise, ramp + np.zeros_like(noise))
    mixed[0, 0] = (0, 255, 0)      # extremes on purpose
    mixed[-1, -1] = (255, 0, 255)
    return mixed.astype(np.uint8)


def pillow_resize(rgb: np.ndarray, width: int, height: int) -> np.ndarray:
    return np.array(Image.fromarray(rgb, "RGB").resize((width, height), Image.BILINEAR))


def floats(array: np.ndarray) -> list:
    # float32 -> Python float is exact, and JSON keeps a double's repr exactly.
    return [float(v) for v in np.asarray(array, dtype=np.float32).ravel()]


def write(name: str, payload) -> None:
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        json.dump(payload, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path)} bytes)")


# --- resize ------------------------------------------------------------------------------

RESIZE_CASES = [
    # (name, in w, in h, out w, out h)
    ("mild shrink", 37, 23, 16, 16),
    ("strong shrink", 160, 96, 16, 16),
    ("upscale", 5, 7, 16, 16),
    ("non-square to square", 40, 10, 12, 12),
    ("vertical pass first", 30, 200, 24, 20),
    ("up in x, down in y", 10, 50, 40, 12),
    ("width unchanged", 37, 23, 37, 10),
    ("height unchanged", 37, 23, 11, 23),
    ("same size", 9, 6, 9, 6),
    ("to one pixel", 13, 11, 1, 1),
    ("odd factors", 97, 31, 29, 17),
]


def make_resize() -> dict:
    cases = []
    for name, w, h, ow, oh in RESIZE_CASES:
        src = random_rgb(w, h)
        out = pillow_resize(src, ow, oh)
        cases.append({"name": name, "width": w, "height": h, "outWidth": ow, "outHeight": oh,
                      "input": b64(src), "expected": b64(out)})
    return {"pillowVersion": Image.__version__, "cases": cases}


# --- normalisation and full processor runs --------------------------------------------------

CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]


def processor_run(name, src, size, mean, std, pas=None) -> dict:
    kwargs = dict(size={"height": size[1], "width": size[0]}, image_mean=mean, image_std=std)
    if pas is not None:
        kwargs.update(do_pan_and_scan=True, pan_and_scan_min_crop_size=pas[0],
                      pan_and_scan_max_num_crops=pas[1], pan_and_scan_min_ratio_to_activate=pas[2])
    processor = Gemma3ImageProcessorPil(**kwargs)
    result = processor(images=Image.fromarray(src, "RGB"), return_tensors="np")
    values = np.asarray(result["pixel_values"], dtype=np.float32)
    num_crops = np.asarray(result["num_crops"]).ravel().tolist()
    return {"name": name, "width": src.shape[1], "height": src.shape[0], "input": b64(src),
            "outWidth": size[0], "outHeight": size[1], "mean": mean, "std": std,
            "panAndScan": None if pas is None else {"minCropSize": pas[0], "maxCrops": pas[1],
                                                    "minRatioToActivate": pas[2]},
            "shape": list(values.shape), "numCrops": num_crops, "pixelValues": floats(values)}


def make_normalize() -> dict:
    runs = [
        processor_run("gemma3 0.5/0.5, shrink", random_rgb(37, 23), (16, 16), [0.5] * 3, [0.5] * 3),
        processor_run("per-channel mean/std, upscale", random_rgb(5, 7), (8, 8), CLIP_MEAN, CLIP_STD),
        processor_run("pan-and-scan landscape", random_rgb(50, 18), (8, 8), [0.5] * 3, [0.5] * 3,
                      pas=(8, 3, 1.2)),
        processor_run("pan-and-scan portrait", random_rgb(12, 40), (8, 8), [0.5] * 3, [0.5] * 3,
                      pas=(6, 4, 1.2)),
    ]
    return {"runs": runs}


# --- pan-and-scan rectangles --------------------------------------------------------------

PAS_CASES = [
    # (width, height, min crop, max crops, min ratio)
    (1800, 600, 256, 4, 1.2),
    (600, 2000, 256, 4, 1.2),
    (1000, 1000, 256, 4, 1.2),
    (3000, 1000, 256, 4, 1.2),
    (3000, 1000, 256, 2, 1.2),
    (10000, 1000, 256, 4, 1.2),
    (1000, 300, 256, 4, 1.2),
    (1000, 833, 256, 4, 1.2),
    (1000, 834, 256, 4, 1.2),
    (700, 300, 256, 4, 1.2),
    (520, 200, 256, 4, 1.2),
    (500, 200, 256, 4, 1.2),
    (300, 1001, 256, 4, 1.2),
    (1500, 700, 256, 4, 1.2),
    (896, 2688, 256, 4, 1.2),
    (2000, 400, 64, 6, 1.5),
    (400, 590, 64, 6, 1.5),
    (400, 600, 64, 6, 1.5),
    (50, 18, 8, 3, 1.2),
    (12, 40, 6, 4, 1.2),
]


def crop_rects(width, height, min_crop, max_crops, min_ratio) -> list:
    rows = np.broadcast_to(np.arange(height, dtype=np.int32)[:, None], (height, width))
    cols = np.broadcast_to(np.arange(width, dtype=np.int32)[None, :], (height, width))
    coords = np.stack([rows, cols])  # channels-first, as the processor sees images
    crops = Gemma3ImageProcessorPil().pan_and_scan(
        image=coords, pan_and_scan_min_crop_size=min_crop,
        pan_and_scan_max_num_crops=max_crops, pan_and_scan_min_ratio_to_activate=min_ratio)
    return [{"x": int(c[1, 0, 0]), "y": int(c[0, 0, 0]), "width": int(c.shape[2]), "height": int(c.shape[1])}
            for c in crops]


def make_pan_and_scan() -> dict:
    return {"cases": [{"width": w, "height": h, "minCropSize": m, "maxCrops": n, "minRatioToActivate": r,
                       "crops": crop_rects(w, h, m, n, r)} for w, h, m, n, r in PAS_CASES]}


# --- prompt text ----------------------------------------------------------------------------

def make_prompt() -> dict:
    stand_in = "<IMAGE>"
    fake = types.SimpleNamespace(full_image_sequence=stand_in)
    texts = {}
    for crops in (0, 1, 2, 4):
        texts[str(crops)] = Gemma3Processor.replace_image_token(fake, {"num_crops": [crops]}, 0)
    return {"imageSequenceStandIn": stand_in, "replacements": texts}


# --- CT windows -------------------------------------------------------------------------------

NOTEBOOK_WINDOWS = [(-1024, 1024), (-135, 215), (0, 80)]


def notebook_norm(ct: np.ndarray, lo: float, hi: float) -> np.ndarray:
    # Formula of the "Visualize CT slice windowing" cell of
    # Google-Health/medgemma notebooks/high_dimensional_ct_hugging_face.ipynb.
    v = np.clip(ct, lo, hi)
    v = v.astype(np.float32)
    v -= lo
    v /= (hi - lo)
    v *= 255.0
    return v


def make_ct_windows() -> dict:
    width, height = 13, 11
    whole = rng.integers(-2048, 3072, size=width * height).astype(np.float32)
    fractional = rng.uniform(-200.0, 300.0, size=width * height).astype(np.float32)
    hu = np.where(rng.random(width * height) < 0.6, whole, fractional)
    special = [-3024, -1025, -1024, -1023, -135, -134.5, 0, 0.5, 40, 79.5, 80, 81, 215, 215.5, 1024, 1025, 3071]
    # float32 values whose scaled level is exactly k + 0.5 in one window (found by search),
    # so the test sees np.round's half-to-even on both even and odd k.
    special += [-457.7882385253906, -401.5686340332031, -105.49019622802734, -86.27450561523438,
                0.1568627506494522, 6.745098114013672, 8.941176414489746]
    hu[: len(special)] = special
    hu = hu.reshape(height, width).astype(np.float32)
    levels = np.stack([notebook_norm(hu.astype(np.float64), lo, hi) for lo, hi in NOTEBOOK_WINDOWS], axis=-1)
    ties = int(np.count_nonzero(levels - np.floor(levels) == 0.5))
    assert ties >= 7, f"expected the half-way cases to survive, found {ties}"
    rgb = np.round(levels, 0).astype(np.uint8)
    return {"width": width, "height": height, "windows": [list(w) for w in NOTEBOOK_WINDOWS],
            "hounsfield": floats(hu), "expected": b64(rgb)}


# --- conversion to RGB ----------------------------------------------------------------------

def make_convert() -> dict:
    """Gray, gray+alpha and RGBA inputs through transformers' convert_to_rgb (Pillow)."""
    width, height = 11, 7
    cases = []
    for mode, channels in (("L", 1), ("LA", 2), ("RGBA", 4)):
        samples = rng.integers(0, 256, size=(height, width, channels), dtype=np.int32).astype(np.uint8)
        if channels > 1:
            samples[0, :4, -1] = (0, 255, 1, 254)  # fully transparent, opaque and near both
        image = Image.fromarray(samples[..., 0] if channels == 1 else samples, mode)
        rgb = np.array(transformers_rgb_image(image))
        cases.append({"mode": mode, "channels": channels, "width": width, "height": height,
                      "input": b64(samples), "expected": b64(rgb)})
    return {"cases": cases}


# --- real sample images ----------------------------------------------------------------------

SAMPLES = [
    ("sample-images/dermatology/derm_pad-ufes-20_PAT_56_88_274_BCC.png", 896, 896),
    ("sample-images/dermatology/derm_pad-ufes-20_PAT_56_88_274_BCC.png", 224, 160),
    ("sample-images/chest_xray/cxr_nema_wg04_RG1_PA.png", 896, 896),
]


def transformers_rgb(path: str) -> Image.Image:
    return transformers_rgb_image(Image.open(path))


def transformers_rgb_image(image: Image.Image) -> Image.Image:
    # transformers' convert_to_rgb: composite transparency onto white, else convert("RGB").
    if "A" in image.getbands() or image.info.get("transparency") is not None:
        image = image.convert("RGBA")
        white = Image.new("RGBA", image.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, image).convert("RGB")
    return image.convert("RGB")


def make_samples() -> dict:
    entries = []
    for rel, ow, oh in SAMPLES:
        path = os.path.join(SHARED, rel)
        rgb = transformers_rgb(path)
        resized = np.array(rgb.resize((ow, oh), Image.BILINEAR))
        entry = {"path": rel, "outWidth": ow, "outHeight": oh,
                 "resizedSHA256": hashlib.sha256(resized.tobytes()).hexdigest()}
        if (ow, oh) == (896, 896):
            processor = Gemma3ImageProcessorPil(size={"height": 896, "width": 896},
                                                image_mean=[0.5] * 3, image_std=[0.5] * 3)
            values = np.asarray(processor(images=Image.open(path), return_tensors="np")["pixel_values"],
                                dtype="<f4")
            entry["pixelValuesSHA256"] = hashlib.sha256(values.tobytes()).hexdigest()
        entries.append(entry)
    return {"samples": entries}


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    write("resize.json", make_resize())
    write("normalize.json", make_normalize())
    write("pan_and_scan.json", make_pan_and_scan())
    write("prompt.json", make_prompt())
    write("ct_windows.json", make_ct_windows())
    write("convert.json", make_convert())
    write("samples.json", make_samples())


if __name__ == "__main__":
    main()
