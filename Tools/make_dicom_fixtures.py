#!/usr/bin/env python3
"""Write the DICOM test fixtures for MedImagingTests, with expected values from pydicom.

Run by hand from the repository root when the fixture set changes (needs pydicom and numpy,
`pip install pydicom numpy`; the Swift code never uses them):

    python3 Tools/make_dicom_fixtures.py

It writes tiny DICOM Part 10 files into Tests/Fixtures/dicom/ and
Tests/Fixtures/dicom/manifest.json with what a reader must produce for each,
computed by pydicom and numpy (the oracle), never by the Swift code under test:

  * "stored": `ds.pixel_array`, flattened (frames, rows, columns, samples);
  * "modality": `apply_modality_lut(pixel_array, ds)` (rescale), flattened;
  * tags and windows as pydicom reads them;
  * "renders": 8-bit display values for a view (frame, window, invert, zoom, pan, output
    size). The window step is pydicom's `apply_voi_lut` (PS3.3 C.11.2.1.2), normalised
    to 0..1 by its own output range; then MONOCHROME1 and the view's invert flip it
    (1 - t); shrinking averages t over the source block; the byte is round(255 t).
    The tests allow +-1 for rounding.

It also records, for the real sample DICOM files in ../shared/sample-images (when
present), pydicom's shape, statistics, a few pixels and a rendered-pixel checksum, and
the transfer syntax UID of the JPEG 2000 files (which must be refused by name).

The patient names and ids in the fixtures are invented.
"""

import copy
import json
import os
import sys

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.pixels import apply_modality_lut, apply_voi_lut
from pydicom.sequence import Sequence
from pydicom.uid import (DeflatedExplicitVRLittleEndian, ExplicitVRBigEndian, ExplicitVRLittleEndian,
                         ImplicitVRLittleEndian, generate_uid)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "Tests", "Fixtures", "dicom")
SHARED = os.path.join(ROOT, "..", "shared")

SAMPLES = [
    "sample-images/ct/ct_tcia_pancreas-ct_PANCREAS_0001_uncompressed.dcm",
    "sample-images/chest_xray/cxr_nema_wg04_RG1_PA_halfsize_uncompressed.dcm",
    "sample-images/mr/mr_gdcm_siemens_abdomen_t1vibe_overlay_deidentified.dcm",
]
J2K_SAMPLES = [
    "sample-images/ct/ct_tcia_pancreas-ct_PANCREAS_0001_j2k_original.dcm",
    "sample-images/chest_xray/cxr_nema_wg04_RG1_J2KI_original.dcm",
]

RNG = np.random.default_rng(20261129)
UID_ROOT = "1.2.826.0.1.3680043.8.498."  # pydicom's example root, for test UIDs


# --------------------------------------------------------------------------- writing

def base_dataset(rows, columns, photometric, bits_allocated, bits_stored, signed, samples=1):
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.7"  # Secondary Capture
    ds.SOPInstanceUID = generate_uid(UID_ROOT, entropy_srcs=[f"sop-{rows}-{columns}-{photometric}-{bits_stored}-{signed}"])
    ds.StudyInstanceUID = generate_uid(UID_ROOT, entropy_srcs=["study"])
    ds.SeriesInstanceUID = generate_uid(UID_ROOT, entropy_srcs=[f"series-{photometric}-{bits_stored}"])
    ds.StudyDate = "20240131"
    ds.Modality = "OT"
    ds.PatientName = "Fixture^Invented"
    ds.PatientID = "FIXTURE-0001"
    ds.Rows = rows
    ds.Columns = columns
    ds.SamplesPerPixel = samples
    ds.PhotometricInterpretation = photometric
    ds.BitsAllocated = bits_allocated
    ds.BitsStored = bits_stored
    ds.HighBit = bits_stored - 1
    ds.PixelRepresentation = 1 if signed else 0
    return ds


def save(ds, name, syntax):
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.file_meta.TransferSyntaxUID = syntax
    ds.preamble = b"\0" * 128
    path = os.path.join(OUT_DIR, name)
    ds.save_as(path, enforce_file_format=True)
    return path


def random_values(shape, bits_stored, signed, garbage_high_bits=False, bits_allocated=16):
    if signed:
        low, high = -(1 << (bits_stored - 1)), (1 << (bits_stored - 1)) - 1
    else:
        low, high = 0, (1 << bits_stored) - 1
    values = RNG.integers(low, high + 1, size=shape, dtype=np.int64)
    flat = values.reshape(-1)
    flat[0], flat[-1] = low, high  # always include both extremes
    mask = (1 << bits_stored) - 1
    raw = values & mask  # two's complement in bits_stored bits
    if garbage_high_bits and bits_stored < bits_allocated:
        junk = RNG.integers(0, 1 << (bits_allocated - bits_stored), size=shape, dtype=np.int64)
        raw = raw | (junk << bits_stored)
    return raw.astype(np.uint16 if bits_allocated == 16 else np.uint8)


def set_pixels(ds, raw):
    ds.PixelData = raw.astype("<u2" if ds.BitsAllocated == 16 else "u1").tobytes()


# --------------------------------------------------------------------------- expectations

def display_fraction(ds, modality, window=None):
    """pydicom's VOI output, normalised to 0..1 by its output range (before any inversion)."""
    view = copy.deepcopy(ds)
    if window is not None:
        view.WindowCenter, view.WindowWidth = window
        if "WindowCenterWidthExplanation" in view:
            del view.WindowCenterWidthExplanation
    bits, signed = int(view.BitsStored), int(view.PixelRepresentation) == 1
    y_min, y_max = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if signed else (0, 2 ** bits - 1)
    if "RescaleSlope" in view and "RescaleIntercept" in view:
        y_min = y_min * float(view.RescaleSlope) + float(view.RescaleIntercept)
        y_max = y_max * float(view.RescaleSlope) + float(view.RescaleIntercept)
    out = apply_voi_lut(modality.astype(np.float64), view, index=0)
    return (out - y_min) / (y_max - y_min)


def render_expectation(ds, frame, window=None, invert=False, out_size=None, zoom=1.0, pan=(0.0, 0.0)):
    arr = ds.pixel_array
    frames = int(getattr(ds, "NumberOfFrames", 1) or 1)
    if frames > 1:
        arr = arr[frame]
    if ds.PhotometricInterpretation == "RGB":
        if window is not None:
            raise ValueError("RGB renders use the full stored range here")
        t = arr.astype(np.float64) / (2 ** int(ds.BitsStored) - 1)
    else:
        t = display_fraction(ds, apply_modality_lut(arr, ds), window)
        if ds.PhotometricInterpretation == "MONOCHROME1":
            t = 1 - t
    if invert:
        t = 1 - t
    rows, cols = t.shape[0], t.shape[1]
    # The visible region at this zoom and pan; the tests only use integer-aligned regions.
    rw, rh = cols / zoom, rows / zoom
    x0, y0 = cols / 2 + pan[0] - rw / 2, rows / 2 + pan[1] - rh / 2
    assert x0 == int(x0) and y0 == int(y0) and rw == int(rw) and rh == int(rh), "choose aligned views"
    t = t[int(y0):int(y0 + rh), int(x0):int(x0 + rw)]
    out_w, out_h = out_size or (t.shape[1], t.shape[0])
    by, bx = t.shape[0] // out_h, t.shape[1] // out_w
    assert by * out_h == t.shape[0] and bx * out_w == t.shape[1], "choose sizes that divide the region"
    blocks = t.reshape(out_h, by, out_w, bx, *t.shape[2:]).mean(axis=(1, 3))
    expected = np.clip(np.rint(blocks * 255), 0, 255).astype(int)
    return {
        "frame": frame, "window": list(window) if window else None, "invert": invert,
        "zoom": zoom, "panX": pan[0], "panY": pan[1], "width": out_w, "height": out_h,
        "expected": expected.reshape(-1).tolist(),
    }


def text(ds, keyword):
    value = ds.get(keyword)
    if value is None or str(value) == "":
        return None
    return str(value)


def windows_of(ds):
    if "WindowCenter" not in ds:
        return []
    centers = ds.WindowCenter if ds["WindowCenter"].VM > 1 else [ds.WindowCenter]
    widths = ds.WindowWidth if ds["WindowWidth"].VM > 1 else [ds.WindowWidth]
    explanations = []
    if "WindowCenterWidthExplanation" in ds:
        e = ds.WindowCenterWidthExplanation
        explanations = list(e) if ds["WindowCenterWidthExplanation"].VM > 1 else [e]
    return [{"center": float(c), "width": float(w),
             "explanation": (str(explanations[i]) if i < len(explanations) else None)}
            for i, (c, w) in enumerate(zip(centers, widths))]


def tags_of(ds):
    return {
        "modality": text(ds, "Modality"), "bodyPart": text(ds, "BodyPartExamined"),
        "studyDate": text(ds, "StudyDate"), "studyDescription": text(ds, "StudyDescription"),
        "seriesDescription": text(ds, "SeriesDescription"),
        "studyInstanceUID": text(ds, "StudyInstanceUID"), "seriesInstanceUID": text(ds, "SeriesInstanceUID"),
        "sopInstanceUID": text(ds, "SOPInstanceUID"),
        "transferSyntaxUID": str(ds.file_meta.TransferSyntaxUID),
        "patientName": text(ds, "PatientName"), "patientID": text(ds, "PatientID"),
    }


def expectation(path, renders):
    ds = pydicom.dcmread(path)
    arr = ds.pixel_array
    frames = int(getattr(ds, "NumberOfFrames", 1) or 1)
    entry = {
        "file": os.path.basename(path),
        "rows": int(ds.Rows), "columns": int(ds.Columns), "frames": frames,
        "samplesPerPixel": int(ds.SamplesPerPixel), "photometric": str(ds.PhotometricInterpretation),
        "bitsAllocated": int(ds.BitsAllocated), "bitsStored": int(ds.BitsStored),
        "signed": int(ds.PixelRepresentation) == 1,
        "rescaleSlope": float(ds.get("RescaleSlope", 1)), "rescaleIntercept": float(ds.get("RescaleIntercept", 0)),
        "voiFunction": str(ds.get("VOILUTFunction", "LINEAR")),
        "windows": windows_of(ds),
        "tags": tags_of(ds),
        "stored": arr.reshape(-1).astype(int).tolist(),
        "modality": (apply_modality_lut(arr, ds).reshape(-1).astype(float).tolist()
                     if ds.PhotometricInterpretation != "RGB" else arr.reshape(-1).astype(float).tolist()),
        "renders": [render_expectation(ds, **r) for r in renders],
    }
    return entry


# --------------------------------------------------------------------------- fixtures

def make_fixtures():
    os.makedirs(OUT_DIR, exist_ok=True)
    made = []

    # 12-bit unsigned MR-like, explicit VR, rescale, two windows with explanations,
    # junk in the unused high bits (must be masked off).
    ds = base_dataset(5, 7, "MONOCHROME2", 16, 12, False)
    ds.Modality, ds.BodyPartExamined, ds.StudyDescription, ds.SeriesDescription = "MR", "ABDOMEN", "MRI ABDOMEN", "T1 AXIAL"
    ds.RescaleSlope, ds.RescaleIntercept = "2", "-100"
    ds.WindowCenter, ds.WindowWidth = ["3000", "1000"], ["4000", "500"]
    ds.WindowCenterWidthExplanation = ["WIDE", "NARROW"]
    set_pixels(ds, random_values((5, 7), 12, False, garbage_high_bits=True))
    made.append((save(ds, "explicit_mono2_u12.dcm", ExplicitVRLittleEndian),
                 [dict(frame=0), dict(frame=0, window=(4000.0, 9000.0), invert=True)]))

    # 8-bit MONOCHROME1, implicit VR, one window.
    ds = base_dataset(5, 7, "MONOCHROME1", 8, 8, False)
    ds.Modality, ds.BodyPartExamined = "CR", "CHEST"
    ds.WindowCenter, ds.WindowWidth = "128", "200"
    set_pixels(ds, random_values((5, 7), 8, False, bits_allocated=8))
    made.append((save(ds, "implicit_mono1_u8.dcm", ImplicitVRLittleEndian),
                 [dict(frame=0), dict(frame=0, invert=True)]))

    # Signed 16-bit CT with negative values, HU rescale, no window in the file.
    ds = base_dataset(9, 16, "MONOCHROME2", 16, 16, True)
    ds.Modality, ds.BodyPartExamined, ds.StudyDescription = "CT", "ABDOMEN", "CT ABDOMEN W CONTRAST"
    ds.RescaleSlope, ds.RescaleIntercept, ds.RescaleType = "1", "-1024", "HU"
    raw = random_values((9, 16), 16, True).astype(np.int64)
    raw = ((raw.astype(np.int16) // 16).astype(np.int64)) & 0xFFFF  # keep values in a CT-like range
    set_pixels(ds, raw.astype(np.uint16))
    made.append((save(ds, "explicit_ct_s16.dcm", ExplicitVRLittleEndian),
                 [dict(frame=0, window=(40.0, 400.0)), dict(frame=0, window=(-600.0, 1500.0), out_size=(8, 3))]))

    # Signed 12-bit in 16 (sign extension from bit 11), fractional rescale, junk high bits.
    ds = base_dataset(5, 7, "MONOCHROME2", 16, 12, True)
    ds.Modality = "MR"
    ds.RescaleSlope, ds.RescaleIntercept = "0.5", "10.25"
    ds.WindowCenter, ds.WindowWidth = "0", "1500"
    set_pixels(ds, random_values((5, 7), 12, True, garbage_high_bits=True))
    made.append((save(ds, "explicit_s12.dcm", ExplicitVRLittleEndian), [dict(frame=0)]))

    # Signed 8-bit, 6 bits stored, LINEAR_EXACT.
    ds = base_dataset(5, 7, "MONOCHROME2", 8, 6, True)
    ds.VOILUTFunction = "LINEAR_EXACT"
    ds.WindowCenter, ds.WindowWidth = "-3", "40"
    set_pixels(ds, random_values((5, 7), 6, True, bits_allocated=8))
    made.append((save(ds, "explicit_s8_linear_exact.dcm", ExplicitVRLittleEndian), [dict(frame=0)]))

    # SIGMOID window on 16-bit unsigned.
    ds = base_dataset(5, 7, "MONOCHROME2", 16, 16, False)
    ds.VOILUTFunction = "SIGMOID"
    ds.WindowCenter, ds.WindowWidth = "30000", "20000"
    set_pixels(ds, random_values((5, 7), 16, False))
    made.append((save(ds, "explicit_u16_sigmoid.dcm", ExplicitVRLittleEndian), [dict(frame=0)]))

    # RGB 8-bit, both planar configurations (same pixels).
    rgb = RNG.integers(0, 256, size=(5, 7, 3), dtype=np.int64).astype(np.uint8)
    for planar in (0, 1):
        ds = base_dataset(5, 7, "RGB", 8, 8, False, samples=3)
        ds.Modality = "XC"
        ds.PlanarConfiguration = planar
        data = rgb if planar == 0 else np.ascontiguousarray(rgb.transpose(2, 0, 1))
        ds.PixelData = data.tobytes()
        made.append((save(ds, f"explicit_rgb8_planar{planar}.dcm", ExplicitVRLittleEndian), [dict(frame=0)]))

    # RGB 16-bit, planar 1, implicit VR.
    ds = base_dataset(5, 7, "RGB", 16, 16, False, samples=3)
    ds.PlanarConfiguration = 1
    rgb16 = RNG.integers(0, 65536, size=(3, 5, 7), dtype=np.int64).astype("<u2")
    ds.PixelData = rgb16.tobytes()
    made.append((save(ds, "implicit_rgb16_planar1.dcm", ImplicitVRLittleEndian), [dict(frame=0)]))

    # 3-frame 16x12, implicit VR, one window; zoomed, panned and shrunk views.
    ds = base_dataset(12, 16, "MONOCHROME2", 16, 10, False)
    ds.NumberOfFrames = 3
    ds.Modality = "XA"
    ds.WindowCenter, ds.WindowWidth = "512", "800"
    set_pixels(ds, random_values((3, 12, 16), 10, False))
    made.append((save(ds, "implicit_multiframe3.dcm", ImplicitVRLittleEndian),
                 [dict(frame=0), dict(frame=2), dict(frame=1, out_size=(4, 3)),
                  dict(frame=1, zoom=2.0), dict(frame=2, zoom=2.0, out_size=(4, 3)),
                  dict(frame=0, zoom=2.0, pan=(2.0, -1.0))]))

    # Nested undefined-length sequences (with icon-like Rows/Columns inside) before the
    # pixel data, in both explicit and implicit VR.
    for name, syntax in (("explicit_nested_sq.dcm", ExplicitVRLittleEndian),
                         ("implicit_nested_sq.dcm", ImplicitVRLittleEndian)):
        ds = base_dataset(5, 7, "MONOCHROME2", 16, 16, False)
        inner = Dataset()
        inner.CodeValue, inner.CodingSchemeDesignator, inner.CodeMeaning = "T-D4000", "SRT", "Abdomen"
        inner.is_undefined_length_sequence_item = True
        icon = Dataset()
        icon.Rows, icon.Columns, icon.SamplesPerPixel = 2, 3, 1
        icon.PhotometricInterpretation = "PALETTE COLOR"
        icon.BitsAllocated, icon.BitsStored, icon.HighBit, icon.PixelRepresentation = 8, 8, 7, 0
        icon.PixelData = bytes(range(6))
        icon.is_undefined_length_sequence_item = True
        item = Dataset()
        item.AnatomicRegionSequence = Sequence([inner])
        item["AnatomicRegionSequence"].is_undefined_length = True
        item.IconImageSequence = Sequence([icon])
        item["IconImageSequence"].is_undefined_length = True
        item.is_undefined_length_sequence_item = True
        ds.ReferencedImageSequence = Sequence([item, copy.deepcopy(item)])
        ds["ReferencedImageSequence"].is_undefined_length = True
        set_pixels(ds, random_values((5, 7), 16, False))
        made.append((save(ds, name, syntax), [dict(frame=0)]))

    # Deflated explicit VR (raw DEFLATE after the meta information): a smooth ramp that
    # compresses with back-references, plus noise that stays literal, and a nested sequence.
    ds = base_dataset(9, 16, "MONOCHROME2", 16, 16, False)
    ds.Modality, ds.StudyDescription = "MR", "DEFLATED"
    ramp = np.tile(np.arange(16, dtype=np.int64) * 300, (9, 1))
    ramp[5:] = random_values((4, 16), 16, False)
    item = Dataset()
    item.CodeValue, item.CodeMeaning = "X", "nested"
    item.is_undefined_length_sequence_item = True
    ds.AnatomicRegionSequence = Sequence([item])
    ds["AnatomicRegionSequence"].is_undefined_length = True
    ds.WindowCenter, ds.WindowWidth = "3000", "6000"
    set_pixels(ds, ramp.astype(np.uint16))
    made.append((save(ds, "deflated_u16.dcm", DeflatedExplicitVRLittleEndian), [dict(frame=0)]))

    manifest = [expectation(path, renders) for path, renders in made]

    # Explicit VR Big Endian (retired): refused by name; pydicom can read it.
    ds = base_dataset(5, 7, "MONOCHROME2", 16, 16, False)
    ds.PixelData = random_values((5, 7), 16, False).astype(">u2").tobytes()
    big = save(ds, "big_endian.dcm", ExplicitVRBigEndian)
    pydicom.dcmread(big).pixel_array  # the file is valid
    unsupported = [{"file": "big_endian.dcm",
                    "error": f"not supported: Explicit VR Big Endian (retired) ({ExplicitVRBigEndian})"}]
    return manifest, unsupported


def sample_expectations():
    samples = []
    for relative in SAMPLES:
        path = os.path.join(SHARED, relative)
        if not os.path.exists(path):
            print(f"warning: {path} missing, not recorded", file=sys.stderr)
            continue
        ds = pydicom.dcmread(path)
        arr = ds.pixel_array.astype(np.int64)
        modality = apply_modality_lut(arr, ds).astype(np.float64)
        rows, cols = arr.shape
        points = [(0, 0), (cols // 2, rows // 2), (cols - 1, rows - 1), (cols // 3, rows // 4), (cols // 5, 2 * rows // 3)]
        window = None if "WindowCenter" in ds else (40.0, 400.0)  # CT without window: W400/L40
        t = display_fraction(ds, modality, window)
        if ds.PhotometricInterpretation == "MONOCHROME1":
            t = 1 - t
        rendered = np.clip(np.rint(t * 255), 0, 255).astype(np.int64)
        samples.append({
            "path": relative, "rows": rows, "columns": cols,
            "photometric": str(ds.PhotometricInterpretation), "bitsStored": int(ds.BitsStored),
            "signed": int(ds.PixelRepresentation) == 1,
            "storedSum": int(arr.sum()), "storedMin": int(arr.min()), "storedMax": int(arr.max()),
            "modalitySum": float(modality.sum()),
            "points": [{"x": x, "y": y, "stored": int(arr[y, x])} for x, y in points],
            "windows": windows_of(ds), "renderWindow": list(window) if window else None,
            "renderSum": int(rendered.sum()),
            "renderPoints": [{"x": x, "y": y, "value": int(rendered[y, x])} for x, y in points],
            "tags": {k: v for k, v in tags_of(ds).items() if k not in ("patientName", "patientID")},
            "hasPatientName": text(ds, "PatientName") is not None,
        })
    refused = []
    for relative in J2K_SAMPLES:
        path = os.path.join(SHARED, relative)
        if not os.path.exists(path):
            continue
        uid = str(pydicom.dcmread(path, stop_before_pixels=True).file_meta.TransferSyntaxUID)
        refused.append({"path": relative, "transferSyntaxUID": uid, "error": f"not supported: JPEG 2000 ({uid})"})
    return samples, refused


def main():
    fixtures, unsupported = make_fixtures()
    samples, refused = sample_expectations()
    manifest = {"generator": f"pydicom {pydicom.__version__}, numpy {np.__version__}",
                "fixtures": fixtures, "unsupported": unsupported, "samples": samples, "refusedSamples": refused}
    with open(os.path.join(OUT_DIR, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(OUT_DIR, n)) for n in os.listdir(OUT_DIR))
    print(f"wrote {len(fixtures) + len(unsupported)} fixtures and manifest.json ({total} bytes) to {OUT_DIR}")


if __name__ == "__main__":
    main()
