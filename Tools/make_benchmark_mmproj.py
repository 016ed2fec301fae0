#!/usr/bin/env python3
"""A random-weight mmproj with the real MedGemma 4B vision sizes (SigLIP so400m: 896 px,
14 px patches, width 1152, 27 layers, 16 heads, FFN 4304; Gemma 3 projector pooling 4096
patches to 256 tokens). Only for timing the vision encoder (`medgemma bench --mmproj THIS`,
`medgemma ask --image … --mmproj THIS`, llama.cpp's llama-mtmd-cli): the weights are noise.
Written to $MEDGEMMA_BENCH_DIR (default ~/.cache/medgemma/bench/; never committed).

The projector's output width must be the text model's:
    --text-width 640    (default) pairs with the default gemma-3-270m model
                        -> mmproj-siglip-so400m-random-640.gguf          (~830 MB)
    --4b                (= --text-width 2560) pairs with MedGemma 4B and the 4B-shaped model
                        of Tools/make_4b_shaped_model.py
                        -> mmproj-siglip-so400m-random-2560.gguf         (~840 MB)

Tensor types are what llama.cpp's converter writes for MedGemma 4B's mmproj
(convert_hf_to_gguf.py --mmproj, Gemma3VisionModel):
    --type f16   (default) the block weights F16;
    --type q8_0  the block weights Q8_0 (attention q/k/v/out, FFN up; FFN down stays F16 as
                 in the converter: its 4304-wide rows are not a multiple of 32) -> file name
                 ends in -q8_0.gguf (~580 MB);
and in both: the patch embedding, position embedding, biases and norms F32, the input
projection F16 (the converter forces it, llama.cpp issue 13025).

Idempotent: an existing output is kept (--force writes it again); the file appears only
when complete.

Run by hand: python3 Tools/make_benchmark_mmproj.py [--4b | --text-width N] [--type f16|q8_0] [--force]
(needs numpy and the gguf package)
"""
import argparse
import os
import numpy as np
import gguf

ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
ap.add_argument("--text-width", type=int, default=640, help="projection_dim, the text model's width (default 640)")
ap.add_argument("--4b", dest="four_b", action="store_true", help="--text-width 2560 (MedGemma 4B)")
ap.add_argument("--type", choices=("f16", "q8_0"), default="f16", help="type of the block weights")
ap.add_argument("--force", action="store_true", help="write the file even when it exists")
args = ap.parse_args()

out_dir = os.path.expanduser(os.environ.get("MEDGEMMA_BENCH_DIR", "~/.cache/medgemma/bench"))
os.makedirs(out_dir, exist_ok=True)
W, FFN, LAYERS, HEADS, IMG, PATCH = 1152, 4304, 27, 16, 896, 14
TEXT = 2560 if args.four_b else args.text_width
suffix = "" if args.type == "f16" else "-" + args.type
path = os.path.join(out_dir, f"mmproj-siglip-so400m-random-{TEXT}{suffix}.gguf")
if os.path.isfile(path) and not args.force:
    print(path, os.path.getsize(path), "(already made; --force writes it again)")
    raise SystemExit(0)
rng = np.random.default_rng(0)

def weight(*shape, scale=0.02):
    """A block weight: F16, or Q8_0 blocks (uint8 rows) when --type q8_0."""
    x = rng.standard_normal(shape, dtype=np.float32) * scale
    if args.type == "q8_0":
        try:
            return gguf.quants.quantize(x, gguf.GGMLQuantizationType.Q8_0), gguf.GGMLQuantizationType.Q8_0
        except gguf.QuantError:
            pass    # rows not a multiple of 32 (ffn_down: 4304): F16, as the converter falls back
    return x.astype(np.float16), None

def f16(*shape, scale=0.02):
    return (rng.standard_normal(shape, dtype=np.float32) * scale).astype(np.float16)

def f32(*shape, scale=0.02):
    return (rng.standard_normal(shape, dtype=np.float32) * scale).astype(np.float32)

tmp = path + ".part"
w = gguf.GGUFWriter(tmp, "clip")
w.add_type("mmproj")
w.add_file_type(gguf.LlamaFileType.MOSTLY_Q8_0 if args.type == "q8_0" else gguf.LlamaFileType.MOSTLY_F16)
w.add_bool("clip.has_vision_encoder", True)
w.add_string("clip.projector_type", "gemma3")
w.add_bool("clip.use_gelu", True)
w.add_uint32("clip.vision.image_size", IMG)
w.add_uint32("clip.vision.patch_size", PATCH)
w.add_uint32("clip.vision.embedding_length", W)
w.add_uint32("clip.vision.feed_forward_length", FFN)
w.add_uint32("clip.vision.block_count", LAYERS)
w.add_uint32("clip.vision.attention.head_count", HEADS)
w.add_float32("clip.vision.attention.layer_norm_epsilon", 1e-6)
w.add_uint32("clip.vision.projection_dim", TEXT)
w.add_array("clip.vision.image_mean", [0.5, 0.5, 0.5])
w.add_array("clip.vision.image_std", [0.5, 0.5, 0.5])
patches = (IMG // PATCH) ** 2
w.add_tensor("v.patch_embd.weight", f32(W, 3, PATCH, PATCH))
w.add_tensor("v.patch_embd.bias", f32(W))
w.add_tensor("v.position_embd.weight", f32(patches, W))
for i in range(LAYERS):
    p = f"v.blk.{i}."
    for n in ("ln1", "ln2"):
        w.add_tensor(p + n + ".weight", np.ones(W, np.float32))
        w.add_tensor(p + n + ".bias", np.zeros(W, np.float32))
    for n in ("attn_q", "attn_k", "attn_v", "attn_out"):
        data, raw = weight(W, W)
        w.add_tensor(p + n + ".weight", data, raw_dtype=raw)
        w.add_tensor(p + n + ".bias", f32(W))
    data, raw = weight(FFN, W)
    w.add_tensor(p + "ffn_up.weight", data, raw_dtype=raw)
    w.add_tensor(p + "ffn_up.bias", f32(FFN))
    data, raw = weight(W, FFN)
    w.add_tensor(p + "ffn_down.weight", data, raw_dtype=raw)
    w.add_tensor(p + "ffn_down.bias", f32(W))
w.add_tensor("v.post_ln.weight", np.ones(W, np.float32))
w.add_tensor("v.post_ln.bias", np.zeros(W, np.float32))
w.add_tensor("mm.soft_emb_norm.weight", np.ones(W, np.float32))
w.add_tensor("mm.input_projection.weight", f16(W, TEXT))
w.write_header_to_file()
w.write_kv_data_to_file()
w.write_tensors_to_file()
w.close()
os.replace(tmp, path)
print(path, os.path.getsize(path))
