#!/usr/bin/env python3
"""A random-weight mmproj with the real MedGemma 4B vision sizes (SigLIP so400m: 896 px,
14 px patches, width 1152, 27 layers, 16 heads, FFN 4304, F16 weights; Gemma 3 projector
pooling 4096 patches to 256 tokens), projecting to 640 so it pairs with the default 270M
model. Only for timing the vision encoder (`medgemma ask --image … --mmproj THIS`): the
weights are noise. ~830 MB, written to ~/.cache/medgemma/bench/ (never committed).

Run by hand: python3 Tools/make_benchmark_mmproj.py   (needs numpy and the gguf package)
"""
import os
import numpy as np
import gguf

out_dir = os.path.expanduser(os.environ.get("MEDGEMMA_BENCH_DIR", "~/.cache/medgemma/bench"))
os.makedirs(out_dir, exist_ok=True)
path = os.path.join(out_dir, "mmproj-siglip-so400m-random-640.gguf")
W, FFN, LAYERS, HEADS, IMG, PATCH, TEXT = 1152, 4304, 27, 16, 896, 14, 640
rng = np.random.default_rng(0)

def f16(*shape, scale=0.02):
    return (rng.standard_normal(shape, dtype=np.float32) * scale).astype(np.float16)

def f32(*shape, scale=0.02):
    return (rng.standard_normal(shape, dtype=np.float32) * scale).astype(np.float32)

w = gguf.GGUFWriter(path, "clip")
w.add_type("mmproj")
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
        w.add_tensor(p + n + ".weight", f16(W, W))
        w.add_tensor(p + n + ".bias", f32(W))
    w.add_tensor(p + "ffn_up.weight", f16(FFN, W))
    w.add_tensor(p + "ffn_up.bias", f32(FFN))
    w.add_tensor(p + "ffn_down.weight", f16(W, FFN))
    w.add_tensor(p + "ffn_down.bias", f32(W))
w.add_tensor("v.post_ln.weight", np.ones(W, np.float32))
w.add_tensor("v.post_ln.bias", np.zeros(W, np.float32))
w.add_tensor("mm.soft_emb_norm.weight", np.ones(W, np.float32))
w.add_tensor("mm.input_projection.weight", f16(W, TEXT))
w.write_header_to_file()
w.write_kv_data_to_file()
w.write_tensors_to_file()
w.close()
print(path, os.path.getsize(path))
