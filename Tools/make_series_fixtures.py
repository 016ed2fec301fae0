#!/usr/bin/env python3
"""Write the DICOM series fixtures for MedImagingTests and MedgemmaCLITests, with what
pydicom and numpy say about them.

Run by hand from the repository root (needs pydicom 3 and numpy; the Swift code never
uses them):

    python3 Tools/make_series_fixtures.py

It writes into Tests/Fixtures/dicom/series/ small synthetic series of 16x16 slices, each
folder with shuffled file names (the names say nothing about the order) and Instance
Numbers that disagree with the geometry, so only Image Position (Patient) sorts them:

  * ct_axial/: 6 signed 16-bit CT slices, axial, 2.5 mm apart, two windows, plus a text
    file that is not DICOM;
  * ct_duplicate/: the same with one position repeated (slices 3 and 4);
  * ct_gap/: the same with one step of 7.5 mm (a gap after slice 3);
  * mr_oblique/: 5 unsigned 12-bit MR slices tilted 30 degrees about the x axis;
  * two_series/: 4 axial CT slices and 3 coronal MR slices (Series Number 2 and 1);
  * no_position/: 4 slices without position or orientation (Instance Number order);
  * multiframe/ct_volume.dcm: one 4-frame CT file (a volume, frames in file order);
  * enhanced/ct_enhanced.dcm: a 5-frame file whose per-frame functional groups give each
    frame's position, out of spatial order (sorted along the normal like slices), with
    orientation and pixel spacing in the shared functional groups;
  * with_unreadable/: 3 slices, a truncated DICOM file, a text file and a subfolder;
  * lying/: 3 slices and one whose header promises more pixel data than it holds;
  * expected/*.npy: `np.save` of pydicom's `pixel_array` stacked in the sorted order
    (slices, rows, columns) for each series, and of `pixel_array` for each multi-frame or
    single file (including uncompressed fixtures from Tools/make_dicom_fixtures.py), so
    our .npy writer is checked byte for byte against numpy's;
  * series_manifest.json: for each folder, the series in Series Number order with their
    files in sorted order, orientation label, pixel and slice spacing, windows, gaps and
    duplicates, and which .npy holds their pixels.

The sort is pydicom-style: along the slice normal, position . (row x column direction),
ties by Instance Number then file name; the orientation is named after the patient axis
the normal lies within 10 degrees of (x sagittal, y coronal, z axial), else "oblique".
Patient names and ids are invented.
"""

import json
import math
import os
import shutil

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DICOM_DIR = os.path.join(ROOT, "Tests", "Fixtures", "dicom")
OUT_DIR = os.path.join(DICOM_DIR, "series")
UID_ROOT = "1.2.826.0.1.3680043.8.498."
RNG = np.random.default_rng(20261204)
SIZE = 16
NAMED_THRESHOLD = math.cos(math.radians(10))

CT_CLASS = "1.2.840.10008.5.1.4.1.1.2"
MR_CLASS = "1.2.840.10008.5.1.4.1.1.4"
MULTIFRAME_CLASS = "1.2.840.10008.5.1.4.1.1.7.3"  # Multi-frame Grayscale Word SC


def uid(*parts):
    return generate_uid(UID_ROOT, entropy_srcs=[("-".join(str(p) for p in parts))])


def ds_value(x):
    """A coordinate as DS text can hold it (pydicom would refuse more than 16 characters)."""
    return float(f"{x:.4f}")


def dataset(kind, series, number, instance, position, orientation, frames=1):
    ct = kind == "CT"
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.SOPClassUID = MULTIFRAME_CLASS if frames > 1 else (CT_CLASS if ct else MR_CLASS)
    ds.SOPInstanceUID = uid("sop", series, instance)
    ds.StudyInstanceUID = uid("study")
    ds.SeriesInstanceUID = uid("series", series)
    ds.StudyDate = "20240131"
    ds.Modality = kind
    ds.SeriesDescription = f"{series} fixture"
    ds.SeriesNumber = number
    ds.InstanceNumber = instance
    ds.PatientName = "Fixture^Series"
    ds.PatientID = "FIXTURE-SERIES"
    if position is not None:
        ds.ImagePositionPatient = [ds_value(v) for v in position]
        ds.ImageOrientationPatient = [ds_value(v) for v in orientation]
    ds.PixelSpacing = [0.7, 0.8]
    ds.SliceThickness = 2.5
    ds.Rows = SIZE
    ds.Columns = SIZE
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 16
    if ct:
        ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 15, 1
        ds.RescaleIntercept, ds.RescaleSlope, ds.RescaleType = 0, 1, "HU"
        ds.WindowCenter, ds.WindowWidth = [40, -600], [400, 1500]
        ds.WindowCenterWidthExplanation = ["SOFT TISSUE", "LUNG"]
    else:
        ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 12, 11, 0
    if frames > 1:
        ds.NumberOfFrames = frames
        ds.SpacingBetweenSlices = 3.0
    return ds


def pixels(kind, marker, frames=1):
    """Random values in the stored range, with the slice's marker in the first pixel so
    a wrong order shows."""
    low, high = (-1024, 2000) if kind == "CT" else (0, 4095)
    shape = (frames, SIZE, SIZE) if frames > 1 else (SIZE, SIZE)
    values = RNG.integers(low, high + 1, size=shape, dtype=np.int64)
    flat = values.reshape(-1, SIZE * SIZE) if frames > 1 else values.reshape(1, -1)
    for f in range(flat.shape[0]):
        flat[f, 0] = marker + f
    return values.astype(np.int16 if kind == "CT" else np.uint16)


def save(ds, array, path):
    ds.PixelData = array.astype("<i2" if ds.PixelRepresentation == 1 else "<u2").tobytes()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.preamble = b"\0" * 128
    os.makedirs(os.path.dirname(path), exist_ok=True)
    ds.save_as(path, enforce_file_format=True)


def rotation_x(degrees):
    t = math.radians(degrees)
    return [1, 0, 0, 0, math.cos(t), math.sin(t)]


AXIAL = [1, 0, 0, 0, 1, 0]
CORONAL = [1, 0, 0, 0, 0, -1]


def write_series(folder, kind, series, number, steps, orientation=AXIAL, origin=(-12.0, -20.0, -100.0),
                 positions=True):
    """Slices at the given cumulative steps (mm) along the normal, files named at random,
    Instance Numbers in reverse order of position."""
    normal = np.cross(orientation[:3], orientation[3:])
    count = len(steps)
    names = [f"IM{n:04d}.dcm" for n in RNG.choice(10000, size=count, replace=False)]
    for i, step in enumerate(steps):
        position = (np.array(origin) + step * normal).tolist() if positions else None
        instance = count - i
        ds = dataset(kind, series, number, instance, position, orientation)
        save(ds, pixels(kind, 100 * (i + 1)), os.path.join(OUT_DIR, folder, names[i]))


# --------------------------------------------------------------------------- the oracle

def orientation_label(iop):
    normal = np.cross(np.array(iop[:3], dtype=float), np.array(iop[3:], dtype=float))
    normal = normal / np.linalg.norm(normal)
    largest = np.abs(normal).max()
    if largest < NAMED_THRESHOLD:
        return "oblique"
    return ["sagittal", "coronal", "axial"][int(np.abs(normal).argmax())]


def describe_folder(folder):
    """What a reader must find in the folder: pydicom reads every file, non-DICOM files are
    ignored, and slices are grouped and sorted the pydicom way."""
    path = os.path.join(OUT_DIR, folder)
    groups, volumes, ignored, unreadable = {}, [], [], []
    for name in sorted(os.listdir(path)):
        file = os.path.join(path, name)
        if os.path.isdir(file):
            ignored.append(name)
            continue
        try:
            ds = pydicom.dcmread(file)
        except pydicom.errors.InvalidDicomError:
            ignored.append(name)
            continue
        except Exception:
            unreadable.append(name)
            continue
        if "PixelData" not in ds:  # pydicom reads what it can of a truncated file
            unreadable.append(name)
            continue
        if int(ds.get("NumberOfFrames", 1)) > 1:
            volumes.append((name, ds))
        else:
            groups.setdefault(ds.SeriesInstanceUID, []).append((name, ds))
    series = []
    for members in groups.values():
        if all("ImagePositionPatient" in ds for _, ds in members):
            iop = [float(v) for v in members[0][1].ImageOrientationPatient]
            normal = np.cross(iop[:3], iop[3:])
            normal = normal / np.linalg.norm(normal)
            keyed = [(float(np.dot([float(v) for v in ds.ImagePositionPatient], normal)), int(ds.InstanceNumber), name, ds)
                     for name, ds in members]
            keyed.sort(key=lambda k: (k[0], k[1], k[2]))
            locations = [k[0] for k in keyed]
            steps = np.diff(locations)
            real = steps[steps > 0.01]
            spacing = float(np.median(real)) if real.size else None
            entry = dict(ordering="position", orientation=orientation_label(iop), sliceSpacing=spacing,
                         duplicates=[[int(i) + 1, int(i) + 2] for i in np.nonzero(steps <= 0.01)[0]],
                         gapsAfter=[int(i) + 1 for i in np.nonzero(steps > 1.5 * spacing)[0]] if spacing else [])
            ordered = [(k[2], k[3]) for k in keyed]
        else:
            ordered = sorted(members, key=lambda m: (int(m[1].InstanceNumber), m[0]))
            entry = dict(ordering="instance number", orientation=None, sliceSpacing=None, duplicates=[], gapsAfter=[])
        series.append((ordered, entry, None))
    for name, ds in volumes:
        if "PerFrameFunctionalGroupsSequence" in ds:
            shared = ds.SharedFunctionalGroupsSequence[0]
            iop = [float(v) for v in shared.PlaneOrientationSequence[0].ImageOrientationPatient]
            normal = np.cross(iop[:3], iop[3:])
            normal = normal / np.linalg.norm(normal)
            locations = [float(np.dot([float(v) for v in item.PlanePositionSequence[0].ImagePositionPatient], normal))
                         for item in ds.PerFrameFunctionalGroupsSequence]
            order = sorted(range(len(locations)), key=lambda f: (locations[f], f))
            steps = np.diff([locations[f] for f in order])
            entry = dict(ordering="position", orientation=orientation_label(iop), sliceSpacing=float(np.median(steps)),
                         duplicates=[], gapsAfter=[], pixelSpacing=[float(v) for v in shared.PixelMeasuresSequence[0].PixelSpacing])
        else:
            iop = [float(v) for v in ds.ImageOrientationPatient]
            order = list(range(int(ds.NumberOfFrames)))
            entry = dict(ordering="frames", orientation=orientation_label(iop), sliceSpacing=float(ds.SpacingBetweenSlices),
                         duplicates=[], gapsAfter=[])
        series.append(([(name, ds)], entry, order))
    series.sort(key=lambda s: (int(s[0][0][1].SeriesNumber), s[0][0][0]))

    described = []
    for index, (ordered, entry, frames) in enumerate(series, start=1):
        first = ordered[0][1]
        npy = f"expected/{folder}_{index}.npy"
        if folder != "lying":
            if frames:
                stack = first.pixel_array[frames]
            else:
                stack = np.stack([ds.pixel_array for _, ds in ordered])
            np.save(os.path.join(OUT_DIR, npy), stack)
        def floats(value):
            return [float(v) for v in (value if isinstance(value, pydicom.multival.MultiValue) else [value])]
        windows = [list(pair) for pair in zip(floats(first.WindowCenter), floats(first.WindowWidth))] \
            if "WindowCenter" in first else []
        described.append(dict(
            seriesInstanceUID=first.SeriesInstanceUID, seriesNumber=int(first.SeriesNumber), modality=first.Modality,
            rows=int(first.Rows), columns=int(first.Columns), slices=len(frames) if frames else len(ordered),
            files=[name for name, _ in ordered] if not frames else [ordered[0][0]] * len(frames),
            frames=frames if frames else [None] * len(ordered),
            windows=windows, npy=None if folder == "lying" else npy,
            **dict(dict(pixelSpacing=[float(v) for v in first.get("PixelSpacing", [])]), **entry)))
    return dict(series=described, ignored=ignored, unreadable=unreadable)


# --------------------------------------------------------------------------- fixtures

def make_folders():
    write_series("ct_axial", "CT", "ct_axial", 3, [2.5 * i for i in range(6)])
    with open(os.path.join(OUT_DIR, "ct_axial", "notes.txt"), "w") as f:
        f.write("not a DICOM file: ignored when the folder is opened as a series\n")
    write_series("ct_duplicate", "CT", "ct_duplicate", 3, [0, 2.5, 5, 5, 7.5, 10])
    write_series("ct_gap", "CT", "ct_gap", 3, [0, 2.5, 5, 12.5, 15, 17.5])
    write_series("mr_oblique", "MR", "mr_oblique", 4, [4.0 * i for i in range(5)], orientation=rotation_x(30),
                 origin=(-10.0, 30.0, 20.0))
    write_series("two_series", "CT", "two_series_ct", 2, [2.5 * i for i in range(4)])
    write_series("two_series", "MR", "two_series_mr", 1, [5.0 * i for i in range(3)], orientation=CORONAL,
                 origin=(-50.0, 10.0, 60.0))
    write_series("no_position", "MR", "no_position", 5, [0, 1, 2, 3], positions=False)

    ds = dataset("CT", "multiframe", 6, 1, (-12.0, -20.0, -100.0), AXIAL, frames=4)
    save(ds, pixels("CT", 500, frames=4), os.path.join(OUT_DIR, "multiframe", "ct_volume.dcm"))

    write_series("with_unreadable", "CT", "with_unreadable", 7, [0, 2.5, 5])
    some = sorted(os.listdir(os.path.join(OUT_DIR, "with_unreadable")))[0]
    with open(os.path.join(OUT_DIR, "with_unreadable", some), "rb") as f:
        head = f.read(400)
    with open(os.path.join(OUT_DIR, "with_unreadable", "broken.dcm"), "wb") as f:
        f.write(head)
    with open(os.path.join(OUT_DIR, "with_unreadable", "notes.txt"), "w") as f:
        f.write("not a DICOM file\n")
    os.makedirs(os.path.join(OUT_DIR, "with_unreadable", "sub"), exist_ok=True)
    with open(os.path.join(OUT_DIR, "with_unreadable", "sub", "readme.txt"), "w") as f:
        f.write("subfolders are not searched\n")

    write_series("lying", "CT", "lying", 8, [0, 2.5, 5, 7.5])
    liar = sorted(os.listdir(os.path.join(OUT_DIR, "lying")))[-1]
    path = os.path.join(OUT_DIR, "lying", liar)
    ds = pydicom.dcmread(path)
    ds.PixelData = ds.PixelData[:64]  # the header still says 16x16 of 16-bit samples
    ds.save_as(path, enforce_file_format=True)

    ds = dataset("CT", "enhanced", 9, 1, None, AXIAL, frames=5)
    del ds.PixelSpacing, ds.SliceThickness, ds.SpacingBetweenSlices
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.2.1"  # Enhanced CT Image Storage
    shared = Dataset()
    orientation = Dataset()
    orientation.ImageOrientationPatient = AXIAL
    shared.PlaneOrientationSequence = Sequence([orientation])
    measures = Dataset()
    measures.PixelSpacing = [0.6, 0.6]
    measures.SliceThickness = 2.0
    measures.SpacingBetweenSlices = 2.0
    shared.PixelMeasuresSequence = Sequence([measures])
    ds.SharedFunctionalGroupsSequence = Sequence([shared])
    frames = []
    for z in [4.0, 0.0, 8.0, 2.0, 6.0]:  # out of spatial order
        item, position = Dataset(), Dataset()
        position.ImagePositionPatient = [-12.0, -20.0, -50.0 + z]
        item.PlanePositionSequence = Sequence([position])
        frames.append(item)
    ds.PerFrameFunctionalGroupsSequence = Sequence(frames)
    save(ds, pixels("CT", 700, frames=5), os.path.join(OUT_DIR, "enhanced", "ct_enhanced.dcm"))
    return liar


def single_files():
    """`pixel_array` of whole files: the multi-frame volume and uncompressed fixtures of
    every dtype (uint8, int8, uint16, int16, RGB, multi-frame)."""
    files = ["series/multiframe/ct_volume.dcm", "explicit_ct_s16.dcm", "implicit_mono1_u8.dcm",
             "explicit_s8_linear_exact.dcm", "explicit_rgb8_planar1.dcm", "implicit_rgb16_planar1.dcm",
             "implicit_multiframe3.dcm", "explicit_mono2_u12.dcm"]
    described = []
    for file in files:
        array = pydicom.dcmread(os.path.join(DICOM_DIR, file)).pixel_array
        npy = "expected/file_" + os.path.basename(file).replace(".dcm", ".npy")
        np.save(os.path.join(OUT_DIR, npy), array)
        described.append(dict(file=file, npy=npy, dtype=array.dtype.str, shape=list(array.shape)))
    return described


def main():
    if os.path.isdir(OUT_DIR):
        shutil.rmtree(OUT_DIR)
    os.makedirs(os.path.join(OUT_DIR, "expected"))
    liar = make_folders()
    folders = {}
    for folder in ["ct_axial", "ct_duplicate", "ct_gap", "mr_oblique", "two_series", "no_position", "multiframe", "enhanced",
                   "with_unreadable", "lying"]:
        folders[folder] = describe_folder(folder)
    manifest = dict(
        generator=f"Tools/make_series_fixtures.py, pydicom {pydicom.__version__}, numpy {np.__version__}",
        folders=folders, files=single_files(),
        lying=dict(folder="lying", file=liar,
                   error=f"truncated DICOM: pixel data holds 64 bytes, 16×16×1 frame(s) of 1×16-bit samples need 512"))
    with open(os.path.join(OUT_DIR, "series_manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, ensure_ascii=False)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(d, n)) for d, _, ns in os.walk(OUT_DIR) for n in ns)
    print(f"wrote {len(folders)} series folders, expected .npy files and series_manifest.json ({total} bytes) to {OUT_DIR}")


if __name__ == "__main__":
    main()
