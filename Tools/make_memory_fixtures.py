#!/usr/bin/env python3
"""Write the memory-planning fixtures in Tests/Fixtures/memory/ (issue 15).

Run by hand from the repository root with numpy-free Python 3 and the `gguf` PyPI package
(0.19.0, only for its table of block sizes, GGML_QUANT_SIZES):

    python3 Tools/make_memory_fixtures.py

medgemma-27b-shaped-header.gguf
    The header alone (metadata and tensor table, no tensor data) of a Gemma 3 27B text model
    in llama.cpp's Q4_K_M mix: 62 layers, width 5376, 32 query and 16 KV heads of 128,
    feed-forward 21504, vocabulary 262208, sliding window 1024. The real file is ~16.5 GB;
    this one is a few hundred KB, which is the point: the plan must need only the header.
    Written by this script's own GGUF writer (struct.pack), not by the Swift reader's code.

expected.json
    What the plan must find, computed here independently of the Swift code:
      weights  the sum of every tensor's bytes (rows x blocks x block bytes, gguf's table);
      kv       the KV cache in f16 at each context listed: global layers (every 6th, layer %
               6 == 5) keep every position, the others a ring of window + 512 rows rounded up
               to the attention's 512-row pieces (AttentionTuning.keyPieceRows), when that ring is smaller than the context.
"""

import json
import os
import struct

from gguf.constants import GGML_QUANT_SIZES, GGMLQuantizationType as Q

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "memory")

D, LAYERS, HEADS, KV_HEADS, HEAD_DIM, FFN, VOCAB, WINDOW = 5376, 62, 32, 16, 128, 21504, 262208, 1024
PIECE_ROWS, BATCH = 512, 512


def string(s):
    b = s.encode()
    return struct.pack("<Q", len(b)) + b


def kv_pair(key, kind, value):
    """One metadata pair: uint32 (4), float32 (6), string (8)."""
    out = string(key) + struct.pack("<I", kind)
    if kind == 4:
        out += struct.pack("<I", value)
    elif kind == 6:
        out += struct.pack("<f", value)
    elif kind == 8:
        out += string(value)
    return out


def tensor_bytes(shape, qtype):
    block, size = GGML_QUANT_SIZES[qtype]
    rows = 1
    for n in shape[1:]:
        rows *= n
    assert shape[0] % block == 0
    return rows * (shape[0] // block) * size


def tensors():
    """(name, ggml shape, type) in llama.cpp's Q4_K_M mix for Gemma 3 (attn_v and ffn_down
    Q6_K in the first, last and every third layer of the middle, the rest Q4_K; norms F32)."""
    out = [("token_embd.weight", [D, VOCAB], Q.Q6_K), ("output_norm.weight", [D], Q.F32)]
    for i in range(LAYERS):
        more = i < LAYERS // 8 or i >= 7 * LAYERS // 8 or (i - LAYERS // 8) % 3 == 2
        p = f"blk.{i}."
        out += [
            (p + "attn_norm.weight", [D], Q.F32),
            (p + "attn_q.weight", [D, HEADS * HEAD_DIM], Q.Q4_K),
            (p + "attn_k.weight", [D, KV_HEADS * HEAD_DIM], Q.Q4_K),
            (p + "attn_v.weight", [D, KV_HEADS * HEAD_DIM], Q.Q6_K if more else Q.Q4_K),
            (p + "attn_output.weight", [HEADS * HEAD_DIM, D], Q.Q4_K),
            (p + "attn_q_norm.weight", [HEAD_DIM], Q.F32),
            (p + "attn_k_norm.weight", [HEAD_DIM], Q.F32),
            (p + "post_attention_norm.weight", [D], Q.F32),
            (p + "ffn_norm.weight", [D], Q.F32),
            (p + "ffn_gate.weight", [D, FFN], Q.Q4_K),
            (p + "ffn_up.weight", [D, FFN], Q.Q4_K),
            (p + "ffn_down.weight", [FFN, D], Q.Q6_K if more else Q.Q4_K),
            (p + "post_ffw_norm.weight", [D], Q.F32),
        ]
    return out


def kv_bytes(ctx):
    ring = WINDOW + BATCH
    if ring > PIECE_ROWS:
        ring = (ring + PIECE_ROWS - 1) // PIECE_ROWS * PIECE_ROWS
    use_ring = ring < ctx
    row = KV_HEADS * HEAD_DIM * 2
    total = 0
    for layer in range(LAYERS):
        is_global = layer % 6 == 5
        total += 2 * (ring if use_ring and not is_global else ctx) * row
    return total


def main():
    os.makedirs(OUT, exist_ok=True)
    meta = [
        ("general.architecture", 8, "gemma3"),
        ("general.name", 8, "MedGemma 27B text (shape only)"),
        ("general.alignment", 4, 32),
        ("gemma3.context_length", 4, 131072),
        ("gemma3.embedding_length", 4, D),
        ("gemma3.block_count", 4, LAYERS),
        ("gemma3.feed_forward_length", 4, FFN),
        ("gemma3.attention.head_count", 4, HEADS),
        ("gemma3.attention.head_count_kv", 4, KV_HEADS),
        ("gemma3.attention.key_length", 4, HEAD_DIM),
        ("gemma3.attention.value_length", 4, HEAD_DIM),
        ("gemma3.attention.sliding_window", 4, WINDOW),
        ("gemma3.attention.layer_norm_rms_epsilon", 6, 1e-6),
        ("gemma3.rope.freq_base", 6, 1000000.0),
    ]
    table = tensors()
    header = b"GGUF" + struct.pack("<IQQ", 3, len(table), len(meta))
    header += b"".join(kv_pair(*m) for m in meta)
    offset, weights = 0, 0
    for name, shape, qtype in table:
        size = tensor_bytes(shape, qtype)
        header += string(name) + struct.pack("<I", len(shape)) + b"".join(struct.pack("<Q", n) for n in shape)
        header += struct.pack("<IQ", int(qtype), offset)
        offset += (size + 31) // 32 * 32
        weights += size
    header += b"\0" * ((32 - len(header) % 32) % 32)
    with open(os.path.join(OUT, "medgemma-27b-shaped-header.gguf"), "wb") as f:
        f.write(header)
    expected = {
        "file": "medgemma-27b-shaped-header.gguf",
        "tensors": len(table),
        "weights": weights,
        "vocabulary": VOCAB,
        "kv": {str(ctx): kv_bytes(ctx) for ctx in (1024, 4096, 8192, 32768, 131072)},
    }
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")
    print(f"{len(header)} header bytes, {weights / 1e9:.2f} GB of weights described")


if __name__ == "__main__":
    main()
