#!/usr/bin/env python3
"""Write the PNG test fixtures for MedImagingTests, with their expected pixels.

Run by hand from the repository root when the fixture set changes:

    python3 Tools/make_png_fixtures.py

It writes tiny (7x5) PNGs of every colour type, bit depth and interlace method
into Tests/Fixtures/png/, plus Tests/Fixtures/png/manifest.json holding the
pixel values a decoder must produce for each of them, and the size and a
checksum of the real chest X-ray sample that the tests read from
/work/shared/sample-images (when that file is present here).

Why a hand-written encoder: the expected pixels must come from this script and
not from the Swift decoder under test, and the project takes no third-party
Python packages. The encoder uses only zlib and struct. Every row picks a
different PNG filter (None, Sub, Up, Average, Paeth) so the decoder's
unfiltering is exercised too, and the Adam7 files filter each pass separately.

Expected values follow what a PNG decoder outputs after expansion:
  * gray of 1, 2 or 4 bits is scaled to 8 bits (v * 255 / (2^depth - 1));
  * palette images expand to RGB, or RGBA when they carry tRNS;
  * a tRNS colour key on gray/RGB adds an alpha channel (0 on the key, max elsewhere);
  * 16-bit samples stay 16-bit; the raw sample values are expected even when a
    gAMA chunk is present (medical images are read as stored, not colour-managed).

The manifest's "exactColour" is false for 16-bit images with alpha: the decoder
can only report colour approximately where such a pixel is partly transparent
(see PNGDecoder.swift), so the tests compare those within a tolerance.
"""

import json
import os
import struct
import sys
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "Tests", "Fixtures", "png")
CHEST_XRAY_RELATIVE = "sample-images/chest_xray/cxr_nih_chestxray14_00000001_000.png"
# The committed copy in Tests/Fixtures (the manifest stores the path relative to it).
CHEST_XRAY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", CHEST_XRAY_RELATIVE)

WIDTH, HEIGHT = 7, 5

GRAY, RGB, PALETTE, GRAY_ALPHA, RGBA = 0, 2, 3, 4, 6
SAMPLES_PER_PIXEL = {GRAY: 1, RGB: 3, PALETTE: 1, GRAY_ALPHA: 2, RGBA: 4}

# Adam7 passes: (x start, y start, x step, y step).
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4),
         (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


# --------------------------------------------------------------------------- encoder

def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def pack_row(pixels, bit_depth):
    """pixels: list of tuples of samples -> packed scanline bytes (no filter byte)."""
    samples = [s for px in pixels for s in px]
    if bit_depth == 16:
        return b"".join(struct.pack(">H", s) for s in samples)
    if bit_depth == 8:
        return bytes(samples)
    out, acc, nbits = bytearray(), 0, 0
    for s in samples:
        acc = (acc << bit_depth) | s
        nbits += bit_depth
        if nbits == 8:
            out.append(acc)
            acc, nbits = 0, 0
    if nbits:
        out.append(acc << (8 - nbits))
    return bytes(out)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filter_rows(rows, bpp):
    """Filter packed rows, cycling through all five filter types."""
    out, prev = bytearray(), bytes(len(rows[0])) if rows else b""
    for index, row in enumerate(rows):
        ftype = index % 5
        filtered = bytearray()
        for i, x in enumerate(row):
            a = row[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            predictor = [0, a, b, (a + b) // 2, paeth(a, b, c)][ftype]
            filtered.append((x - predictor) & 0xFF)
        out.append(ftype)
        out += filtered
        prev = row
    return bytes(out)


def encode_png(image, bit_depth, color_type, palette=None, trns=None, interlace=False, gamma=None):
    """image: HEIGHT rows of WIDTH tuples of raw samples (palette indices for PALETTE)."""
    height, width = len(image), len(image[0])
    bits_per_pixel = SAMPLES_PER_PIXEL[color_type] * bit_depth
    bpp = max(1, bits_per_pixel // 8)
    if interlace:
        raw = b""
        for x0, y0, dx, dy in ADAM7:
            sub = [row[x0::dx] for row in image[y0::dy]]
            if not sub or not sub[0]:
                continue  # empty passes have no scanlines at all
            raw += filter_rows([pack_row(r, bit_depth) for r in sub], bpp)
    else:
        raw = filter_rows([pack_row(r, bit_depth) for r in image], bpp)
    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 1 if interlace else 0))
    if gamma is not None:
        png += chunk(b"gAMA", struct.pack(">I", gamma))
    if palette is not None:
        png += chunk(b"PLTE", b"".join(bytes(entry) for entry in palette))
    if trns is not None:
        png += chunk(b"tRNS", trns)
    compressed = zlib.compress(raw, 9)
    half = len(compressed) // 2  # two IDAT chunks, so decoders must join them
    png += chunk(b"IDAT", compressed[:half]) + chunk(b"IDAT", compressed[half:])
    png += chunk(b"IEND", b"")
    return png


# --------------------------------------------------------------------------- a small decoder
# Only what the real sample needs (non-interlaced, 8 or 16 bit, any colour type):
# used to compute the chest X-ray checksum and to self-check the encoder above.

def decode_simple_png(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        pos += 12 + length
    width, height, bit_depth, color_type, _, _, interlace = header
    assert interlace == 0 and bit_depth in (8, 16) and color_type != PALETTE
    bpp = SAMPLES_PER_PIXEL[color_type] * bit_depth // 8
    stride = width * bpp
    raw = zlib.decompress(idat)
    rows, prev = [], bytearray(stride)
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            line[i] = (line[i] + [0, a, b, (a + b) // 2, paeth(a, b, c)][ftype]) & 0xFF
        rows.append(bytes(line))
        prev = line
    flat = b"".join(rows)
    if bit_depth == 16:
        samples = list(struct.unpack(">%dH" % (len(flat) // 2), flat))
    else:
        samples = list(flat)
    return width, height, bit_depth, color_type, samples


def fnv1a64(values, bytes_per_value):
    """FNV-1a 64 over the samples, each as `bytes_per_value` little-endian bytes."""
    h = 0xCBF29CE484222325
    for v in values:
        for k in range(bytes_per_value):
            h ^= (v >> (8 * k)) & 0xFF
            h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


# --------------------------------------------------------------------------- fixture content

def sample(x, y, channel, maximum):
    """A deterministic, varied sample value spanning the full range."""
    return (x * 37 + y * 91 + channel * 53 + x * y * 11) % (maximum + 1)


def make_image(color_type, bit_depth, palette_size=None):
    maximum = (1 << bit_depth) - 1
    image = []
    for y in range(HEIGHT):
        row = []
        for x in range(WIDTH):
            if color_type == PALETTE:
                row.append(((x + 3 * y) % palette_size,))
                continue
            n = SAMPLES_PER_PIXEL[color_type]
            px = [sample(x, y, c, maximum) for c in range(n)]
            if color_type in (GRAY_ALPHA, RGBA):
                # Alpha: fully opaque, fully transparent, and partial values.
                px[-1] = [maximum, 0, maximum // 3, maximum, (maximum * 5) // 7][(x + y) % 5]
            row.append(tuple(px))
        image.append(row)
    return image


def expected_pixels(image, color_type, bit_depth, palette=None, trns=None):
    """The decoder's output for `image`: (channels name, output depth, flat samples)."""
    out = []
    if color_type == PALETTE:
        alphas = list(trns) if trns is not None else None
        for row in image:
            for (index,) in row:
                out += list(palette[index])
                if alphas is not None:
                    out.append(alphas[index] if index < len(alphas) else 255)
        return ("rgba" if trns is not None else "rgb"), 8, out
    out_depth = 16 if bit_depth == 16 else 8
    scale = 255 // ((1 << bit_depth) - 1) if bit_depth < 8 else 1
    key = struct.unpack(">%dH" % (len(trns) // 2), trns) if trns is not None else None
    for row in image:
        for px in row:
            out += [s * scale for s in px]
            if key is not None:
                out.append(0 if tuple(px) == tuple(key) else (1 << out_depth) - 1)
    names = {GRAY: "gray", GRAY_ALPHA: "grayAlpha", RGB: "rgb", RGBA: "rgba"}
    name = names[color_type]
    if key is not None:
        name = {"gray": "grayAlpha", "rgb": "rgba"}[name]
    return name, out_depth, out


def make_palette(size):
    return [((i * 67) % 256, (i * 131 + 40) % 256, (255 - i * 29) % 256) for i in range(size)]


def fixture_specs():
    specs = []
    for depth in (1, 2, 4, 8, 16):
        specs.append(dict(name="gray%d" % depth, color_type=GRAY, bit_depth=depth))
    specs.append(dict(name="gray8_interlaced", color_type=GRAY, bit_depth=8, interlace=True))
    specs.append(dict(name="gray16_interlaced", color_type=GRAY, bit_depth=16, interlace=True))
    specs.append(dict(name="gray2_interlaced", color_type=GRAY, bit_depth=2, interlace=True))
    specs.append(dict(name="gray16_gamma", color_type=GRAY, bit_depth=16, gamma=100000))
    specs.append(dict(name="gray8_trns", color_type=GRAY, bit_depth=8, trns_from=(3, 1)))
    specs.append(dict(name="grayalpha8", color_type=GRAY_ALPHA, bit_depth=8))
    specs.append(dict(name="grayalpha16", color_type=GRAY_ALPHA, bit_depth=16))
    specs.append(dict(name="rgb8", color_type=RGB, bit_depth=8))
    specs.append(dict(name="rgb16", color_type=RGB, bit_depth=16))
    specs.append(dict(name="rgb8_interlaced", color_type=RGB, bit_depth=8, interlace=True))
    specs.append(dict(name="rgb8_gamma", color_type=RGB, bit_depth=8, gamma=100000))
    specs.append(dict(name="rgb8_trns", color_type=RGB, bit_depth=8, trns_from=(2, 2)))
    specs.append(dict(name="rgba8", color_type=RGBA, bit_depth=8))
    specs.append(dict(name="rgba16", color_type=RGBA, bit_depth=16))
    specs.append(dict(name="rgba8_interlaced", color_type=RGBA, bit_depth=8, interlace=True))
    specs.append(dict(name="rgba16_interlaced", color_type=RGBA, bit_depth=16, interlace=True))
    specs.append(dict(name="palette8", color_type=PALETTE, bit_depth=8, palette_size=13))
    specs.append(dict(name="palette8_trns", color_type=PALETTE, bit_depth=8, palette_size=13, palette_trns=True))
    specs.append(dict(name="palette4", color_type=PALETTE, bit_depth=4, palette_size=11))
    specs.append(dict(name="palette1", color_type=PALETTE, bit_depth=1, palette_size=2))
    specs.append(dict(name="palette2_interlaced", color_type=PALETTE, bit_depth=2, palette_size=4, interlace=True))
    return specs


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    manifest = {"generator": "Tools/make_png_fixtures.py", "fixtures": []}
    for spec in fixture_specs():
        ct, depth = spec["color_type"], spec["bit_depth"]
        image = make_image(ct, depth, spec.get("palette_size"))
        palette = make_palette(spec["palette_size"]) if ct == PALETTE else None
        trns = None
        if ct == PALETTE and spec.get("palette_trns"):
            # Fewer entries than the palette: the rest are opaque.
            trns = bytes([0, 255, 128, 7, 200, 64][: spec["palette_size"] - 2])
        elif "trns_from" in spec:
            x, y = spec["trns_from"]
            trns = b"".join(struct.pack(">H", s) for s in image[y][x])
        data = encode_png(image, depth, ct, palette=palette, trns=trns,
                          interlace=spec.get("interlace", False), gamma=spec.get("gamma"))
        filename = spec["name"] + ".png"
        with open(os.path.join(OUT_DIR, filename), "wb") as f:
            f.write(data)
        channels, out_depth, pixels = expected_pixels(image, ct, depth, palette, trns)
        assert len(pixels) == WIDTH * HEIGHT * {"gray": 1, "grayAlpha": 2, "rgb": 3, "rgba": 4}[channels]
        # Self-check the encoder against the independent decoder where it applies.
        if not spec.get("interlace") and depth in (8, 16) and ct != PALETTE and trns is None:
            w, h, _, _, decoded = decode_simple_png(data)
            assert (w, h) == (WIDTH, HEIGHT) and decoded == pixels, spec["name"]
        manifest["fixtures"].append({
            "file": filename,
            "width": WIDTH,
            "height": HEIGHT,
            "channels": channels,
            "bitDepth": out_depth,
            "interlaced": bool(spec.get("interlace", False)),
            "exactColour": not (out_depth == 16 and channels in ("grayAlpha", "rgba")),
            "pixels": pixels,
        })
    if os.path.exists(CHEST_XRAY):
        with open(CHEST_XRAY, "rb") as f:
            w, h, depth, ct, samples = decode_simple_png(f.read())
        assert ct == GRAY and depth == 8
        manifest["chestXray"] = {
            "path": CHEST_XRAY_RELATIVE,
            "width": w,
            "height": h,
            "channels": "gray",
            "bitDepth": depth,
            "sampleSum": sum(samples),
            "fnv1a64": "%016x" % fnv1a64(samples, 1),
        }
    else:
        print("warning: %s missing; manifest has no chestXray entry" % CHEST_XRAY, file=sys.stderr)
    # One fixture per line keeps the manifest small and its diffs readable.
    with open(os.path.join(OUT_DIR, "manifest.json"), "w") as f:
        f.write('{"generator": %s,\n "fixtures": [\n' % json.dumps(manifest["generator"]))
        f.write(",\n".join("  " + json.dumps(entry, separators=(",", ":")) for entry in manifest["fixtures"]))
        f.write("\n ]")
        if "chestXray" in manifest:
            f.write(',\n "chestXray": %s' % json.dumps(manifest["chestXray"]))
        f.write("\n}\n")
    print("wrote %d fixtures to %s" % (len(manifest["fixtures"]), os.path.relpath(OUT_DIR, ROOT)))


if __name__ == "__main__":
    main()
