#!/usr/bin/env python3
"""Writes the JPEG test fixtures and their expected pixels, decoded by Pillow.

Run by hand (needs `pip install pillow numpy`); the outputs are committed under
Tests/Fixtures/jpeg/, so tests never run Python.

Pillow is the oracle: it decodes through its own bundled libjpeg-turbo, a different
build (and usually a different version) from the system libturbojpeg the Swift
decoder links, with the same defaults (accurate integer IDCT, fancy upsampling).
The manifest records the Pillow and libjpeg-turbo versions that produced it.

Fixtures: gray, RGB at 4:4:4, 4:2:2 and 4:2:0, progressive, restart markers, odd
sizes (17×11, 1×1, 33×21), plus a CMYK file the decoder must refuse. The real
fundus sample is summarised by size, sample sum, mean and an FNV-1a 64 hash.
"""
import json
import os
import sys

import numpy as np
import PIL
from PIL import Image, features

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT_DIR = os.path.join(ROOT, "Tests", "Fixtures", "jpeg")
FUNDUS_RELATIVE = "sample-images/fundus/fundus_skimage_retina_normal_left_eye.jpg"
# The committed copy in Tests/Fixtures (the manifest stores the path relative to it).
FUNDUS = os.path.join(ROOT, "Tests", "Fixtures", FUNDUS_RELATIVE)


def content(width, height, channels, seed):
    """Smooth gradients, a sharp edge and some noise: exercises IDCT and upsampling."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    planes = []
    for c in range(channels):
        base = 255.0 * (x / max(width - 1, 1)) * (0.4 + 0.3 * c) + 120.0 * (y / max(height - 1, 1))
        base += np.where((x + 2 * y + 5 * c) % 11 < 4, 70.0, 0.0)  # hard edges
        base += rng.normal(0.0, 12.0, size=(height, width))
        planes.append(np.clip(base, 0, 255).astype(np.uint8))
    return planes[0] if channels == 1 else np.stack(planes, axis=-1)


FIXTURES = [
    # name, mode, (width, height), save options
    ("gray_17x11", "L", (17, 11), dict(quality=90)),
    ("gray_progressive_33x21", "L", (33, 21), dict(quality=80, progressive=True)),
    ("rgb444_17x11", "RGB", (17, 11), dict(quality=92, subsampling=0)),
    ("rgb422_17x11", "RGB", (17, 11), dict(quality=85, subsampling=1)),
    ("rgb420_17x11", "RGB", (17, 11), dict(quality=85, subsampling=2)),
    ("rgb420_64x48", "RGB", (64, 48), dict(quality=75, subsampling=2)),
    ("rgb420_progressive_33x21", "RGB", (33, 21), dict(quality=80, subsampling=2, progressive=True)),
    ("rgb444_progressive_17x11", "RGB", (17, 11), dict(quality=95, subsampling=0, progressive=True)),
    ("rgb420_restart_40x24", "RGB", (40, 24), dict(quality=85, subsampling=2, restart_marker_blocks=1)),
    ("gray_restart_rows_33x21", "L", (33, 21), dict(quality=85, restart_marker_rows=1)),
    ("rgb_1x1", "RGB", (1, 1), dict(quality=90)),
]


def fnv1a64(samples):
    h = 0xCBF29CE484222325
    for v in samples:
        h ^= int(v)
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    entries = []
    for index, (name, mode, (w, h), options) in enumerate(FIXTURES):
        array = content(w, h, 1 if mode == "L" else 3, seed=index)
        filename = name + ".jpg"
        path = os.path.join(OUT_DIR, filename)
        Image.fromarray(array, mode).save(path, "JPEG", **options)
        with Image.open(path) as decoded:
            decoded.load()
            assert decoded.size == (w, h) and decoded.mode == mode, name
            pixels = np.asarray(decoded).reshape(-1).tolist()
        entries.append({"file": filename, "width": w, "height": h,
                        "channels": "gray" if mode == "L" else "rgb", "pixels": pixels})

    # A CMYK JPEG (Adobe APP14 marker): the decoder must refuse it with a clear error.
    cmyk = Image.fromarray(content(9, 7, 3, seed=99), "RGB").convert("CMYK")
    cmyk.save(os.path.join(OUT_DIR, "cmyk_9x7.jpg"), "JPEG", quality=90)

    manifest = {
        "generator": "Tools/make_jpeg_fixtures.py",
        "pillow": PIL.__version__,
        "libjpegTurbo": features.version("libjpeg_turbo") or "",
        "unsupported": ["cmyk_9x7.jpg"],
    }
    if os.path.exists(FUNDUS):
        with Image.open(FUNDUS) as fundus:
            fundus.load()
            samples = np.asarray(fundus).reshape(-1)
            manifest["fundus"] = {
                "path": FUNDUS_RELATIVE,
                "width": fundus.size[0],
                "height": fundus.size[1],
                "channels": {"L": "gray", "RGB": "rgb"}[fundus.mode],
                "sampleSum": int(samples.astype(np.int64).sum()),
                "mean": float(samples.mean()),
                "fnv1a64": "%016x" % fnv1a64(samples.tolist()),
            }
    else:
        print("warning: %s missing; manifest has no fundus entry" % FUNDUS, file=sys.stderr)

    # One fixture per line keeps the manifest small and its diffs readable.
    with open(os.path.join(OUT_DIR, "manifest.json"), "w") as f:
        head = {k: v for k, v in manifest.items() if k != "fundus"}
        f.write("{\n")
        for key, value in head.items():
            f.write(" %s: %s,\n" % (json.dumps(key), json.dumps(value)))
        f.write(' "fixtures": [\n')
        f.write(",\n".join("  " + json.dumps(e, separators=(",", ":")) for e in entries))
        f.write("\n ]")
        if "fundus" in manifest:
            f.write(',\n "fundus": %s' % json.dumps(manifest["fundus"]))
        f.write("\n}\n")
    print("wrote %d fixtures to %s" % (len(entries), os.path.relpath(OUT_DIR, ROOT)))


if __name__ == "__main__":
    main()
