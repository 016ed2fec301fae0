#!/usr/bin/env python3
"""Write the compressed DICOM test fixtures for MedImagingTests, with expected values from pydicom.

Run by hand from the repository root after Tools/make_dicom_fixtures.py, whose uncompressed
files it compresses (needs pydicom 3, numpy, python-gdcm, pylibjpeg, pylibjpeg-rle and pydicom-data; the
Swift code never uses them):

    python3 Tools/make_compressed_dicom_fixtures.py

It writes into Tests/Fixtures/dicom/:

  * rle_*.dcm: the uncompressed fixtures re-encoded as RLE Lossless by pydicom's own
    encoder, single- and multi-frame, with and without a Basic Offset Table, with an
    Extended Offset Table, and with frames split over several fragments;
  * jpeg_*.dcm: small 8-bit images encoded as JPEG Baseline by GDCM, gray and colour,
    multi-frame with and without a Basic Offset Table;
  * pydicom_*.dcm: small compressed files pydicom ships as test data (RLE, JPEG Baseline
    in RGB, YBR_FULL and YBR_FULL_422, deflated), and uncompressed YBR_FULL and
    YBR_FULL_422 (pydicom-data, pydicom), which pydicom's pixel_array gives as RGB;
  * rle_ybr_full.dcm: the uncompressed YBR_FULL one as RLE; ybr_full_*noise*.dcm: small
    uncompressed YBR_FULL (planar configuration 1) and YBR_FULL_422 images of random samples;
  * unsupported_htj2k.dcm: jpeg_gray.dcm relabelled HTJ2K, a syntax still refused by name
    (12-bit JPEG Extended, refused until it had a decoder, is in Tools/make_jpeg_extended_fixtures.py);
  * hostile_*.dcm: damaged variants, each with the one-line error it must give;
  * compressed_manifest.json: for each file, pydicom's `pixel_array` (in full when small,
    else a checksum and a few values), the plugin pydicom decoded it with, and provenance.

pydicom 3 decodes JPEG Baseline with GDCM when it is installed (its plugin order is gdcm,
pylibjpeg); GDCM returns YBR samples unconverted and pydicom converts them to RGB with its
own float32 arithmetic. The manifest records the plugin; the expected values are
`ds.pixel_array` with pydicom's defaults.
"""

import copy
import json
import os
import re
import struct
import sys

import numpy as np
import pydicom
from pydicom.data import get_testdata_file
from pydicom.encaps import encapsulate, encapsulate_extended, generate_frames
from pydicom.pixels import get_decoder
from pydicom.uid import DeflatedExplicitVRLittleEndian, ExplicitVRLittleEndian, JPEGBaseline8Bit, RLELossless

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_dicom_fixtures import OUT_DIR, base_dataset, expectation, save  # noqa: E402

RNG = np.random.default_rng(20261204)
FULL_LIMIT = 4096  # samples recorded in full; larger arrays get a checksum and points
PYDICOM_PROVENANCE = (f"pydicom {pydicom.__version__} pydicom/data/test_files (pydicom is MIT-licensed; "
                      "the files' origins are listed in that folder's README.txt)")

DATA_PROVENANCE = "pydicom-data 1.0.0 (MIT)"
# Uncompressed YBR colour, which pydicom's pixel_array converts to RGB (4:2:2 widened first).
DATA_FILES = [
    ("SC_ybr_full_uncompressed.dcm", "pydicom_SC_ybr_full_uncompressed.dcm"),
    ("SC_ybr_full_422_uncompressed.dcm", "pydicom_SC_ybr_full_422_uncompressed.dcm"),
]

PYDICOM_FILES = [
    # (name in pydicom, fixture name)
    ("MR_small_RLE.dcm", "pydicom_MR_small_RLE.dcm"),
    ("SC_rgb_rle.dcm", "pydicom_SC_rgb_rle.dcm"),
    ("SC_rgb_rle_16bit.dcm", "pydicom_SC_rgb_rle_16bit.dcm"),
    ("SC_rgb_rle_2frame.dcm", "pydicom_SC_rgb_rle_2frame.dcm"),
    ("SC_rgb_jpeg_dcmtk.dcm", "pydicom_SC_rgb_jpeg_dcmtk.dcm"),
    ("SC_rgb_dcmtk_+eb+cy+np.dcm", "pydicom_SC_rgb_dcmtk_eb_cy_np.dcm"),
    ("SC_rgb_dcmtk_+eb+cy+s4.dcm", "pydicom_SC_rgb_dcmtk_eb_cy_s4.dcm"),
    ("SC_jpeg_no_color_transform.dcm", "pydicom_SC_jpeg_no_color_transform.dcm"),
    ("SC_rgb_jpeg_app14_dcmd.dcm", "pydicom_SC_rgb_jpeg_app14_dcmd.dcm"),
    ("SC_rgb_small_odd_jpeg.dcm", "pydicom_SC_rgb_small_odd_jpeg.dcm"),
    ("image_dfl.dcm", "pydicom_image_dfl.dcm"),
]
# (fixture name, transfer syntax written over jpeg_gray.dcm's, the error it must give)
REFUSED = [("unsupported_htj2k.dcm", "1.2.840.10008.1.2.4.201", "not supported: HTJ2K (1.2.840.10008.1.2.4.201)")]


def checksum(flat):
    """sum((i mod 65521 + 1) * v): order-sensitive, exact in 64-bit integers."""
    index = np.arange(flat.size, dtype=np.int64) % 65521 + 1
    return int((index * flat.astype(np.int64)).sum())


def plugin_of(ds):
    syntax = ds.file_meta.TransferSyntaxUID
    if not syntax.is_compressed or syntax == DeflatedExplicitVRLittleEndian:
        return "native"
    decoder = get_decoder(syntax)
    for name in decoder.available_plugins:  # the order pydicom tries them
        try:
            decoder.as_array(ds, decoding_plugin=name)
            return name
        except Exception:
            continue
    return "none"


def record(path, provenance):
    entry = expectation(path, [])
    del entry["renders"]
    ds = pydicom.dcmread(path)
    flat = ds.pixel_array.reshape(-1).astype(np.int64)
    entry["transferSyntaxUID"] = str(ds.file_meta.TransferSyntaxUID)
    entry["decodedPhotometric"] = "RGB" if int(ds.SamplesPerPixel) == 3 else str(ds.PhotometricInterpretation)
    entry["plugin"] = plugin_of(ds)
    entry["provenance"] = provenance
    entry["sampleCount"] = int(flat.size)
    entry["checksum"] = checksum(flat)
    positions = sorted({0, flat.size // 3, flat.size // 2, (2 * flat.size) // 3, flat.size - 1})
    entry["points"] = [{"index": int(i), "value": int(flat[i])} for i in positions]
    if flat.size > FULL_LIMIT:
        entry["stored"] = None
        entry["modality"] = None
    return entry


# --------------------------------------------------------------------------- RLE

def rle_frames(ds):
    """pydicom's own RLE encoder, one codestream per frame."""
    work = copy.deepcopy(ds)
    work.compress(RLELossless, encoding_plugin="pydicom")
    return [bytes(frame) for frame in generate_frames(work.PixelData, number_of_frames=int(work.get("NumberOfFrames", 1) or 1))]


def with_frames(ds, syntax, frames, how):
    out = copy.deepcopy(ds)
    if how == "bot":
        out.PixelData = encapsulate(frames, has_bot=True)
    elif how == "nobot":
        out.PixelData = encapsulate(frames, has_bot=False)
    elif how == "eot":
        out.PixelData, out.ExtendedOffsetTable, out.ExtendedOffsetTableLengths = encapsulate_extended(frames)
    elif how == "split-bot":
        out.PixelData = encapsulate(frames, fragments_per_frame=2, has_bot=True)
    elif how == "split-nobot":
        out.PixelData = encapsulate(frames, fragments_per_frame=3, has_bot=False)
    out["PixelData"].is_undefined_length = True
    out["PixelData"].VR = "OB"
    if "PlanarConfiguration" in out and syntax == RLELossless:
        out.PlanarConfiguration = 1
    return out


def uncompressed(name):
    return pydicom.dcmread(os.path.join(OUT_DIR, name))


def make_rle():
    made = []
    sources = [
        ("explicit_ct_s16.dcm", "rle_ct_s16.dcm", "bot"),
        ("explicit_mono2_u12.dcm", "rle_mono2_u12.dcm", "nobot"),
        ("explicit_s12.dcm", "rle_s12.dcm", "nobot"),
        ("explicit_s8_linear_exact.dcm", "rle_s8.dcm", "nobot"),
        ("explicit_rgb8_planar0.dcm", "rle_rgb8.dcm", "bot"),
        ("implicit_rgb16_planar1.dcm", "rle_rgb16.dcm", "nobot"),
        ("implicit_multiframe3.dcm", "rle_multiframe3_bot.dcm", "bot"),
        ("implicit_multiframe3.dcm", "rle_multiframe3_nobot.dcm", "nobot"),
        ("implicit_multiframe3.dcm", "rle_multiframe3_eot.dcm", "eot"),
        ("implicit_multiframe3.dcm", "rle_multiframe3_split_bot.dcm", "split-bot"),
        ("explicit_ct_s16.dcm", "rle_ct_s16_split_nobot.dcm", "split-nobot"),
    ]
    for source, name, how in sources:
        ds = uncompressed(source)
        frames = rle_frames(ds)
        out = with_frames(ds, RLELossless, frames, how)
        path = save(out, name, RLELossless)
        made.append(record(path, f"Tests/Fixtures/dicom/{source} encoded by pydicom's RLE encoder, {how}"))
    # YBR_FULL colour, which pydicom's pixel_array gives as RGB.
    ds = pydicom.dcmread(get_testdata_file("SC_ybr_full_uncompressed.dcm"))
    path = save(with_frames(ds, RLELossless, rle_frames(ds), "bot"), "rle_ybr_full.dcm", RLELossless)
    made.append(record(path, f"SC_ybr_full_uncompressed.dcm from {DATA_PROVENANCE} encoded by pydicom's RLE encoder, bot"))
    return made


# --------------------------------------------------------------------------- JPEG Baseline

def gdcm_jpeg(ds):
    """GDCM's JPEG Baseline encoder on a single-frame 8-bit data set; returns the codestream."""
    import gdcm
    tmp_in, tmp_out = os.path.join(OUT_DIR, ".tmp_in.dcm"), os.path.join(OUT_DIR, ".tmp_out.dcm")
    save(copy.deepcopy(ds), ".tmp_in.dcm", ExplicitVRLittleEndian)
    reader = gdcm.ImageReader()
    reader.SetFileName(tmp_in)
    assert reader.Read()
    change = gdcm.ImageChangeTransferSyntax()
    change.SetTransferSyntax(gdcm.TransferSyntax(gdcm.TransferSyntax.JPEGBaselineProcess1))
    change.SetInput(reader.GetImage())
    assert change.Change()
    writer = gdcm.ImageWriter()
    writer.SetFileName(tmp_out)
    writer.SetFile(reader.GetFile())
    writer.SetImage(change.GetOutput())
    assert writer.Write()
    encoded = pydicom.dcmread(tmp_out)
    codestream = next(generate_frames(encoded.PixelData, number_of_frames=1))
    photometric = str(encoded.PhotometricInterpretation)
    os.remove(tmp_in)
    os.remove(tmp_out)
    return bytes(codestream), photometric


def smooth_image(rows, columns, samples):
    y, x = np.mgrid[0:rows, 0:columns]
    planes = [(x * 255 // (columns - 1) + 40 * np.sin(y / 3.0) * (c + 1)) for c in range(samples)]
    image = np.stack(planes, axis=-1) + RNG.normal(0, 12, size=(rows, columns, samples))
    return np.clip(image, 0, 255).astype(np.uint8)


def make_jpeg():
    made = []
    for name, samples, frames, how in (("jpeg_gray.dcm", 1, 1, "nobot"),
                                       ("jpeg_rgb.dcm", 3, 1, "nobot"),
                                       ("jpeg_gray_2frame_bot.dcm", 1, 2, "bot"),
                                       ("jpeg_rgb_3frame_nobot.dcm", 3, 3, "nobot"),
                                       ("jpeg_gray_2frame_split.dcm", 1, 2, "split-nobot")):
        rows, columns = 24, 32
        photometric = "MONOCHROME2" if samples == 1 else "RGB"
        ds = base_dataset(rows, columns, photometric, 8, 8, False, samples=samples)
        ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
        if samples == 3:
            ds.PlanarConfiguration = 0
        codestreams = []
        stored_photometric = photometric
        for _ in range(frames):
            single = copy.deepcopy(ds)
            single.PixelData = smooth_image(rows, columns, samples).tobytes()
            codestream, stored_photometric = gdcm_jpeg(single)
            codestreams.append(codestream)
        out = copy.deepcopy(ds)
        out.PhotometricInterpretation = stored_photometric
        if frames > 1:
            out.NumberOfFrames = frames
        out = with_frames(out, JPEGBaseline8Bit, codestreams, how)
        path = save(out, name, JPEGBaseline8Bit)
        made.append(record(path, f"smooth {samples}-sample image + noise encoded by GDCM {how} (JPEG Baseline)"))
    return made


# --------------------------------------------------------------------------- pydicom's files

def copy_pydicom():
    made = []
    for source, name in PYDICOM_FILES:
        src = get_testdata_file(source)
        dst = os.path.join(OUT_DIR, name)
        with open(src, "rb") as f, open(dst, "wb") as g:
            g.write(f.read())
        made.append(record(dst, f"{source} from {PYDICOM_PROVENANCE}"))
    # Small noise images, so that every sample's chroma and each pair's order matter.
    for source, name, planar in ((DATA_FILES[0][0], "ybr_full_noise_planar1.dcm", 1),
                                 (DATA_FILES[1][0], "ybr_full_422_noise.dcm", 0)):
        ds = pydicom.dcmread(get_testdata_file(source))
        ds.Rows, ds.Columns, ds.PlanarConfiguration = 12, 10, planar
        per_pixel = 2 if "422" in source else 3
        ds.PixelData = RNG.integers(0, 256, 12 * 10 * per_pixel, dtype=np.uint8).tobytes()
        path = os.path.join(OUT_DIR, name)
        ds.save_as(path, enforce_file_format=True)
        made.append(record(path, f"{source} header, 12x10 random samples, planar configuration {planar}"))
    for source, name in DATA_FILES:
        dst = os.path.join(OUT_DIR, name)
        with open(get_testdata_file(source), "rb") as f, open(dst, "wb") as g:
            g.write(f.read())
        provenance = DATA_PROVENANCE if "422" not in source else PYDICOM_PROVENANCE
        made.append(record(dst, f"{source} from {provenance}"))
    return made


def make_refused():
    """jpeg_gray.dcm with the transfer syntax of a codec we do not decode: refused by name."""
    refused = []
    for name, syntax, error in REFUSED:
        ds = pydicom.dcmread(os.path.join(OUT_DIR, "jpeg_gray.dcm"))
        ds.file_meta.TransferSyntaxUID = syntax
        ds.save_as(os.path.join(OUT_DIR, name), enforce_file_format=True)
        refused.append({"file": name, "error": error, "provenance": f"jpeg_gray.dcm with transfer syntax {syntax}"})
    return refused


# --------------------------------------------------------------------------- hostile files

def pixel_data_offset(raw):
    """Offset of the Pixel Data element header (7FE0,0010) in explicit VR little endian."""
    offset = raw.rfind(b"\xe0\x7f\x10\x00OB\x00\x00\xff\xff\xff\xff")
    assert offset > 0
    return offset


def make_hostile():
    """Damaged copies of rle_multiframe3_bot.dcm and jpeg_gray.dcm; the error each must give."""
    hostile = []

    def write(name, raw, error):
        with open(os.path.join(OUT_DIR, name), "wb") as f:
            f.write(raw)
        hostile.append({"file": name, "error": error})

    rle = bytearray(open(os.path.join(OUT_DIR, "rle_multiframe3_bot.dcm"), "rb").read())
    pd = pixel_data_offset(rle)
    bot = pd + 12                     # Basic Offset Table item tag
    bot_len = struct.unpack_from("<I", rle, bot + 4)[0]
    first = bot + 8 + bot_len         # first fragment item
    first_len = struct.unpack_from("<I", rle, first + 4)[0]

    # The file ends in the middle of the last fragment.
    write("hostile_rle_truncated_fragment.dcm", bytes(rle[:len(rle) - 40]), "truncated DICOM: pixel data fragment at offset")
    # A fragment length 2 bytes short: the next item tag is read from inside the fragment.
    bad = bytearray(rle)
    struct.pack_into("<I", bad, first + 4, first_len - 2)
    write("hostile_rle_wrong_item_length.dcm", bytes(bad), "where a fragment item belongs")
    # The second Basic Offset Table entry points far past the end.
    bad = bytearray(rle)
    struct.pack_into("<I", bad, bot + 8 + 4, 0x7FFF0000)
    write("hostile_rle_offset_past_end.dcm", bytes(bad), "Basic Offset Table entry 1 (offset 2147418112) points past the end")
    # The Basic Offset Table item's tag is not an item tag.
    bad = bytearray(rle)
    struct.pack_into("<HH", bad, bot, 0xFFFE, 0xE00D)
    write("hostile_rle_wrong_item_tag.dcm", bytes(bad), "where the Basic Offset Table item belongs")
    # RLE header with 16 segments.
    bad = bytearray(rle)
    struct.pack_into("<I", bad, first + 8, 16)
    write("hostile_rle_16_segments.dcm", bytes(bad), "RLE header lists 16 segments (at most 15)")
    # RLE segment offset past the end of the frame.
    bad = bytearray(rle)
    struct.pack_into("<I", bad, first + 8 + 8, 0x00FFFFFF)
    write("hostile_rle_segment_offset_past_end.dcm", bytes(bad), "RLE segment 1 offset 16777215 lies outside")
    # Five frames but three fragments and no offset table.
    nobot = pydicom.dcmread(os.path.join(OUT_DIR, "rle_multiframe3_nobot.dcm"))
    nobot.NumberOfFrames = 5
    path = save(nobot, "hostile_rle_more_frames_than_fragments.dcm", RLELossless)
    hostile.append({"file": os.path.basename(path), "error": "5 frames but only 3 pixel data fragment(s)"})

    # A JPEG frame whose SOF claims 65535 x 65535.
    jpeg = bytearray(open(os.path.join(OUT_DIR, "jpeg_gray.dcm"), "rb").read())
    sof = jpeg.find(b"\xff\xc0", pixel_data_offset(jpeg))
    struct.pack_into(">HH", jpeg, sof + 5, 65535, 65535)
    write("hostile_jpeg_sof_65535.dcm", bytes(jpeg), "JPEG frame is 65535×65535 with 1 component(s), the DICOM header says 32×24")
    # The same frame cut short inside the entropy-coded data (item length fixed up).
    jpeg = bytearray(open(os.path.join(OUT_DIR, "jpeg_gray.dcm"), "rb").read())
    pd = pixel_data_offset(jpeg)
    item = pd + 12 + 8
    length = struct.unpack_from("<I", jpeg, item + 4)[0]
    cut = 64
    struct.pack_into("<I", jpeg, item + 4, length - cut)
    del jpeg[item + 8 + length - cut:item + 8 + length]
    write("hostile_jpeg_truncated_frame.dcm", bytes(jpeg), "JPEG frame:")
    return hostile


def main():
    fixtures = make_rle() + make_jpeg()
    fixtures += copy_pydicom()
    refused = make_refused()
    hostile = make_hostile()
    manifest = {"generator": f"pydicom {pydicom.__version__}, numpy {np.__version__}",
                "fixtures": fixtures, "refused": refused, "hostile": hostile}
    text = json.dumps(manifest, indent=1, ensure_ascii=False)
    # Arrays of numbers on one line each: the sample lists would otherwise take a line per value.
    text = re.sub(r"\[([-0-9.e,\s]+)\]", lambda m: "[" + ", ".join(v.strip() for v in m.group(1).split(",")) + "]", text)
    with open(os.path.join(OUT_DIR, "compressed_manifest.json"), "w") as f:
        f.write(text + "\n")
    names = [e["file"] for e in fixtures + refused + hostile]
    total = sum(os.path.getsize(os.path.join(OUT_DIR, n)) for n in names)
    print(f"wrote {len(names)} compressed fixtures and compressed_manifest.json ({total} bytes) to {OUT_DIR}")


if __name__ == "__main__":
    main()
