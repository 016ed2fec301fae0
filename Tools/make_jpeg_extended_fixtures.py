#!/usr/bin/env python3
"""Write the 12-bit JPEG Extended (1.2.840.10008.1.2.4.51) fixtures for JPEGDCTFrameDecoder
(and one 8-bit .51 file, which goes to libjpeg-turbo), with what each frame must decode to.

Run by hand from the repository root (the Swift tests never run Python or DCMTK). Needs the
packages of Tools/make_dicom_codec_fixtures.py (pydicom 3, numpy, pylibjpeg-libjpeg,
python-gdcm, pydicom-data) and DCMTK's dcmcjpeg and dcmdjpeg (`apt-get install dcmtk`):

    python3 Tools/make_jpeg_extended_fixtures.py

It writes into Tests/Fixtures/dicom/jpeg12/ the DICOM files and a manifest.json in the
format of Tests/Fixtures/dicom/codecs/manifest.json (CodecFixtureManifest reads both).

The oracle is IJG libjpeg 6b's decoder, as GDCM (ImageReader, called directly) and
DCMTK (dcmdjpeg) run it: the script requires the two to agree on every sample and records
their values. pydicom 3.0.2's `pixel_array` is not usable as the oracle here: its GDCM
plugin refuses 12-bit JPEG Extended, and its pylibjpeg-libjpeg plugin (Thomas Richter's
libjpeg, another IDCT) gives values a few counts off in some samples, and cannot decode
pydicom's own JPEG-lossy.dcm; "plugins" records this per file.

Sources: 64x64 and 45x56 crops of the real MR in Tests/Fixtures/sample-images and
explicit_mono2_u12.dcm, encoded by DCMTK `dcmcjpeg +ee` (IJG 6b, 12-bit, optimised Huffman
tables) at several qualities; restart intervals, which dcmcjpeg 3.6.7 cannot write, are
added by `with_restarts` below, which re-codes the same coefficients with DRI/RSTn and new
Huffman tables (checked only by GDCM and DCMTK, never by the Swift code). Plus pydicom's
JPGExtended.dcm and JPEG-lossy.dcm (MIT), unchanged.
"""

import copy
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings

import numpy as np
import pydicom
from pydicom.data import get_testdata_file
from pydicom.encaps import encapsulate, generate_frames
from pydicom.pixels import pixel_array

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_dicom_codec_fixtures import (BitWriter, canonical_codes, crop, fragment_ranges, geometry_fields,  # noqa: E402
                                       huffman_lengths)

warnings.filterwarnings("ignore")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures")
OUT = os.path.join(FIXTURES, "dicom", "jpeg12")
SMALL = 1024
TMP = tempfile.mkdtemp()


def gdcm_pixels(path, dtype):
    import gdcm
    reader = gdcm.ImageReader()
    reader.SetFileName(path)
    assert reader.Read(), path
    buffer = reader.GetImage().GetBuffer()
    raw = buffer.encode("utf-8", "surrogateescape") if isinstance(buffer, str) else buffer
    return np.frombuffer(raw, dtype=dtype)


def dcmtk_pixels(path, dtype):
    out = os.path.join(TMP, "dcmdjpeg.dcm")
    subprocess.run(["dcmdjpeg", path, out], check=True, capture_output=True)
    return pydicom.dcmread(out).pixel_array.reshape(-1).astype(dtype)


def pydicom_plugins(path, expected):
    results = {}
    for plugin in ("gdcm", "pylibjpeg"):
        try:
            arr = pixel_array(path, decoding_plugin=plugin).reshape(-1)
        except Exception as error:  # noqa: BLE001 - recorded, not hidden
            results["pydicom " + plugin] = "fails: " + str(error).splitlines()[-1].strip()[:120]
            continue
        differ = int(np.count_nonzero(arr != expected))
        results["pydicom " + plugin] = "agrees" if differ == 0 else "differs (%d of %d samples, at most %d)" % (
            differ, expected.size, int(np.abs(arr.astype(np.int64) - expected).max()))
    return results


def record(entries, name, path, provenance, encoder):
    ds = pydicom.dcmread(path)
    dtype = np.uint8 if int(ds.BitsAllocated) == 8 else np.uint16
    ijg = gdcm_pixels(path, dtype)
    assert np.array_equal(ijg, dcmtk_pixels(path, dtype)), name + ": GDCM and DCMTK disagree"
    flat = ijg.astype(np.int64)
    rng = np.random.default_rng(sum(name.encode()))
    indices = sorted(set([0, flat.size // 2, flat.size - 1] + [int(i) for i in rng.integers(0, flat.size, 5)]))
    plugins = {"gdcm ImageReader": "agrees", "dcmtk dcmdjpeg": "agrees"}
    plugins.update(pydicom_plugins(path, flat))
    entries.append({
        "name": name,
        "codec": "jpegextended",
        "transferSyntax": str(ds.file_meta.TransferSyntaxUID),
        "dicom": os.path.relpath(path, FIXTURES),
        "frame": 0,
        "codestream": {"file": os.path.relpath(path, FIXTURES), "ranges": fragment_ranges(path, 0)},
        **geometry_fields(ds),
        "oracle": "IJG libjpeg 6b: GDCM ImageReader and DCMTK dcmdjpeg, which agree",
        "plugins": plugins,
        "sha256": hashlib.sha256(ijg.astype("<u1" if dtype == np.uint8 else "<u2").tobytes()).hexdigest(),
        "points": [[i, int(flat[i])] for i in indices],
        "stored": [int(v) for v in flat] if flat.size <= SMALL else None,
        "provenance": provenance,
        "encoder": encoder,
    })
    print("%-28s %s" % (name, plugins), file=sys.stderr)


# ---------------------------------------------------------------------------------------
# Restart intervals: the same coefficients re-coded with DRI and RSTn.

ZIGZAG = 64


class BitReader:
    def __init__(self, data):
        self.data, self.at, self.acc, self.n = data, 0, 0, 0

    def bit(self):
        if self.n == 0:
            byte = self.data[self.at]
            self.at += 1
            if byte == 0xFF:
                assert self.data[self.at] == 0
                self.at += 1
            self.acc, self.n = byte, 8
        self.n -= 1
        return (self.acc >> self.n) & 1

    def bits(self, count):
        value = 0
        for _ in range(count):
            value = (value << 1) | self.bit()
        return value

    def symbol(self, table):
        code, length = 0, 0
        while True:
            code, length = (code << 1) | self.bit(), length + 1
            if (code, length) in table:
                return table[(code, length)]


def segments(stream):
    at, out = 2, []
    while True:
        marker, length = stream[at + 1], int.from_bytes(stream[at + 2:at + 4], "big")
        out.append((marker, stream[at + 4:at + 2 + length]))
        at += 2 + length
        if marker == 0xDA:
            return out, stream[at:stream.rindex(b"\xFF\xD9")]


def extend(value, size):
    return value - (1 << size) + 1 if size and value < 1 << (size - 1) else value


def magnitude(value):
    size = abs(value).bit_length()
    return size, (value if value >= 0 else value + (1 << size) - 1)


def with_restarts(stream, interval):
    """The single-component sequential stream re-coded with a restart every `interval` blocks."""
    parts, data = segments(stream)
    tables = {}
    for marker, body in parts:
        if marker == 0xC4:
            at = 0
            while at < len(body):
                counts = list(body[at + 1:at + 17])
                values = list(body[at + 17:at + 17 + sum(counts)])
                tables[body[at] >> 4, body[at] & 15] = {v: k for k, v in canonical_codes(counts, values).items()}
                at += 17 + sum(counts)
    sof = next(b for m, b in parts if m in (0xC0, 0xC1))
    rows, columns = int.from_bytes(sof[1:3], "big"), int.from_bytes(sof[3:5], "big")
    sos = next(b for m, b in parts if m == 0xDA)
    dc_table, ac_table = tables[0, sos[2] >> 4], tables[1, sos[2] & 15]
    reader, blocks, predictor = BitReader(data), [], 0
    for _ in range(((rows + 7) // 8) * ((columns + 7) // 8)):
        size = reader.symbol(dc_table)
        predictor += extend(reader.bits(size), size)
        block, k = [predictor] + [0] * 63, 1
        while k < ZIGZAG:
            rs = reader.symbol(ac_table)
            if rs & 15:
                k += rs >> 4
                block[k] = extend(reader.bits(rs & 15), rs & 15)
            elif rs >> 4 != 15:
                break
            else:
                k += 15
            k += 1
        blocks.append(block)
    # Symbols with the DC predictor reset at each interval, then new optimal tables.
    coded, dc_freq, ac_freq = [], [0] * 256, [0] * 256
    for index, block in enumerate(blocks):
        previous = 0 if index % interval == 0 else blocks[index - 1][0]
        size, bits = magnitude(block[0] - previous)
        dc_freq[size] += 1
        symbols, run = [(0, size, bits)], 0
        last = max([k for k in range(1, 64) if block[k]] or [0])
        for k in range(1, last + 1):
            if block[k] == 0:
                run += 1
                continue
            while run > 15:
                symbols.append((1, 0xF0, None))
                ac_freq[0xF0] += 1
                run -= 16
            size, bits = magnitude(block[k])
            symbols.append((1, (run << 4) | size, (size, bits)))
            ac_freq[(run << 4) | size] += 1
            run = 0
        if last < 63:
            symbols.append((1, 0x00, None))
            ac_freq[0] += 1
        coded.append(symbols)
    dc_bits, dc_values = huffman_lengths(dc_freq)
    ac_bits, ac_values = huffman_lengths(ac_freq)
    codes = (canonical_codes(dc_bits, dc_values), canonical_codes(ac_bits, ac_values))

    def segment(marker, payload):
        return bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + bytes(payload)

    out, tables_written = bytearray(b"\xFF\xD8"), False
    for marker, body in parts:
        if marker == 0xC4 and tables_written:
            continue
        if marker == 0xC4:
            tables_written = True
            out += segment(0xC4, [0x00] + dc_bits + dc_values + [0x10] + ac_bits + ac_values)
            out += segment(0xDD, list(interval.to_bytes(2, "big")))
        elif marker == 0xDA:
            out += segment(0xDA, [1, sos[1], 0x00, 0, 63, 0])
        else:
            out += segment(marker, list(body))
    writer = BitWriter()
    for index, symbols in enumerate(coded):
        if index and index % interval == 0:
            writer.flush()
            out += writer.out + bytes([0xFF, 0xD0 + (index // interval - 1) % 8])
            writer = BitWriter()
        for table, symbol, extra in symbols:
            code, length = codes[table][symbol]
            writer.write(code, length)
            if table == 0:
                writer.write(extra, symbol)
            elif extra:
                writer.write(extra[1], extra[0])
    writer.flush()
    out += writer.out + b"\xFF\xD9"
    return bytes(out)


# ---------------------------------------------------------------------------------------


def dcmcjpeg(name, ds, quality):
    source = os.path.join(TMP, name + "_in.dcm")
    path = os.path.join(OUT, name + ".dcm")
    ds.save_as(source, enforce_file_format=True)
    # +un keeps the SOP Instance UID, so that a rerun writes the same bytes.
    subprocess.run(["dcmcjpeg", "+ee", "+un", "+q", str(quality), source, path], check=True)
    return path


def restarted(name, path, interval):
    ds = pydicom.dcmread(path)
    stream = next(generate_frames(ds.PixelData, number_of_frames=1))
    out = copy.deepcopy(ds)
    out.PixelData = encapsulate([with_restarts(stream, interval)])
    target = os.path.join(OUT, name + ".dcm")
    out.save_as(target, enforce_file_format=True)
    return target


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    entries = []
    mr = crop(pydicom.dcmread(os.path.join(
        FIXTURES, "sample-images/mr/mr_gdcm_siemens_abdomen_t1vibe_overlay_deidentified.dcm")), 200, 200, 64)
    odd = crop(mr, 3, 5, 56)
    odd.PixelData = mr.pixel_array[3:48, 5:61].copy().tobytes()
    odd.Rows, odd.Columns = 45, 56
    u12 = pydicom.dcmread(os.path.join(FIXTURES, "dicom", "explicit_mono2_u12.dcm"))
    mr_src = "64x64 crop of sample-images/mr (GDCM test data, BSD-3; see sample-images/SOURCES.md)"
    odd_src = "45x56 crop of sample-images/mr (GDCM test data, BSD-3; see sample-images/SOURCES.md)"
    version = subprocess.run(["dcmcjpeg", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    mr8 = copy.deepcopy(mr)
    mr8.PixelData = (mr.pixel_array >> 4).astype(np.uint8).tobytes()
    mr8.BitsAllocated, mr8.BitsStored, mr8.HighBit = 8, 8, 7
    made = [("jpeg8_mr_extended_q90", mr8, 90, mr_src + ", shifted to 8 bits (8-bit .51 goes to libjpeg-turbo)"),
            ("jpeg12_mr_q90", mr, 90, mr_src), ("jpeg12_mr_q100", mr, 100, mr_src),
            ("jpeg12_odd_q40", odd, 40, odd_src), ("jpeg12_u12_q90", u12, 90, "dicom/explicit_mono2_u12.dcm")]
    for name, ds, quality, provenance in made:
        path = dcmcjpeg(name, ds, quality)
        record(entries, name, path, provenance, "%s +ee +un +q %d" % (version, quality))
    for name, base, interval in [("jpeg12_mr_restart5", "jpeg12_mr_q90", 5), ("jpeg12_odd_restart7", "jpeg12_odd_q40", 7)]:
        path = restarted(name, os.path.join(OUT, base + ".dcm"), interval)
        record(entries, name, path, "%s, re-coded" % base,
               "Tools/make_jpeg_extended_fixtures.py with_restarts (interval %d blocks)" % interval)
    for testfile in ("JPGExtended.dcm", "JPEG-lossy.dcm"):
        path = os.path.join(OUT, testfile)
        shutil.copyfile(get_testdata_file(testfile), path)
        record(entries, "jpeg12_pydicom_" + testfile[:-4], path,
               "pydicom %s test file (MIT), unchanged" % pydicom.__version__, "as shipped")
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump({"generator": "Tools/make_jpeg_extended_fixtures.py with pydicom %s, numpy %s" % (
            pydicom.__version__, np.__version__), "fixtures": entries}, f, indent=1)
        f.write("\n")
    shutil.rmtree(TMP)


if __name__ == "__main__":
    main()
