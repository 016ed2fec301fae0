#!/usr/bin/env python3
"""Write the quantized-tensor fixtures for KernelsTests, with their expected values.

Run by hand from the repository root when the fixture set changes:

    python3 Tools/make_quant_fixtures.py [path/to/gemma-3-270m-q4_k_m.gguf]

The model path defaults to $MEDGEMMA_MODEL, then
~/.cache/medgemma/models/gemma-3-270m-q4_k_m.gguf. Needs numpy and the `gguf`
package (pip install gguf; written against gguf 0.19.0).

Everything lands in Tests/Fixtures/quant/: raw little-endian binary files plus
manifest.json, which names them and holds the small expected numbers. The
expected values come from this script (gguf-py's numpy code and the numpy
re-statements below), never from the Swift code under test, so the Swift
tests can fail.

What is written and why:

* Dequantization cases (`dequant`): `<name>.blocks` holds rows x columns values
  as stored in a GGUF file, `<name>.f32` gguf-py's float32 dequantization.
  - Real rows of the types the 270m model file has (Q8_0, Q5_0, Q4_K, Q6_K, F32),
    read with gguf.GGUFReader.
  - gguf-py's own quantizers on Gaussian data where it has one (F16, BF16,
    Q4_0, Q4_1, Q5_0, Q5_1, Q8_0).
  - Random block bytes for every block type (every bit pattern is a valid
    block), with the f16 scale fields overwritten by finite values of moderate
    magnitude (and one subnormal scale) so the values stay finite. gguf-py has
    no Q8_1 or Q8_K code at all; those two are dequantized here as d*qs, which
    is the whole format.
* Activation quantization (`activations`): two float32 inputs and the Q8_0,
  Q8_1 and Q8_K blocks llama.cpp's quantize_row_q8_{0,1,K}_ref produce for
  them, byte for byte. Q8_0 is gguf-py's quantizer (documented bit-exact with
  the C reference) and is cross-checked against the restatement below. The
  "special" input holds exact rounding ties (roundf rounds half away from zero
  for Q8_0/Q8_1, nearest_int rounds half to even for Q8_K), an all-zero block,
  and negative-dominated blocks.
* Dot products (`dots`): for each weight-type case (not Q8_1/Q8_K, which are
  activation-only, nor random BF16, whose bits include NaN), each row against a
  prefix of the "random" activation input quantized to the format llama.cpp
  pairs with the weight type (ENGINE.md 2.3). `expected` is computed in float64
  as sum(dequant(W) * dequant(quantize_act(x))), except that for Q4_1/Q5_1 x
  Q8_1 the min term uses the block's stored f16 `s` (as llama.cpp does), and
  `exactExpected` is the plain product; `magnitude` is sum(|w * a|), the
  scale for a relative tolerance.
* Whole-tensor checksums (`modelChecksums`): one tensor of each real type,
  dequantized by gguf-py. With b_i the float32 bit pattern of value i and all
  arithmetic mod 2^64: m_i = b_i * 0xBF58476D1CE4E5B9, m_i ^= m_i >> 31,
  `hash` = sum_i m_i * (i * 0x9E3779B97F4A7C15 | 1) (exact and independent of
  summation order), `sum` a float64 sum for humans.
* Half/bfloat samples (`halfSamples`, `bfloatSamples`): bit patterns including
  subnormals, zeros and infinities and numpy's float32 for each.
"""

import json
import os
import sys

import numpy as np
import gguf
from gguf import GGMLQuantizationType as T
from gguf.quants import quantize, dequantize, np_roundf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "Tests", "Fixtures", "quant")
QK_K = 256

# (values per block, bytes per block), as in ENGINE.md 1.5.
SIZES = {
    T.F32: (1, 4), T.F16: (1, 2), T.BF16: (1, 2),
    T.Q4_0: (32, 18), T.Q4_1: (32, 20), T.Q5_0: (32, 22), T.Q5_1: (32, 24),
    T.Q8_0: (32, 34), T.Q8_1: (32, 36),
    T.Q2_K: (256, 84), T.Q3_K: (256, 110), T.Q4_K: (256, 144), T.Q5_K: (256, 176),
    T.Q6_K: (256, 210), T.Q8_K: (256, 292),
}

# Byte offsets of the f16 scale fields that random blocks get sane values in.
F16_SCALE_OFFSETS = {
    T.Q4_0: [0], T.Q4_1: [0, 2], T.Q5_0: [0], T.Q5_1: [0, 2], T.Q8_0: [0],
    T.Q2_K: [80, 82], T.Q3_K: [108], T.Q4_K: [0, 2], T.Q5_K: [0, 2], T.Q6_K: [208],
}

ACTIVATION_FOR = {
    T.Q4_0: "Q8_0", T.Q5_0: "Q8_0", T.Q8_0: "Q8_0",
    T.Q4_1: "Q8_1", T.Q5_1: "Q8_1",
    T.Q2_K: "Q8_K", T.Q3_K: "Q8_K", T.Q4_K: "Q8_K", T.Q5_K: "Q8_K", T.Q6_K: "Q8_K",
    T.F32: "F32", T.F16: "F32", T.BF16: "F32",
}

rng = np.random.default_rng(0x6D656467)


# ---------------------------------------------------------------------------------------
# Activation quantizers, restated from llama.cpp's ggml-quants.c reference functions.
# All arithmetic stays in float32 as the C code does.

def quantize_q8_0(x):
    """quantize_row_q8_0_ref: d = amax/127 (stored f16), q = roundf(x * (1/d))."""
    b = x.reshape(-1, 32).astype(np.float32)
    amax = np.abs(b).max(axis=1, keepdims=True)
    d = amax / np.float32(127)
    with np.errstate(divide="ignore"):
        idv = np.where(d == 0, np.float32(0), np.float32(1) / d).astype(np.float32)
    qs = np_roundf(b * idv).astype(np.int8)
    out = np.concatenate([d.astype(np.float16).view(np.uint8), qs.view(np.uint8)], axis=1)
    return out.reshape(-1)


def quantize_q8_1(x):
    """quantize_row_q8_1_ref: as Q8_0, plus s = f16(float(sum(q)) * d) with the f32 d."""
    b = x.reshape(-1, 32).astype(np.float32)
    amax = np.abs(b).max(axis=1, keepdims=True)
    d = amax / np.float32(127)
    with np.errstate(divide="ignore"):
        idv = np.where(d == 0, np.float32(0), np.float32(1) / d).astype(np.float32)
    qs = np_roundf(b * idv).astype(np.int8)
    s = qs.astype(np.int32).sum(axis=1, keepdims=True).astype(np.float32) * d
    out = np.concatenate([d.astype(np.float16).view(np.uint8), s.astype(np.float16).view(np.uint8),
                          qs.view(np.uint8)], axis=1)
    return out.reshape(-1)


def quantize_q8_k(x):
    """quantize_row_q8_K_ref: max = first element of largest |x|; iscale = -127/max;
    q = min(127, nearest_int(iscale*x)) (round half to even); d = 1/iscale (f32);
    bsums = sums of 16. An all-zero block is d = 0, q = 0 (bsums 0 here; the C code leaves
    them unwritten)."""
    blocks = []
    for b in x.reshape(-1, QK_K).astype(np.float32):
        a = np.abs(b)
        amax = a.max()
        if amax == 0:
            d = np.float32(0)
            qs = np.zeros(QK_K, dtype=np.int8)
        else:
            mx = b[int(np.argmax(a))]
            iscale = np.float32(-127) / mx
            v = np.rint((iscale * b).astype(np.float32))
            qs = np.minimum(v, 127).astype(np.int8)
            d = np.float32(1) / iscale
        bsums = qs.astype(np.int16).reshape(16, 16).sum(axis=1).astype("<i2")
        blocks.append(np.concatenate([np.array([d], dtype="<f4").view(np.uint8), qs.view(np.uint8),
                                      bsums.view(np.uint8)]))
    return np.concatenate(blocks)


def dequant_q8_1(raw):
    b = raw.reshape(-1, 36)
    d = b[:, 0:2].copy().view(np.float16).astype(np.float32)
    return (b[:, 4:].copy().view(np.int8).astype(np.float32) * d).reshape(-1)


def dequant_q8_k(raw):
    b = raw.reshape(-1, 292)
    d = b[:, 0:4].copy().view("<f4")
    return (b[:, 4:260].copy().view(np.int8).astype(np.float32) * d).reshape(-1)


def dequant(raw, qtype, rows, cols):
    """gguf-py's dequantization, or the two formats gguf-py lacks."""
    if qtype == T.Q8_1:
        return dequant_q8_1(raw).reshape(rows, cols)
    if qtype == T.Q8_K:
        return dequant_q8_k(raw).reshape(rows, cols)
    out = dequantize(raw.reshape(rows, -1), qtype)
    return np.asarray(out, dtype=np.float32).reshape(rows, cols)


def quantize_activation(fmt, x):
    return {"Q8_0": quantize_q8_0, "Q8_1": quantize_q8_1, "Q8_K": quantize_q8_k}[fmt](x)


# ---------------------------------------------------------------------------------------
# Inputs.

def sane_f16(n):
    """Finite f16 values, |v| in [2^-12, 2^-3], random sign: like real block scales."""
    mag = np.exp2(rng.uniform(-12, -3, size=n))
    sign = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    return (mag * sign).astype(np.float16)


def random_blocks(qtype, rows, cols):
    per, nbytes = SIZES[qtype]
    nblocks = rows * cols // per
    raw = rng.integers(0, 256, size=(nblocks, nbytes), dtype=np.uint8)
    if qtype in F16_SCALE_OFFSETS:
        for off in F16_SCALE_OFFSETS[qtype]:
            raw[:, off:off + 2] = sane_f16(nblocks).view(np.uint8).reshape(nblocks, 2)
        # One subnormal f16 scale exercises the subnormal path of the half conversion.
        raw[1, F16_SCALE_OFFSETS[qtype][0]:F16_SCALE_OFFSETS[qtype][0] + 2] = \
            np.array([0x0123], dtype="<u2").view(np.uint8)
    elif qtype == T.Q8_1:
        d = sane_f16(nblocks)
        qs = raw[:, 4:].view(np.int8).astype(np.int32).sum(axis=1).astype(np.float32)
        raw[:, 0:2] = d.view(np.uint8).reshape(nblocks, 2)
        raw[:, 2:4] = (qs * d.astype(np.float32)).astype(np.float16).view(np.uint8).reshape(nblocks, 2)
    elif qtype == T.Q8_K:
        d = (np.exp2(rng.uniform(-14, -4, size=nblocks)) * np.where(rng.random(nblocks) < 0.5, -1, 1)).astype("<f4")
        raw[:, 0:4] = d.view(np.uint8).reshape(nblocks, 4)
        sums = raw[:, 4:260].view(np.int8).astype(np.int16).reshape(nblocks, 16, 16).sum(axis=2).astype("<i2")
        raw[:, 260:292] = sums.view(np.uint8).reshape(nblocks, 32)
    return raw.reshape(-1)


def gaussian_weights(rows, cols):
    w = rng.standard_normal((rows, cols)).astype(np.float32) * np.float32(0.05)
    # A few outliers, as real weights have.
    w.reshape(-1)[rng.integers(0, w.size, size=8)] *= np.float32(12)
    return w


def special_activation():
    """1024 floats: exact ties, a zero block, negative-dominated blocks, wide range."""
    x = np.zeros(1024, dtype=np.float32)
    # Block of 256 (and its 32-blocks) with max |x| = 127 so Q8_0/Q8_1 get d = 1 and Q8_K
    # iscale = -1: every k + 0.5 below is an exact tie.
    ties = (rng.integers(-120, 120, size=256) + 0.5).astype(np.float32)
    ties[::32] = 127.0
    ties[5] = -0.5
    ties[6] = 0.5
    ties[7] = 1.5
    ties[8] = -2.5
    x[0:256] = ties
    # 256..511 stays zero: the all-zero block path (d = 0).
    neg = rng.standard_normal(256).astype(np.float32)
    neg[::32] = -9.0
    neg[17] = 9.0   # equal magnitude, later index: the first one (negative) must win in Q8_K
    x[512:768] = neg
    x[768:1024] = (rng.standard_normal(256) * np.exp2(rng.uniform(-20, 10, size=256))).astype(np.float32)
    return x


# ---------------------------------------------------------------------------------------

def write(name, array):
    path = os.path.join(OUT_DIR, name)
    with open(path, "wb") as f:
        f.write(np.ascontiguousarray(array).tobytes())
    return name


def tensor_hash(values):
    bits = np.ascontiguousarray(values, dtype=np.float32).reshape(-1).view(np.uint32).astype(np.uint64)
    idx = np.arange(bits.size, dtype=np.uint64)
    with np.errstate(over="ignore"):
        # Mix each value's bits first: dequantized values have many trailing zero bits.
        mixed = bits * np.uint64(0xBF58476D1CE4E5B9)
        mixed ^= mixed >> np.uint64(31)
        weights = (idx * np.uint64(0x9E3779B97F4A7C15)) | np.uint64(1)
        h = int(np.sum(mixed * weights, dtype=np.uint64))
    return "%016x" % h


def main():
    model = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("MEDGEMMA_MODEL") or \
        os.path.expanduser("~/.cache/medgemma/models/gemma-3-270m-q4_k_m.gguf")
    os.makedirs(OUT_DIR, exist_ok=True)
    for f in os.listdir(OUT_DIR):
        os.remove(os.path.join(OUT_DIR, f))

    manifest = {"generator": "Tools/make_quant_fixtures.py", "gguf": gguf.__version__ if hasattr(gguf, "__version__") else "0.19.0",
                "numpy": np.__version__, "model": os.path.basename(model)}

    # Activations first: dot products use the random one.
    x_random = rng.standard_normal(2048).astype(np.float32)
    x_random[rng.integers(0, 2048, size=6)] *= np.float32(20)
    x_special = special_activation()
    activations = []
    quantized_random = {}
    for label, x in (("random", x_random), ("special", x_special)):
        entry = {"name": label, "count": int(x.size), "input": write(f"act_{label}.f32", x.astype("<f4"))}
        for fmt in ("Q8_0", "Q8_1", "Q8_K"):
            q = quantize_activation(fmt, x)
            if fmt == "Q8_0":
                ref = quantize(x.reshape(1, -1), T.Q8_0).reshape(-1)
                assert np.array_equal(ref, q), "gguf Q8_0 quantizer disagrees with the restatement"
            entry[fmt] = write(f"act_{label}.{fmt.lower()}", q)
            if label == "random":
                quantized_random[fmt] = q
        activations.append(entry)
    manifest["activations"] = activations

    # Dequantization cases.
    cases = []  # (name, qtype, rows, cols, raw uint8, values float32 [rows, cols], source)

    reader = gguf.GGUFReader(model)
    tensors = {t.name: t for t in reader.tensors}
    real = [
        ("token_embd.weight", T.Q8_0, [2, 1000, 262143]),
        ("blk.0.attn_v.weight", T.Q8_0, [0, 255]),
        ("blk.0.attn_k.weight", T.Q5_0, [0, 100, 255]),
        ("blk.0.attn_output.weight", T.Q4_K, [0, 321, 639]),
        ("blk.0.ffn_down.weight", T.Q6_K, [0, 639]),
        ("output_norm.weight", T.F32, [0]),
        ("blk.0.attn_q_norm.weight", T.F32, [0]),
    ]
    for tname, qtype, rows in real:
        t = tensors[tname]
        assert t.tensor_type == qtype, (tname, t.tensor_type)
        cols = int(t.shape[0])
        data = np.asarray(t.data)
        if qtype == T.F32:
            raw = data.reshape(1, -1).view(np.uint8)[rows].reshape(-1)
        else:
            raw = data.reshape(-1, data.shape[-1])[rows].reshape(-1)
        values = dequant(raw, qtype, len(rows), cols)
        cases.append((f"real_{tname.replace('.weight', '').replace('.', '_')}", qtype, len(rows), cols, raw, values,
                      f"{tname} rows {rows}"))

    for qtype in (T.F16, T.BF16, T.Q4_0, T.Q4_1, T.Q5_0, T.Q5_1, T.Q8_0):
        rows, cols = 3, 512
        w = gaussian_weights(rows, cols)
        if qtype == T.F16:
            # Specials a half can hold: subnormals, min normal, max, +-0 and +-inf (inf only in
            # the last row, which the dot test skips).
            w[2, :8] = [5.960464477539063e-08, -6.097555160522461e-05, 6.103515625e-05, 65504.0,
                        -0.0, 0.0, np.inf, -np.inf]
        raw = np.asarray(quantize(w, qtype)).view(np.uint8).reshape(-1)
        cases.append((f"quantized_{qtype.name.lower()}", qtype, rows, cols, raw, dequant(raw, qtype, rows, cols),
                      "gguf-py quantizer on Gaussian weights"))

    for qtype in (T.BF16, T.Q4_0, T.Q4_1, T.Q5_0, T.Q5_1, T.Q8_0, T.Q8_1,
                  T.Q2_K, T.Q3_K, T.Q4_K, T.Q5_K, T.Q6_K, T.Q8_K):
        rows, cols = 3, 512
        raw = random_blocks(qtype, rows, cols)
        cases.append((f"random_{qtype.name.lower()}", qtype, rows, cols, raw, dequant(raw, qtype, rows, cols),
                      "random block bytes, sane f16 scales"))

    dq = []
    dots = []
    for name, qtype, rows, cols, raw, values, source in cases:
        assert raw.size == rows * cols // SIZES[qtype][0] * SIZES[qtype][1]
        dq.append({"name": name, "type": qtype.name, "rows": rows, "columns": cols, "source": source,
                   "blocks": write(name + ".blocks", raw.astype(np.uint8)),
                   "values": write(name + ".f32", values.astype("<f4"))})
        fmt = ACTIVATION_FOR.get(qtype)
        if fmt is None or name == "random_bf16":   # random bf16 bits include NaN and inf
            continue
        usable = rows - 1 if qtype == T.F16 else rows   # the F16 case's last row holds infinities
        w = values.astype(np.float64)[:usable]
        if fmt == "F32":
            a = x_random[:cols].astype(np.float64)
        else:
            per = 32 if fmt != "Q8_K" else 256
            bpb = {"Q8_0": 34, "Q8_1": 36, "Q8_K": 292}[fmt]
            qa = quantized_random[fmt][: cols // per * bpb]
            a = (dequant_q8_1(qa) if fmt == "Q8_1" else dequant_q8_k(qa) if fmt == "Q8_K"
                 else dequantize(qa.reshape(1, -1), T.Q8_0).reshape(-1)).astype(np.float64)
        products = w * a[None, :]
        exact = products.sum(axis=1)
        expected = exact.copy()
        if fmt == "Q8_1":
            # llama.cpp adds m * s with the block's stored f16 s instead of m * d * sum(q).
            bw = SIZES[qtype][1]
            wb = raw.reshape(rows, -1, bw)[:usable]
            m = wb[:, :, 2:4].copy().view(np.float16).astype(np.float64)[..., 0]
            ab = qa.reshape(-1, 36)
            s_stored = ab[:, 2:4].copy().view(np.float16).astype(np.float64)[:, 0]
            s_exact = a.reshape(-1, 32).sum(axis=1)
            expected = exact + (m * (s_stored - s_exact)[None, :]).sum(axis=1)
        dots.append({"case": name, "activation": fmt, "rows": usable,
                     "expected": [float(v) for v in expected],
                     "exactExpected": [float(v) for v in exact],
                     "magnitude": [float(v) for v in np.abs(products).sum(axis=1)]})
    manifest["dequant"] = dq
    manifest["dots"] = dots

    # Whole-tensor checksums.
    sums = []
    for tname in ("blk.0.attn_output.weight", "blk.0.ffn_down.weight", "blk.0.attn_k.weight",
                  "blk.0.attn_v.weight", "output_norm.weight"):
        t = tensors[tname]
        vals = np.asarray(dequantize(np.asarray(t.data), t.tensor_type), dtype=np.float32).reshape(-1)
        sums.append({"tensor": tname, "type": t.tensor_type.name, "count": int(vals.size),
                     "hash": tensor_hash(vals), "sum": float(vals.astype(np.float64).sum())})
    manifest["modelChecksums"] = sums

    # Scalar conversions.
    half_bits = np.array([0x0000, 0x8000, 0x0001, 0x8001, 0x0123, 0x03FF, 0x0400, 0x3C00, 0xBC00,
                          0x3555, 0x7BFF, 0xFBFF, 0x7C00, 0xFC00, 0x5140, 0x1234, 0xC8E5], dtype="<u2")
    manifest["halfSamples"] = {"bits": [int(b) for b in half_bits],
                               "floatBits": [int(b) for b in half_bits.view(np.float16).astype(np.float32).view(np.uint32)]}
    bf_bits = np.array([0x0000, 0x8000, 0x0001, 0x007F, 0x0080, 0x3F80, 0xBF80, 0x7F7F, 0x7F80, 0xFF80,
                        0x7FC0, 0x4049, 0xC2F7], dtype="<u2")
    bf = dequantize(bf_bits.view(np.uint8).reshape(1, -1), T.BF16).reshape(-1)
    manifest["bfloatSamples"] = {"bits": [int(b) for b in bf_bits],
                                 "floatBits": [int(b) for b in np.asarray(bf, dtype=np.float32).view(np.uint32)]}

    with open(os.path.join(OUT_DIR, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(OUT_DIR, p)) for p in os.listdir(OUT_DIR))
    print(f"wrote {len(os.listdir(OUT_DIR))} files, {total} bytes, to {OUT_DIR}")


if __name__ == "__main__":
    main()
