#!/usr/bin/env python3
"""Write samples/mr-02's DICOM series from the MRIcron "ch2" T1 brain volume, reproducibly.

Usage: python3 Tools/make_mr_brain_series.py [--ch2 PATH/ch2.nii.gz] OUT_FOLDER

Why this file exists: the shipped samples need one real, openly licensed multi-slice series,
and the only sources reachable are PyPI and Debian. Debian's `mricron-data` (BSD-3-Clause for
all its files, see samples/SOURCES.md) ships `ch2.nii.gz`, the "Colin 27" single-subject T1
brain (one real volunteer, 27 scans averaged; Holmes et al. 1998), as NIfTI. This script turns
a few of its axial planes into an ordinary DICOM series: one MR Image Storage file per slice,
RLE Lossless (so the series is also a compressed study), with a real geometry.

Every step, so a reader can check it:

1. Source: `mricron-data_1.2.20211006+dfsg-4_all.deb` (sha256 DEB_SHA256), fetched with
   `apt-get download` unless `--ch2` names the extracted file; `ch2.nii.gz` must have
   sha256 CH2_SHA256. NIfTI-1: 181x217x181 uint8, 1 mm voxels, sform x = i - 90,
   y = j - 125, z = k - 71 (RAS, mm), scl_slope 1, intercept 0 (the script checks all this).
2. Planes k = 2, 7, ..., 172 (35 axial planes, 1 mm thick, 5 mm apart; z = -69 ... +101 mm),
   from the skull base to the vertex. No resampling and no interpolation: every stored value
   is a voxel value of the source, unchanged (0-255, stored in 16 bits as MR requires).
3. Each plane is flipped to radiological display (row 0 anterior, column 0 the patient's
   right): pixel (r, c) = voxel (i = 180 - c, j = 216 - r, k). RAS becomes DICOM's LPS:
   ImageOrientationPatient 1\\0\\0\\0\\1\\0, ImagePositionPatient (-90, -91, k - 71).
4. UIDs come from pydicom's generate_uid with fixed entropy sources, so re-running gives the
   same bytes. ImageType DERIVED\\SECONDARY, DerivationDescription says what was done. The
   patient is named nowhere: PatientName empty, PatientID the case's synthetic id.
5. Pixel data RLE Lossless (pydicom's own encoder); each file is read back and its
   pixel_array compared with the plane, so the compression is checked lossless.
"""

import argparse
import gzip
import hashlib
import os
import struct
import subprocess
import sys
import tempfile

DEB_NAME = "mricron-data"
DEB_VERSION = "1.2.20211006+dfsg-4"
DEB_SHA256 = "d40aa0ed66cf89bf6cafa049ad3884703c9d975c2ee2737525b7196528df9d6f"
CH2_PATH_IN_DEB = "usr/share/mricron/templates/ch2.nii.gz"
CH2_SHA256 = "a009051127f64dc3dd554d5f5b589870ea72106d9642c21b4e7093e478cfc309"

PLANES = list(range(2, 173, 5))  # 35 planes, 5 mm apart
WINDOW = (110, 220)  # centre, width: 0-220 covers the brain and scalp (the source's 99.9th percentile is 217)
PATIENT_ID = "SYN-MR-0002"
UID_SEED = "medgemma-workstation samples/mr-02 from MRIcron ch2.nii.gz"


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fetch_ch2(workdir):
    """Downloads the Debian package with apt-get and extracts ch2.nii.gz; returns its path."""
    subprocess.run(["apt-get", "download", f"{DEB_NAME}={DEB_VERSION}"], cwd=workdir, check=True)
    deb = os.path.join(workdir, f"{DEB_NAME}_{DEB_VERSION.replace(':', '%3a')}_all.deb")
    if sha256(deb) != DEB_SHA256:
        sys.exit(f"{deb}: sha256 is not {DEB_SHA256}")
    subprocess.run(["dpkg-deb", "-x", deb, os.path.join(workdir, "x")], check=True)
    return os.path.join(workdir, "x", CH2_PATH_IN_DEB)


def read_nifti(path):
    """The volume as a numpy array [k, j, i] after checking the header is what step 1 says."""
    import numpy as np
    data = gzip.open(path).read()
    header = data[:348]
    dims = struct.unpack("<8h", header[40:56])
    datatype, bitpix = struct.unpack("<hh", header[70:74])
    pixdim = struct.unpack("<8f", header[76:108])
    vox_offset = struct.unpack("<f", header[108:112])[0]
    slope, inter = struct.unpack("<ff", header[112:120])
    sform_code = struct.unpack("<h", header[254:256])[0]
    srow = struct.unpack("<12f", header[280:328])
    expected = ((3, 181, 217, 181), (2, 8), (1.0, 1.0, 1.0), 352.0, (1.0, 0.0), 4,
                (1.0, 0.0, 0.0, -90.0, 0.0, 1.0, 0.0, -125.0, 0.0, 0.0, 1.0, -71.0))
    found = (dims[:4], (datatype, bitpix), pixdim[1:4], vox_offset, (slope, inter), sform_code, srow)
    if found != expected:
        sys.exit(f"{path}: unexpected NIfTI header {found}")
    return np.frombuffer(data[352:], dtype=np.uint8).reshape(181, 217, 181)


def plane_pixels(volume, k):
    """Plane k in radiological display order (step 3), as uint16."""
    import numpy as np
    return np.ascontiguousarray(volume[k][::-1, ::-1]).astype(np.uint16)


def slice_dataset(pixels, k, number, uids):
    import pydicom
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian, MRImageStorage, RLELossless, generate_uid

    sop = generate_uid(entropy_srcs=[UID_SEED, "instance", str(k)])
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = MRImageStorage
    meta.MediaStorageSOPInstanceUID = sop
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    meta.ImplementationClassUID = generate_uid(entropy_srcs=[UID_SEED, "implementation"])
    meta.ImplementationVersionName = "MEDGEMMA_SAMPLES"

    ds = Dataset()
    ds.file_meta = meta
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.ImageType = ["DERIVED", "SECONDARY"]
    ds.SOPClassUID = MRImageStorage
    ds.SOPInstanceUID = sop
    ds.StudyDate = ""
    ds.StudyTime = ""
    ds.AccessionNumber = ""
    ds.Modality = "MR"
    ds.Manufacturer = ""
    ds.ReferringPhysicianName = ""
    ds.StudyDescription = "MR brain (sample)"
    ds.SeriesDescription = "T1 3D, axial 1 mm planes every 5 mm (from MRIcron ch2)"
    ds.DerivationDescription = ("Axial plane k=%d of MRIcron ch2.nii.gz (Colin 27 T1, Debian mricron-data %s), "
                                "flipped to radiological display, voxel values unchanged; RLE Lossless" % (k, DEB_VERSION))
    ds.PatientName = ""
    ds.PatientID = PATIENT_ID
    ds.PatientBirthDate = ""
    ds.PatientSex = "M"
    ds.BodyPartExamined = "HEAD"
    ds.ScanningSequence = ""
    ds.SequenceVariant = ""
    ds.ScanOptions = ""
    ds.MRAcquisitionType = "3D"
    ds.SliceThickness = "1"
    ds.SpacingBetweenSlices = "5"
    ds.EchoTime = ""
    ds.RepetitionTime = ""
    ds.EchoTrainLength = ""
    ds.StudyInstanceUID = uids["study"]
    ds.SeriesInstanceUID = uids["series"]
    ds.StudyID = ""
    ds.SeriesNumber = 2
    ds.InstanceNumber = number
    ds.ImagePositionPatient = [-90, -91, k - 71]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.FrameOfReferenceUID = uids["frame"]
    ds.PositionReferenceIndicator = ""
    ds.SliceLocation = k - 71
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows, ds.Columns = pixels.shape
    ds.PixelSpacing = [1, 1]
    ds.BitsAllocated = 16
    ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 0
    ds.WindowCenter = WINDOW[0]
    ds.WindowWidth = WINDOW[1]
    ds.WindowCenterWidthExplanation = "BRAIN"
    ds.LossyImageCompression = "00"
    ds.PixelData = pixels.tobytes()
    ds.compress(RLELossless, encoding_plugin="pydicom", generate_instance_uid=False)
    return ds


def write_series(ch2, out):
    """Writes slice_001.dcm ... into `out` (created); returns [(file name, z)] in order."""
    import numpy as np
    import pydicom
    from pydicom.uid import generate_uid

    if sha256(ch2) != CH2_SHA256:
        sys.exit(f"{ch2}: sha256 is not {CH2_SHA256}")
    volume = read_nifti(ch2)
    uids = {name: generate_uid(entropy_srcs=[UID_SEED, name]) for name in ("study", "series", "frame")}
    os.makedirs(out, exist_ok=True)
    written = []
    for number, k in enumerate(PLANES, start=1):
        pixels = plane_pixels(volume, k)
        name = "slice_%03d.dcm" % number
        path = os.path.join(out, name)
        slice_dataset(pixels, k, number, uids).save_as(path, enforce_file_format=True)
        back = pydicom.dcmread(path)
        if not np.array_equal(back.pixel_array, pixels):
            sys.exit(f"{path}: RLE round trip changed the pixels")
        written.append((name, k - 71))
    return written



def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ch2", help="ch2.nii.gz extracted from mricron-data (default: apt-get download it)")
    parser.add_argument("out")
    args = parser.parse_args()
    if args.ch2:
        written = write_series(args.ch2, args.out)
    else:
        with tempfile.TemporaryDirectory() as work:
            written = write_series(fetch_ch2(work), args.out)
    for name, z in written:
        print(name, z)


if __name__ == "__main__":
    main()
