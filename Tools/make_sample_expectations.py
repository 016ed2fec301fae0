#!/usr/bin/env python3
"""Write Tests/Fixtures/samples_expected.json: what pydicom and numpy say about the shipped
compressed samples, so the Swift tests compare our decoder with an independent reader.

Usage: /root/.cache/medgemma/dicom-venv/bin/python Tools/make_sample_expectations.py

Why: ct-01 ships a JPEG 2000 lossless original whose elements are mostly VR UN, and mr-02 is
an RLE Lossless series; the tests must fail if our reader decodes either differently from
pydicom, orders the slices differently, or sees other geometry. Pixel expectations are the
sha256 of numpy's `np.save` bytes of pydicom's `pixel_array` (for the series: the slices
stacked in ImagePositionPatient z order), which is what `MedicalImage.npyBytes` writes.
Re-run after Tools/make_sample_studies.py changes a sample.
"""

import hashlib
import io
import json
import os

import numpy as np
import pydicom

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CT = "samples/ct-01/ct_tcia_pancreas-ct_PANCREAS_0001_j2k_original.dcm"
MR_SERIES = "samples/mr-02/mr_mricron_ch2_t1_axial"


def npy_sha256(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return hashlib.sha256(buffer.getvalue()).hexdigest()


def file_sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def raw_un_count(path):
    from pydicom.filereader import _read_file_meta_info, data_element_generator, read_preamble
    with open(path, "rb") as f:
        read_preamble(f, False)
        _read_file_meta_info(f)
        return sum(1 for e in data_element_generator(f, False, True) if e.VR == "UN")


def ct_expectations():
    path = os.path.join(REPO, CT)
    ds = pydicom.dcmread(path)
    pixels = ds.pixel_array
    return {
        "file": CT,
        "fileSHA256": file_sha256(path),
        "transferSyntax": str(ds.file_meta.TransferSyntaxUID),
        "rows": int(ds.Rows),
        "columns": int(ds.Columns),
        "dtype": pixels.dtype.str,
        "min": int(pixels.min()),
        "max": int(pixels.max()),
        "npySHA256": npy_sha256(pixels),
        "studyInstanceUID": str(ds.StudyInstanceUID),
        "seriesInstanceUID": str(ds.SeriesInstanceUID),
        "sopInstanceUID": str(ds.SOPInstanceUID),
        "hasWindow": "WindowCenter" in ds,
        # How many top-level elements the file encodes as VR UN, as stored (pydicom's dcmread
        # replaces UN by the dictionary VR, so the raw elements are counted here): the gdcmconv
        # quirk that the reader must handle, and that the tests check is really there.
        "unElements": raw_un_count(path),
    }


def series_expectations():
    folder = os.path.join(REPO, MR_SERIES)
    slices = [pydicom.dcmread(os.path.join(folder, name)) for name in sorted(os.listdir(folder))]
    slices.sort(key=lambda ds: float(ds.ImagePositionPatient[2]))
    z = [float(ds.ImagePositionPatient[2]) for ds in slices]
    steps = sorted(round(b - a, 6) for a, b in zip(z, z[1:]))
    first = slices[0]
    return {
        "folder": MR_SERIES,
        "seriesInstanceUID": str(first.SeriesInstanceUID),
        "transferSyntax": str(first.file_meta.TransferSyntaxUID),
        "modality": str(first.Modality),
        "slices": len(slices),
        "files": [os.path.basename(ds.filename) for ds in slices],
        "z": z,
        "sliceSpacing": steps[len(steps) // 2],
        "rows": int(first.Rows),
        "columns": int(first.Columns),
        "pixelSpacing": [float(v) for v in first.PixelSpacing],
        "window": [float(first.WindowCenter), float(first.WindowWidth)],
        "npySHA256": npy_sha256(np.stack([ds.pixel_array for ds in slices])),
        "firstSliceNpySHA256": npy_sha256(slices[0].pixel_array),
    }


def main():
    out = os.path.join(REPO, "Tests", "Fixtures", "samples_expected.json")
    manifest = {"generator": "Tools/make_sample_expectations.py (pydicom %s, numpy %s)" % (pydicom.__version__, np.__version__),
                "ct01": ct_expectations(), "mr02": series_expectations()}
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(manifest, indent=2) + "\n")
    print(out)


if __name__ == "__main__":
    main()
