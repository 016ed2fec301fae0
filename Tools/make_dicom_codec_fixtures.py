#!/usr/bin/env python3
"""Write the compressed-frame fixtures for the JPEG 2000, JPEG-LS and lossless JPEG frame
decoders, with what each frame must decode to according to pydicom (the oracle).

Run by hand from the repository root when the fixture set changes; the Swift tests never
run Python. Needs pydicom 3, numpy, pylibjpeg, pylibjpeg-libjpeg, pylibjpeg-openjpeg,
pyjpegls, python-gdcm and pydicom-data 1.0.0 (pydicom's larger test files), all on PyPI:

    python3 Tools/make_dicom_codec_fixtures.py

It writes into Tests/Fixtures/dicom/codecs/:

  * NAME.dcm: a DICOM file with the compressed pixel data, and NAME.j2k / .jls / .ljpeg:
    its first frame's raw codestream (fragments joined), which the codec tests read;
  * manifest.json: one entry per tested frame with the geometry the decoder gets, the
    codestream (a file and the byte ranges of its fragments in it, so that frames inside a
    larger DICOM file, e.g. the real samples in Tests/Fixtures/sample-images, are not
    copied), and pydicom's `pixel_array` for that frame: every value ("stored") for small
    frames, else the sha256 of the little-endian sample bytes (the bit pattern: int16 is
    written as its two's complement) with a few values ("points", flat index and value).

Sources: the uncompressed fixtures in Tests/Fixtures/dicom, 64x64 crops of the real CT and
MR in Tests/Fixtures/sample-images, crops of pydicom-data's US1_UNCR.dcm (real ultrasound,
RGB) and SC_rgb_16bit.dcm, encoded with pydicom's `compress` (pylibjpeg-openjpeg, pyjpegls),
pyjpegls directly (interleave modes), GDCM (lossless JPEG, selection value 1) and, for the
predictors, point transforms, restart intervals and category-16 differences GDCM does not
write, the small lossless JPEG encoder below (ITU-T T.81 Annex H; its output is checked by
pydicom's decoders, never by the Swift code). Plus compressed files that pydicom (MIT) and
pydicom-data (MIT) ship, copied unchanged; the "provenance" field says which.

The oracle is `pydicom.pixels.pixel_array` with the plugin pydicom picks by default
("oracle"); every other available plugin is tried too and "plugins" records whether each
agrees. A disagreement is kept in the manifest, not hidden.
"""

import copy
import hashlib
import heapq
import json
import os
import shutil
import sys
import warnings

import numpy as np
import pydicom
from pydicom.data import get_testdata_file
from pydicom.encaps import encapsulate, generate_frames
from pydicom.pixels import pixel_array
from pydicom.pixels.decoders.base import get_decoder
from pydicom.uid import (JPEG2000, ExplicitVRLittleEndian, JPEG2000Lossless, JPEGLosslessSV1, JPEGLossless,
                         JPEGLSLossless, JPEGLSNearLossless)

warnings.filterwarnings("ignore")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures")
OUT = os.path.join(FIXTURES, "dicom", "codecs")
SMALL = 1024  # frames with at most this many samples list every value

EXTENSION = {"jpeg2000": "j2k", "jpegls": "jls", "jpeglossless": "ljpeg"}
CODEC = {JPEG2000Lossless: "jpeg2000", JPEG2000: "jpeg2000", JPEGLSLossless: "jpegls", JPEGLSNearLossless: "jpegls",
         JPEGLossless: "jpeglossless", JPEGLosslessSV1: "jpeglossless"}

entries = []


# ---------------------------------------------------------------------------------------
# Sources


def fixture(path):
    return pydicom.dcmread(os.path.join(FIXTURES, path))


def crop(ds, top, left, size):
    """An uncompressed copy of `ds` cut to size x size from (top, left)."""
    arr = ds.pixel_array[top:top + size, left:left + size].copy()
    out = copy.deepcopy(ds)
    out.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    out.Rows, out.Columns = arr.shape[0], arr.shape[1]
    if "PlanarConfiguration" in out:
        out.PlanarConfiguration = 0
    out.PixelData = arr.tobytes()
    for keyword in ("IconImageSequence", "NumberOfFrames"):
        if keyword in out:
            del out[keyword]
    for tag in [t for t in out.keys() if (t >> 16) in range(0x6000, 0x6020, 2)]:
        del out[tag]
    return out


# ---------------------------------------------------------------------------------------
# Lossless JPEG (process 14) encoder, for the features GDCM never writes.


def huffman_lengths(freq):
    """Code lengths (at most 16, no all-ones code) for symbols 0..16, ITU-T T.81 K.2."""
    freq = list(freq) + [0] * (257 - len(freq))
    freq[256] = 1
    codesize = [0] * 257
    others = [-1] * 257
    while True:
        live = [(f, -v, v) for v, f in enumerate(freq) if f > 0]
        if len(live) < 2:
            break
        live.sort()
        v1, v2 = live[0][2], live[1][2]
        freq[v1] += freq[v2]
        freq[v2] = 0
        codesize[v1] += 1
        while others[v1] >= 0:
            v1 = others[v1]
            codesize[v1] += 1
        others[v1] = v2
        codesize[v2] += 1
        while others[v2] >= 0:
            v2 = others[v2]
            codesize[v2] += 1
    bits = [0] * 33
    for v in range(257):
        if codesize[v]:
            bits[codesize[v]] += 1
    for i in range(32, 16, -1):
        while bits[i] > 0:
            j = i - 2
            while bits[j] == 0:
                j -= 1
            bits[i] -= 2
            bits[i - 1] += 1
            bits[j + 1] += 2
            bits[j] -= 1
    i = 16
    while bits[i] == 0:
        i -= 1
    bits[i] -= 1
    order = sorted([v for v in range(256) if codesize[v]], key=lambda v: (codesize[v], v))
    return bits[1:17], order


def canonical_codes(bits, values):
    codes, code, k = {}, 0, 0
    for length in range(1, 17):
        for _ in range(bits[length - 1]):
            codes[values[k]] = (code, length)
            code += 1
            k += 1
        code <<= 1
    return codes


class BitWriter:
    def __init__(self):
        self.out = bytearray()
        self.acc = 0
        self.n = 0

    def write(self, value, length):
        for i in range(length - 1, -1, -1):
            self.acc = (self.acc << 1) | ((value >> i) & 1)
            self.n += 1
            if self.n == 8:
                self.out.append(self.acc)
                if self.acc == 0xFF:
                    self.out.append(0)
                self.acc = 0
                self.n = 0

    def flush(self):
        if self.n:
            self.write((1 << (8 - self.n)) - 1, 8 - self.n)


def predict(plane, y, x, predictor, first_line, initial):
    if first_line:
        return initial if x == 0 else int(plane[y, x - 1])
    if x == 0:
        return int(plane[y - 1, x])
    a, b, c = int(plane[y, x - 1]), int(plane[y - 1, x]), int(plane[y - 1, x - 1])
    return {1: a, 2: b, 3: c, 4: a + b - c, 5: a + ((b - c) >> 1), 6: b + ((a - c) >> 1), 7: (a + b) >> 1}[predictor]


def categories(planes, precision, predictor, pt, restart_rows):
    """(SSSS, extra bits, length) per sample, per plane, in scan order."""
    h, w = planes[0].shape
    initial = 1 << (precision - pt - 1)
    out = []
    for plane in planes:
        codes = []
        for y in range(h):
            first = y == 0 or (restart_rows and y % restart_rows == 0)
            for x in range(w):
                d = (int(plane[y, x]) - predict(plane, y, x, predictor, first, initial)) & 0xFFFF
                if d >= 0x8000:
                    d -= 0x10000
                if d == -0x8000:
                    codes.append((16, 0, 0))
                    continue
                s = abs(d).bit_length()
                codes.append((s, d if d >= 0 else d + (1 << s) - 1, s))
        out.append(codes)
    return out


def ljpeg_encode(arr, precision, predictor=1, pt=0, restart_rows=0, interleaved=True):
    """A lossless JPEG of `arr` (rows, columns[, 3]) holding unsigned `precision`-bit patterns."""
    arr = arr.reshape(arr.shape[0], arr.shape[1], -1).astype(np.int64)
    h, w, nc = arr.shape
    planes = [arr[:, :, c] >> pt for c in range(nc)]
    cats = categories(planes, precision, predictor, pt, restart_rows)
    freq = [0] * 17
    for codes in cats:
        for s, _, _ in codes:
            freq[s] += 1
    bits, values = huffman_lengths(freq)
    table = canonical_codes(bits, values)

    def segment(marker, payload):
        return bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + bytes(payload)

    out = bytearray(b"\xFF\xD8")
    out += segment(0xC3, [precision] + list(h.to_bytes(2, "big")) + list(w.to_bytes(2, "big")) + [nc]
                   + sum([[c + 1, 0x11, 0] for c in range(nc)], []))
    out += segment(0xC4, [0x00] + bits + values)
    if restart_rows:
        out += segment(0xDD, list((restart_rows * w).to_bytes(2, "big")))
    groups = [list(range(nc))] if interleaved else [[c] for c in range(nc)]
    for group in groups:
        out += segment(0xDA, [len(group)] + sum([[c + 1, 0x00] for c in group], []) + [predictor, 0, pt])
        writer = BitWriter()
        restart = 0
        for y in range(h):
            if restart_rows and y and y % restart_rows == 0:
                writer.flush()
                out += writer.out + bytes([0xFF, 0xD0 + restart % 8])
                writer = BitWriter()
                restart += 1
            for x in range(w):
                for c in group:
                    s, extra, length = cats[c][y * w + x]
                    code, code_length = table[s]
                    writer.write(code, code_length)
                    writer.write(extra, length)
        writer.flush()
        out += writer.out
    out += b"\xFF\xD9"
    return bytes(out)


# ---------------------------------------------------------------------------------------
# Writing and the oracle


def derived(ds, pixels, **attributes):
    """A deep copy of `ds` with other pixels and attributes (bits, representation)."""
    out = copy.deepcopy(ds)
    for keyword, value in attributes.items():
        setattr(out, keyword, value)
    out.PixelData = pixels.tobytes()
    return out


def with_codestream(ds, tsyntax, codestreams, photometric=None):
    out = copy.deepcopy(ds)
    out.file_meta.TransferSyntaxUID = tsyntax
    out.PixelData = encapsulate(codestreams)
    out["PixelData"].VR = "OB"
    out["PixelData"].is_undefined_length = True
    if photometric:
        out.PhotometricInterpretation = photometric
    if len(codestreams) > 1:
        out.NumberOfFrames = len(codestreams)
    return out


def fragment_ranges(path, frame_index):
    """Byte ranges [offset, length] in the file of one frame's fragments, found by parsing the
    encapsulated Pixel Data item by item (frames are one fragment each, or all fragments for
    a single frame: the files here have no frame spanning fragments among several frames)."""
    ds = pydicom.dcmread(path)
    raw = open(path, "rb").read()
    value = ds.PixelData
    start = raw.find(value)
    assert start >= 0 and raw.count(value) == 1, path
    items, at = [], 0
    while at + 8 <= len(value):
        group, element = int.from_bytes(value[at:at + 2], "little"), int.from_bytes(value[at + 2:at + 4], "little")
        length = int.from_bytes(value[at + 4:at + 8], "little")
        if (group, element) == (0xFFFE, 0xE0DD):
            break
        assert (group, element) == (0xFFFE, 0xE000), path
        items.append([start + at + 8, length])
        at += 8 + length
    fragments = items[1:]  # the first item is the Basic Offset Table
    frames = int(ds.get("NumberOfFrames", 1) or 1)
    if frames == 1:
        return [f for f in fragments if f[1] > 0]
    assert len(fragments) == frames, path
    return [fragments[frame_index]]


def joined(path, ranges):
    raw = open(path, "rb").read()
    return b"".join(raw[o:o + n] for o, n in ranges)


def oracle(path, frame, skip=()):
    ds = pydicom.dcmread(path)
    decoder = get_decoder(ds.file_meta.TransferSyntaxUID)
    plugins = [p for p in decoder.available_plugins if p not in skip]
    default = pixel_array(path, index=frame, decoding_plugin=plugins[0] if skip else "")
    chosen, results = None, {}
    for plugin in plugins:
        try:
            arr = pixel_array(path, index=frame, decoding_plugin=plugin)
        except Exception as error:  # noqa: BLE001 - recorded, not hidden
            results[plugin] = "fails: " + str(error).splitlines()[0][:120]
            continue
        same = arr.dtype == default.dtype and arr.shape == default.shape and np.array_equal(arr, default)
        results[plugin] = "agrees" if same else "differs (%d of %d samples)" % (
            int(np.count_nonzero(arr.reshape(-1) != default.reshape(-1))) if arr.shape == default.shape else -1,
            default.size)
        if same and chosen is None:
            chosen = plugin
    return ds, default, chosen, results


def geometry_fields(ds):
    """The manifest fields the decoder's geometry is made of, from the data set."""
    return {
        "rows": int(ds.Rows),
        "columns": int(ds.Columns),
        "samplesPerPixel": int(ds.SamplesPerPixel),
        "bitsAllocated": int(ds.BitsAllocated),
        "bitsStored": int(ds.BitsStored),
        "signed": int(ds.PixelRepresentation) == 1,
        "photometric": str(ds.PhotometricInterpretation),
    }


def record(name, path, frame, provenance, encoder, codestream_file=None, ranges=None, skip=()):
    ds, arr, chosen, plugins = oracle(path, frame, skip)
    for plugin in skip:
        plugins[plugin] = "not run: aborts the process on this file"
    codec = CODEC[ds.file_meta.TransferSyntaxUID]
    if codestream_file is None:
        codestream_file = os.path.relpath(path, FIXTURES)
        ranges = ranges or fragment_ranges(path, frame)
    flat = arr.reshape(-1)
    pattern = flat.astype("<u1" if arr.dtype.itemsize == 1 else "<u2", copy=False) if arr.dtype.kind == "u" else \
        flat.view(np.uint8 if arr.dtype.itemsize == 1 else np.uint16).astype("<u1" if arr.dtype.itemsize == 1 else "<u2")
    rng = np.random.default_rng(sum(name.encode()))
    indices = sorted(set([0, flat.size // 2, flat.size - 1] + [int(i) for i in rng.integers(0, flat.size, 5)]))
    entry = {
        "name": name,
        "codec": codec,
        "transferSyntax": str(ds.file_meta.TransferSyntaxUID),
        "dicom": os.path.relpath(path, FIXTURES),
        "frame": frame,
        "codestream": {"file": codestream_file, "ranges": ranges},
        **geometry_fields(ds),
        "oracle": "pydicom %s pixel_array, plugin %s" % (pydicom.__version__, chosen),
        "plugins": plugins,
        "sha256": hashlib.sha256(pattern.tobytes()).hexdigest(),
        "points": [[i, int(flat[i])] for i in indices],
        "stored": [int(v) for v in flat] if flat.size <= SMALL else None,
        "provenance": provenance,
        "encoder": encoder,
    }
    entries.append(entry)
    print("%-34s %-12s %s %s" % (name, codec, chosen, plugins), file=sys.stderr)


def write_made(name, ds, provenance, encoder, skip=()):
    """Saves a made file and its first frame's codestream, and records it."""
    path = os.path.join(OUT, name + ".dcm")
    ds.save_as(path, enforce_file_format=True)
    codec = CODEC[ds.file_meta.TransferSyntaxUID]
    frames = int(ds.get("NumberOfFrames", 1) or 1)
    codestream = next(generate_frames(ds.PixelData, number_of_frames=frames))
    stream_name = name + "." + EXTENSION[codec]
    with open(os.path.join(OUT, stream_name), "wb") as f:
        f.write(codestream)
    record(name, path, 0, provenance, encoder, os.path.join("dicom", "codecs", stream_name), [[0, len(codestream)]], skip)


def compressed(name, ds, tsyntax, provenance, plugin, **kwargs):
    out = copy.deepcopy(ds)
    out.compress(tsyntax, encoding_plugin=plugin, generate_instance_uid=False, **kwargs)
    options = ", ".join("%s=%s" % kv for kv in kwargs.items())
    write_made(name, out, provenance, "pydicom compress, %s%s" % (plugin, (" (" + options + ")") if options else ""))


def gdcm_lossless(name, ds, provenance):
    """GDCM's lossless JPEG (selection value 1), through a temporary file."""
    import gdcm
    source = os.path.join(OUT, "_gdcm_in.dcm")
    target = os.path.join(OUT, "_gdcm_out.dcm")
    ds.save_as(source, enforce_file_format=True)
    reader = gdcm.ImageReader()
    reader.SetFileName(source)
    assert reader.Read()
    change = gdcm.ImageChangeTransferSyntax()
    change.SetTransferSyntax(gdcm.TransferSyntax(gdcm.TransferSyntax.JPEGLosslessProcess14_1))
    change.SetInput(reader.GetImage())
    assert change.Change()
    writer = gdcm.ImageWriter()
    writer.SetFileName(target)
    writer.SetFile(reader.GetFile())
    writer.SetImage(change.GetOutput())
    assert writer.Write()
    made = pydicom.dcmread(target)
    os.remove(source)
    os.remove(target)
    write_made(name, made, provenance, "GDCM %s ImageChangeTransferSyntax (JPEG lossless SV1)" % gdcm.Version.GetVersion())


def ours_lossless(name, ds, provenance, tsyntax=JPEGLossless, skip=(), **kwargs):
    arr = ds.pixel_array
    precision = int(ds.BitsStored)
    pattern = arr.astype(np.int64) & ((1 << precision) - 1)
    stream = ljpeg_encode(pattern, precision, **kwargs)
    options = ", ".join("%s=%s" % kv for kv in kwargs.items())
    write_made(name, with_codestream(ds, tsyntax, [stream]), provenance,
               "Tools/make_dicom_codec_fixtures.py ljpeg_encode (%s)" % options, skip)


def jls_direct(name, ds, provenance, interleave, lossy_error=0):
    import jpeg_ls
    arr = ds.pixel_array
    # pyjpegls reads the array's memory in the interleave mode's order: planes for 0 (shape
    # planes, rows, columns), lines for 1 (shape rows, columns, planes), pixels for 2.
    if interleave == 0:
        arr = np.ascontiguousarray(arr.transpose(2, 0, 1))
    elif interleave == 1:
        arr = np.ascontiguousarray(arr.transpose(0, 2, 1)).reshape(arr.shape)
    stream = bytes(jpeg_ls.encode_array(arr, lossy_error=lossy_error, interleave_mode=interleave))
    write_made(name, with_codestream(ds, JPEGLSNearLossless if lossy_error else JPEGLSLossless, [stream]), provenance,
               "pyjpegls encode_array (interleave_mode=%d, lossy_error=%d)" % (interleave, lossy_error))


def shipped(name, testfile, provenance, frames=(0,), keep=True):
    """A compressed file pydicom or pydicom-data ships, copied unchanged."""
    source = get_testdata_file(testfile)
    if keep:
        path = os.path.join(OUT, testfile)
        shutil.copyfile(source, path)
    else:
        path = source
    for frame in frames:
        label = name if len(frames) == 1 else "%s_f%d" % (name, frame)
        record(label, path, frame, provenance, "as shipped")


def sample(name, relative, provenance):
    record(name, os.path.join(FIXTURES, "sample-images", relative), 0, provenance, "as shipped")


# ---------------------------------------------------------------------------------------


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)

    ct = crop(fixture("sample-images/ct/ct_tcia_pancreas-ct_PANCREAS_0001_uncompressed.dcm"), 224, 224, 64)
    mr = crop(fixture("sample-images/mr/mr_gdcm_siemens_abdomen_t1vibe_overlay_deidentified.dcm"), 200, 200, 64)
    us = crop(pydicom.dcmread(get_testdata_file("US1_UNCR.dcm")), 200, 280, 48)
    rgb16 = crop(pydicom.dcmread(get_testdata_file("SC_rgb_16bit.dcm")), 34, 34, 32)
    u8 = fixture("dicom/implicit_mono1_u8.dcm")
    s12 = fixture("dicom/explicit_s12.dcm")
    u12 = fixture("dicom/explicit_mono2_u12.dcm")
    rgb8 = fixture("dicom/explicit_rgb8_planar0.dcm")
    mr8 = derived(mr, (mr.pixel_array >> 4).astype(np.uint8), BitsAllocated=8, BitsStored=8, HighBit=7)
    ct12 = derived(ct, ct.pixel_array, BitsStored=12, HighBit=11)
    ct_src = "64x64 crop of sample-images/ct (TCIA Pancreas-CT, CC BY 3.0; see sample-images/SOURCES.md)"
    mr_src = "64x64 crop of sample-images/mr (GDCM test data, BSD-3; see sample-images/SOURCES.md)"
    us_src = "48x48 crop of pydicom-data 1.0.0 US1_UNCR.dcm (NEMA WG04 ultrasound, RGB; pydicom-data is MIT)"
    rgb16_src = "32x32 crop of pydicom-data 1.0.0 SC_rgb_16bit.dcm (MIT)"
    pydicom_src = "pydicom %s test file (MIT), unchanged" % pydicom.__version__
    data_src = "pydicom-data 1.0.0 test file (MIT), unchanged"
    mr8_src = mr_src + ", shifted to 8 bits"
    ct12_src = ct_src + ", as 12 bits stored (the values fit)"

    made = [  # name, source, transfer syntax, provenance, encoder, options
        ("j2k_ct_s16", ct, JPEG2000Lossless, ct_src, "pylibjpeg", {}),
        ("j2k_mr_u12", mr, JPEG2000Lossless, mr_src, "pylibjpeg", {}),
        ("j2k_mr_u8", mr8, JPEG2000Lossless, mr8_src, "pylibjpeg", {}),
        ("j2k_ct_s12", ct12, JPEG2000Lossless, ct12_src, "pylibjpeg", {}),
        ("j2k_rgb8_rct", us, JPEG2000Lossless, us_src, "pylibjpeg", {}),
        ("j2k_rgb8_nomct", us, JPEG2000Lossless, us_src, "pylibjpeg", {"use_mct": False}),
        ("j2k_rgb16", rgb16, JPEG2000Lossless, rgb16_src, "pylibjpeg", {"use_mct": False}),
        ("j2k_ct_s16_lossy", ct, JPEG2000, ct_src, "pylibjpeg", {"j2k_cr": [20]}),
        ("j2k_rgb8_ict_lossy", us, JPEG2000, us_src, "pylibjpeg", {"j2k_cr": [15]}),
        ("jls_ct_s16", ct, JPEGLSLossless, ct_src, "pyjpegls", {}),
        ("jls_mr_u12", mr, JPEGLSLossless, mr_src, "pyjpegls", {}),
        ("jls_ct_s12", ct12, JPEGLSLossless, ct12_src, "pyjpegls", {}),
        ("jls_mr_u8", mr8, JPEGLSLossless, mr8_src, "pyjpegls", {}),
        ("jls_rgb8", us, JPEGLSLossless, us_src, "pyjpegls", {}),
        ("jls_rgb16", rgb16, JPEGLSLossless, rgb16_src, "pyjpegls", {}),
        ("jls_ct_s16_near", ct, JPEGLSNearLossless, ct_src, "pyjpegls", {"jls_error": 3}),
        ("jls_mr_u12_near", mr, JPEGLSNearLossless, mr_src, "pyjpegls", {"jls_error": 2}),
    ]
    for name, ds, tsyntax, provenance, plugin, options in made:
        compressed(name, ds, tsyntax, provenance, plugin, **options)
    jls_direct("jls_rgb8_ilv0", us, us_src, 0)
    jls_direct("jls_rgb8_ilv1", us, us_src, 1)
    jls_direct("jls_rgb8_ilv2_near", us, us_src, 2, lossy_error=2)

    shipped_files = [  # name, file, provenance, frames
        ("j2k_pydicom_JPEG2000", "JPEG2000.dcm", pydicom_src, (0,)),
        ("j2k_pydicom_693_J2KI", "693_J2KI.dcm", pydicom_src, (0,)),
        ("j2k_pydicom_MR_small", "MR_small_jp2klossless.dcm", pydicom_src, (0,)),
        ("j2k_pydicom_SC_rgb_gdcm_KY", "SC_rgb_gdcm_KY.dcm", pydicom_src, (0,)),
        ("j2k_pydicom_GDCMJ2K_TextGBR_jp2", "GDCMJ2K_TextGBR.dcm", pydicom_src, (0,)),
        ("j2k_pydicom_pixelrep_mismatch", "J2K_pixelrep_mismatch.dcm", pydicom_src, (0,)),
        ("j2k_data_emri_small", "emri_small_jpeg_2k_lossless.dcm", data_src, (0, 9)),
        ("j2k_data_US1_J2KI", "US1_J2KI.dcm", data_src, (0,)),
        ("jls_pydicom_near_08", "JPEGLSNearLossless_08.dcm", pydicom_src, (0,)),
        ("jls_pydicom_near_16", "JPEGLSNearLossless_16.dcm", pydicom_src, (0,)),
        ("jls_pydicom_rgb_line", "SC_rgb_jls_lossy_line.dcm", pydicom_src, (0,)),
        ("jls_pydicom_rgb_sample", "SC_rgb_jls_lossy_sample.dcm", pydicom_src, (0,)),
        ("jls_pydicom_MR_small", "MR_small_jpeg_ls_lossless.dcm", pydicom_src, (0,)),
        ("jls_data_emri_small", "emri_small_jpeg_ls_lossless.dcm", data_src, (0, 9)),
        ("ljpeg_data_JPEG-LL", "JPEG-LL.dcm", data_src, (0,)),
    ]
    for name, testfile, provenance, frames in shipped_files:
        shipped(name, testfile, provenance, frames)
    sample("j2k_sample_ct", "ct/ct_tcia_pancreas-ct_PANCREAS_0001_j2k_original.dcm",
           "sample-images/ct, TCIA Pancreas-CT (CC BY 3.0), unchanged")
    sample("j2k_sample_cxr", "chest_xray/cxr_nema_wg04_RG1_J2KI_original.dcm",
           "sample-images/chest_xray, NEMA WG04 RG1 via pydicom-data (MIT), unchanged")

    # Lossless JPEG
    gdcm_lossless("ljpeg_gdcm_ct_s16", ct, ct_src)
    gdcm_lossless("ljpeg_gdcm_mr_u12", mr, mr_src)
    gdcm_lossless("ljpeg_gdcm_rgb8", us, us_src)
    gdcm_lossless("ljpeg_gdcm_mr_u8", mr8, mr8_src)
    for predictor in range(1, 8):
        ours_lossless("ljpeg_ct_s16_p%d" % predictor, ct, ct_src, predictor=predictor)
    ours_lossless("ljpeg_mr_u12_p7", mr, mr_src, predictor=7)
    ours_lossless("ljpeg_mr_u12_pt2", mr, mr_src, predictor=6, pt=2)
    ours_lossless("ljpeg_ct_s16_restart8", ct, ct_src, predictor=4, restart_rows=8)
    ours_lossless("ljpeg_rgb8_p5", us, us_src, predictor=5)
    ours_lossless("ljpeg_rgb8_scans", us, us_src, predictor=3, interleaved=False)
    ours_lossless("ljpeg_rgb16_p1_sv1", rgb16, rgb16_src, tsyntax=JPEGLosslessSV1, predictor=1)
    ours_lossless("ljpeg_s12_p2", s12, "dicom/explicit_s12.dcm", predictor=2)
    ours_lossless("ljpeg_u12_p4", u12, "dicom/explicit_mono2_u12.dcm", predictor=4)
    # Differences of exactly 32768 (category 16): 16-bit samples jumping by half the range.
    arr = ct.pixel_array.astype(np.int32)
    arr[::3, ::2] = (arr[::3, ::2] + 32768) & 0xFFFF
    jumps = derived(ct, arr.astype(np.uint16), PixelRepresentation=0)
    ours_lossless("ljpeg_u16_ssss16", jumps, ct_src + ", every other sample of every third row +32768, unsigned",
                  predictor=1)
    # Two-bit precision.
    two = derived(u8, (u8.pixel_array & 3).astype(np.uint8), BitsStored=2, HighBit=1)
    # GDCM 3.0 aborts (an uncaught C++ exception) on 2 bits stored in 8.
    ours_lossless("ljpeg_u2_p7", two, "dicom/implicit_mono1_u8.dcm, low 2 bits", predictor=7, skip=("gdcm",))

    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump({"generator": "Tools/make_dicom_codec_fixtures.py with pydicom %s, numpy %s" % (
            pydicom.__version__, np.__version__), "fixtures": entries}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
