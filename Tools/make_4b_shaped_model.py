#!/usr/bin/env python3
"""A random-weight Gemma 3 text model with the real MedGemma 4B / Gemma 3 4B shapes, for timing
the engine beside llama.cpp at the size that matters (Tools/bench-vs-llama-cpp.sh). The
weights are seeded noise: the answers are meaningless, the work per token is the real one.

Shapes and metadata are what llama.cpp's converter (convert_hf_to_gguf.py, Gemma3Model)
writes for google/gemma-3-4b-it and google/medgemma-4b-it:

    gemma3.block_count 34, embedding_length 2560, feed_forward_length 10240,
    attention.head_count 8, head_count_kv 4, key_length = value_length 256,
    attention.sliding_window 1024 (every 6th layer, 5, 11, 17, ..., global),
    rope.freq_base 1e6 (global layers), rope.freq_base_swa 1e4 (local layers),
    rope.scaling.type "linear", rope.scaling.factor 8 (applies to the global layers only),
    attention.layer_norm_rms_epsilon 1e-6, context_length 131072,
    vocabulary 262144 with the real Gemma 3 tokenizer (all tokenizer.* keys are copied from
    the gemma-3-270m GGUF: Gemma 3 uses one tokenizer at every size), tied output embedding.

Weights: token_embd N(0, 0.03) (logits std ≈ 0.03·sqrt(2560) ≈ 1.5); every projection
N(0, 1/sqrt(fan_in)) (real Gemma projections are ~0.01-0.03); norm weights 1 + N(0, 0.05),
i.e. near 1, because the converter stores Gemma's RMSNorm weight w as w + 1 (Gemma3RMSNorm
multiplies by 1 + w; llama.cpp and this engine multiply by the stored value). With the Gemma
post-norms every block adds O(1) to the residual stream, so activations stay finite and the
logits are spread out (not one token everywhere).

Steps (each skipped when its output is already there; outputs appear only when complete):
  1. write the F16 GGUF (~7.8 GB) tensor by tensor, in chunks of CHUNK_VALUES values cut
     at seeded random offsets from a few 64 M-value noise pools (one per scale), so memory
     stays under 1 GB however large the tensor and the step is mostly disk writes;
  2. quantize it with llama.cpp's llama-quantize to Q4_K_M (~2.5 GB; llama-quantize picks the
     mix: Q6_K for the tied embedding and half the attn_v/ffn_down, Q4_K elsewhere, norms F32);
  3. delete the F16 file (--keep-f16 keeps it).

Outputs, in $MEDGEMMA_BENCH_DIR (default ~/.cache/medgemma/bench; never committed):
    medgemma-4b-shaped-q4_k_m.gguf   (and medgemma-4b-shaped-f16.gguf with --keep-f16)

Usage:
    python3 Tools/make_4b_shaped_model.py [--keep-f16] [--force] [--threads N]
        [--quantize PATH/llama-quantize] [--tokenizer-from GGUF] [--seed N] [--out-dir DIR]

Needs numpy and the gguf package (pip install numpy gguf; written against gguf 0.19.0), the
default model (Tools/fetch-model.sh) for the tokenizer, and llama-quantize
(Tools/build-llama-cpp.sh; default ~/.cache/medgemma/llama.cpp/bin/llama-quantize). The
quantization runs under `nice -n 19` with 2 threads (the machine's cores are shared).
"""
import argparse
import os
import subprocess
import sys
import time

import numpy as np
import gguf

LAYERS, EMBD, FFN, HEADS, KV_HEADS, HEAD_DIM = 34, 2560, 10240, 8, 4, 256
VOCAB, CONTEXT, WINDOW = 262144, 131072, 1024
CHUNK_VALUES = 1 << 24      # 16 M values per written chunk
POOL_VALUES = 1 << 26       # 64 M values per noise pool (128 MB as F16)

cache = os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "medgemma")
ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
ap.add_argument("--out-dir", default=os.environ.get("MEDGEMMA_BENCH_DIR", os.path.join(cache, "bench")))
ap.add_argument("--tokenizer-from", default=os.path.join(cache, "models", "gemma-3-270m-q4_k_m.gguf"),
                help="a Gemma 3 GGUF whose tokenizer.* keys are copied (default: the 270M model)")
ap.add_argument("--quantize", default=os.path.join(os.environ.get("MEDGEMMA_LLAMA_CPP", os.path.join(cache, "llama.cpp")),
                                                   "bin", "llama-quantize"))
ap.add_argument("--threads", type=int, default=2, help="llama-quantize threads (default 2)")
ap.add_argument("--seed", type=int, default=4)
ap.add_argument("--keep-f16", action="store_true", help="keep the F16 intermediate")
ap.add_argument("--force", action="store_true", help="make everything again")
args = ap.parse_args()

os.makedirs(args.out_dir, exist_ok=True)
f16_path = os.path.join(args.out_dir, "medgemma-4b-shaped-f16.gguf")
q4_path = os.path.join(args.out_dir, "medgemma-4b-shaped-q4_k_m.gguf")


def size(path):
    return f"{os.path.getsize(path) / 1e9:.2f} GB ({os.path.getsize(path)} bytes)"


class Pools:
    """Seeded Gaussian noise, generated once per (scale, offset, dtype) as a pool of
    POOL_VALUES values; tensors are cut from it at random offsets. Drawing 3.9 B fresh
    normals costs minutes of CPU on a shared 2-core machine, copying slices costs almost
    nothing, and for timing (and for finite, non-degenerate activations) windows of a
    64 M-value pool are as good as fresh noise."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.pools = {}

    def pool(self, scale, offset, dtype):
        key = (scale, offset, np.dtype(dtype).str)
        if key not in self.pools:
            x = self.rng.standard_normal(POOL_VALUES, dtype=np.float32)
            x *= scale
            x += offset
            self.pools[key] = x.astype(dtype)
        return self.pools[key]


class Noise:
    """A tensor that writes itself in chunks: GGUFWriter.write_tensor_data only needs
    `nbytes` and `tofile`, so the whole tensor never exists in memory."""

    def __init__(self, pools, shape, scale, offset=0.0, dtype=np.float16):
        self.pools, self.shape, self.scale, self.offset, self.dtype = pools, shape, scale, offset, np.dtype(dtype)
        self.nbytes = int(np.prod(shape)) * self.dtype.itemsize

    def tofile(self, f):
        left = int(np.prod(self.shape))
        if left <= 1 << 20:     # norms: fresh noise
            x = self.pools.rng.standard_normal(left, dtype=np.float32) * self.scale + self.offset
            x.astype(self.dtype).tofile(f)
            return
        pool = self.pools.pool(self.scale, self.offset, self.dtype)
        while left:
            n = min(left, CHUNK_VALUES)
            start = int(self.pools.rng.integers(0, len(pool) - n + 1))
            pool[start:start + n].tofile(f)
            left -= n


def tensors(rng):  # rng: the Pools
    """(name, numpy shape (rows, columns), Noise) in the converter's order."""
    yield "token_embd.weight", Noise(rng, (VOCAB, EMBD), 0.03)
    q, kv = HEADS * HEAD_DIM, KV_HEADS * HEAD_DIM
    for i in range(LAYERS):
        p = f"blk.{i}."
        yield p + "attn_norm.weight", Noise(rng, (EMBD,), 0.05, 1.0, np.float32)
        yield p + "attn_q.weight", Noise(rng, (q, EMBD), EMBD ** -0.5)
        yield p + "attn_k.weight", Noise(rng, (kv, EMBD), EMBD ** -0.5)
        yield p + "attn_v.weight", Noise(rng, (kv, EMBD), EMBD ** -0.5)
        yield p + "attn_q_norm.weight", Noise(rng, (HEAD_DIM,), 0.05, 1.0, np.float32)
        yield p + "attn_k_norm.weight", Noise(rng, (HEAD_DIM,), 0.05, 1.0, np.float32)
        yield p + "attn_output.weight", Noise(rng, (EMBD, q), q ** -0.5)
        yield p + "post_attention_norm.weight", Noise(rng, (EMBD,), 0.05, 1.0, np.float32)
        yield p + "ffn_norm.weight", Noise(rng, (EMBD,), 0.05, 1.0, np.float32)
        yield p + "ffn_gate.weight", Noise(rng, (FFN, EMBD), EMBD ** -0.5)
        yield p + "ffn_up.weight", Noise(rng, (FFN, EMBD), EMBD ** -0.5)
        yield p + "ffn_down.weight", Noise(rng, (EMBD, FFN), FFN ** -0.5)
        yield p + "post_ffw_norm.weight", Noise(rng, (EMBD,), 0.05, 1.0, np.float32)
    yield "output_norm.weight", Noise(rng, (EMBD,), 0.05, 1.0, np.float32)


def write_f16():
    if not os.path.isfile(args.tokenizer_from):
        sys.exit(f"tokenizer source not found: {args.tokenizer_from} (run Tools/fetch-model.sh)")
    reader = gguf.GGUFReader(args.tokenizer_from)
    tmp = f16_path + ".part"
    w = gguf.GGUFWriter(tmp, "gemma3")
    w.add_type("model")
    w.add_name("MedGemma 4B shaped (random weights)")
    w.add_basename("medgemma-4b-shaped")
    w.add_size_label("4B")
    w.add_description("Random weights with MedGemma 4B's text shapes, for benchmarks only "
                      "(Tools/make_4b_shaped_model.py)")
    w.add_context_length(CONTEXT)
    w.add_embedding_length(EMBD)
    w.add_block_count(LAYERS)
    w.add_feed_forward_length(FFN)
    w.add_head_count(HEADS)
    w.add_head_count_kv(KV_HEADS)
    w.add_key_length(HEAD_DIM)
    w.add_value_length(HEAD_DIM)
    w.add_layer_norm_rms_eps(1e-6)
    w.add_sliding_window(WINDOW)
    w.add_rope_freq_base(1_000_000.0)
    w.add_rope_freq_base_swa(10_000.0)
    w.add_rope_scaling_type(gguf.RopeScalingType.LINEAR)
    w.add_rope_scaling_factor(8.0)
    w.add_file_type(gguf.LlamaFileType.MOSTLY_F16)
    w.add_quantization_version(gguf.GGML_QUANT_VERSION)
    copied = 0
    for field in reader.fields.values():
        if not field.name.startswith("tokenizer."):
            continue
        vtype = field.types[0]
        if vtype == gguf.GGUFValueType.ARRAY:
            w.add_key_value(field.name, field.contents(), vtype, sub_type=field.types[-1])
        else:
            w.add_key_value(field.name, field.contents(), vtype)
        copied += 1
    tokens = len(reader.fields["tokenizer.ggml.tokens"].data)
    if tokens != VOCAB:
        sys.exit(f"{args.tokenizer_from} has {tokens} tokens, expected {VOCAB}")
    del reader

    plan = list(tensors(Pools(args.seed)))
    for name, t in plan:
        w.add_tensor_info(name, t.shape, t.dtype, t.nbytes)
    total = sum(t.nbytes for _, t in plan)
    params = sum(int(np.prod(t.shape)) for _, t in plan)
    print(f"writing {f16_path}: {len(plan)} tensors, {params / 1e9:.2f} B parameters, "
          f"{total / 1e9:.2f} GB of tensor data, {copied} tokenizer keys from "
          f"{os.path.basename(args.tokenizer_from)}", flush=True)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_ti_data_to_file()
    start, done = time.monotonic(), 0
    for i, (name, t) in enumerate(plan):
        w.write_tensor_data(t)
        done += t.nbytes
        if name.endswith("ffn_down.weight") or i == 0:
            print(f"  {name:28s} {done / total:6.1%}  {time.monotonic() - start:5.0f} s", flush=True)
    w.close()
    os.replace(tmp, f16_path)
    print(f"F16: {f16_path}, {size(f16_path)}, {time.monotonic() - start:.0f} s", flush=True)


def quantize():
    if not os.access(args.quantize, os.X_OK):
        sys.exit(f"llama-quantize not found at {args.quantize} (run Tools/build-llama-cpp.sh)")
    tmp = q4_path + ".part"
    cmd = ["nice", "-n", "19", args.quantize, f16_path, tmp, "Q4_K_M", str(args.threads)]
    print("quantizing:", " ".join(cmd), flush=True)
    start = time.monotonic()
    log_path = q4_path + ".log"
    with open(log_path, "w") as log:
        code = subprocess.call(cmd, stdout=log, stderr=subprocess.STDOUT)
    if code != 0:
        sys.stderr.write(open(log_path).read()[-3000:])
        sys.exit(f"llama-quantize failed (exit status {code}); log: {log_path}")
    os.replace(tmp, q4_path)
    for line in open(log_path):
        if "model size" in line or "quant size" in line:
            print("  " + line.strip().split(": ", 1)[-1] if "main:" in line else "  " + line.strip())
    print(f"Q4_K_M: {q4_path}, {size(q4_path)}, {time.monotonic() - start:.0f} s (log: {log_path})", flush=True)


if args.force:
    for p in (f16_path, q4_path):
        if os.path.exists(p):
            os.remove(p)
if os.path.isfile(q4_path) and not (args.keep_f16 and not os.path.isfile(f16_path)):
    print(f"already made: {q4_path}, {size(q4_path)}")
    if os.path.isfile(f16_path):
        print(f"              {f16_path}, {size(f16_path)}")
    sys.exit(0)
if not os.path.isfile(f16_path):
    write_f16()
if not os.path.isfile(q4_path):
    quantize()
if not args.keep_f16 and os.path.isfile(f16_path):
    os.remove(f16_path)
    print(f"removed the F16 intermediate {f16_path} (--keep-f16 keeps it)")
else:
    print(f"F16: {f16_path}, {size(f16_path)}")
print(f"Q4_K_M: {q4_path}, {size(q4_path)}")
