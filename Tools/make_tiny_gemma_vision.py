#!/usr/bin/env python3
"""Build a TINY RANDOM Gemma 3 vision-language model (transformers
`Gemma3ForConditionalGeneration`: SigLIP encoder + Gemma 3 projector + Gemma 3 text model),
convert it with llama.cpp's own `convert_hf_to_gguf.py` (text GGUF and `--mmproj` GGUF), and
record transformers outputs: an oracle fixture for the Swift vision tower and image splicing.

What it makes (Tests/Fixtures/tiny_gemma_vision/)
-------------------------------------------------
text.gguf              the text model, converter `--outtype f32`
mmproj-f32.gguf        the vision tower + projector, converter `--mmproj --outtype f32`
mmproj-f16.gguf        the same with `--outtype f16` (2-D weights F16; the converter keeps the
                       patch/position embeddings and 1-D tensors F32, the projection F16)
mmproj-bf16.gguf       the same with `--outtype bf16` (2-D weights BF16, lossy)
mmproj-q8_0.gguf       the same with `--outtype q8_0` (block weights Q8_0, lossy)
bad-projector.gguf     metadata of mmproj-f32 with clip.projector_type = "idefics3", no tensors
bad-width.gguf         metadata of mmproj-f32 with clip.vision.projection_dim = text width + 8
expected.json          config, two random 8-bit images (CHW bytes u; the model input is the
                       float32 u / 127.5 − 1), transformers' SigLIP output (post-LayerNorm) and projector output
                       (`get_image_features(...).pooler_output`) for each, and the logits at
                       every position of two prompts: one image and two images, each spliced as
                       text + <start_of_image> + soft tokens + <end_of_image> + text, with
                       token_type_ids so the image block is bidirectional as in HF.

The model (f32, eager attention, CPU)
-------------------------------------
SigLIP: image 48, patch 4 (12×12 = 144 patches), hidden 32, 2 heads (head 16), FFN 64,
2 layers, LayerNorm eps 1e-6, gelu_pytorch_tanh, no head. Projector: mm_tokens_per_image 36
(6×6, average pool kernel 2 — the converter writes clip.vision.projector.scale_factor = 2 as it
does for its own test model), soft-embedding RMSNorm, projection 32 → 24.
Text: vocab 64, d = 24 (≠ the vision width, so a transposed projection cannot pass), 7 layers
(layer 5 global), 2 heads / 1 kv head, head_dim 16, FFN 48, sliding window 8 (smaller than
the 36-row image block, so the sliding-window ∧ (causal ∨ same-image) mask is exercised),
linear rope scaling 8 on global layers. 36 image rows also take the engine's batched
attention path. Token ids: BOS 2, <start_of_image> 60, <end_of_image> 61, image placeholder 62.

Weights are drawn with numpy (seeded): matrices N(0, 1/fan_in), biases N(0, 0.1²), SigLIP
LayerNorm weights 1 + N(0, 0.2²), Gemma RMSNorm γ N(0, 0.3²) (HF multiplies by 1 + γ),
position embeddings N(0, 0.5²), token embeddings N(0, 0.25²). Vision and projector matrices
are rounded to F16-representable values: the converter always stores mm.input_projection as
F16, and this way mmproj-f32 and mmproj-f16 both hold the transformers model exactly (the
self-check asserts it), so both are held to the same tight tolerance; Q8_0 is lossy.

The tokenizer: a hand-encoded SentencePiece ModelProto (64 pieces) is written as
tokenizer.model only because the converter insists on a vocabulary; the tests feed token ids.

Self-checks (fail loudly): the converted text GGUF and mmproj are re-read with gguf-py and
their data compared with the HF parameters (soft_emb_norm = 1 + γ, every other tensor equal,
layouts as ENGINE.md §7.2); ablations run through transformers itself must each move the
logits by far more than the 1e-3 test tolerance: image rows scaled by sqrt(d) like token
embeddings, the image block attended causally (no token_type_ids), and the soft-embedding norm
used as γ instead of 1 + γ.

How to run (from the repository root; ~20 s):
    HF_HUB_OFFLINE=1 python3 Tools/make_tiny_gemma_vision.py
Needs numpy, torch (CPU), transformers (written against 5.24.0), sentencepiece, gguf, and
llama.cpp's source (Tools/build-llama-cpp.sh unpacks it under ~/.cache/medgemma/llama.cpp;
override with LLAMA_CPP_SOURCE=/path/to/llama.cpp). Nothing is downloaded.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

from importlib.metadata import version as pkg_version  # noqa: E402

import numpy as np  # noqa: E402
import gguf  # noqa: E402
import torch  # noqa: E402
import transformers  # noqa: E402
from transformers import Gemma3Config, Gemma3ForConditionalGeneration, Gemma3TextConfig, SiglipVisionConfig  # noqa: E402

SEED = 20251129

IMAGE_SIZE, PATCH, V_HIDDEN, V_HEADS, V_FFN, V_LAYERS = 48, 4, 32, 2, 64, 2
TOKENS_PER_IMAGE = 36
V_EPS = 1e-6
VOCAB, D_TEXT, N_LAYERS, N_HEAD, N_HEAD_KV, HEAD_DIM, FFN = 64, 24, 7, 2, 1, 16, 48
SLIDING_WINDOW, CONTEXT = 8, 256
PAD_ID, EOS_ID, BOS_ID, UNK_ID = 0, 1, 2, 3
BOI_ID, EOI_ID, IMAGE_ID = 60, 61, 62
TOLERANCE = 1e-3


def llama_cpp_source() -> Path:
    if env := os.environ.get("LLAMA_CPP_SOURCE"):
        return Path(env)
    root = Path(os.environ.get("MEDGEMMA_LLAMA_CPP", Path.home() / ".cache/medgemma/llama.cpp"))
    found = sorted(root.glob("llama_cpp_python-*/vendor/llama.cpp/convert_hf_to_gguf.py"))
    if not found:
        sys.exit(f"no llama.cpp source under {root}: run Tools/build-llama-cpp.sh or set LLAMA_CPP_SOURCE")
    return found[-1].parent


# --------------------------------------------------------------------------------------
# 1. transformers model
# --------------------------------------------------------------------------------------

def make_config() -> Gemma3Config:
    text = Gemma3TextConfig(
        vocab_size=VOCAB, hidden_size=D_TEXT, intermediate_size=FFN, num_hidden_layers=N_LAYERS,
        num_attention_heads=N_HEAD, num_key_value_heads=N_HEAD_KV, head_dim=HEAD_DIM,
        hidden_activation="gelu_pytorch_tanh", max_position_embeddings=CONTEXT, rms_norm_eps=1e-6,
        rope_theta=1_000_000.0, rope_local_base_freq=10_000.0,
        rope_scaling={"rope_type": "linear", "factor": 8.0}, query_pre_attn_scalar=HEAD_DIM,
        sliding_window=SLIDING_WINDOW, final_logit_softcapping=None, attn_logit_softcapping=None,
        tie_word_embeddings=True, pad_token_id=PAD_ID, eos_token_id=EOS_ID, bos_token_id=BOS_ID,
        attn_implementation="eager")
    vision = SiglipVisionConfig(
        hidden_size=V_HIDDEN, intermediate_size=V_FFN, num_hidden_layers=V_LAYERS,
        num_attention_heads=V_HEADS, num_channels=3, image_size=IMAGE_SIZE, patch_size=PATCH,
        hidden_act="gelu_pytorch_tanh", layer_norm_eps=V_EPS, vision_use_head=False,
        attn_implementation="eager")
    cfg = Gemma3Config(text_config=text, vision_config=vision, mm_tokens_per_image=TOKENS_PER_IMAGE,
                       boi_token_index=BOI_ID, eoi_token_index=EOI_ID, image_token_index=IMAGE_ID,
                       tie_word_embeddings=True)
    cfg._attn_implementation = "eager"
    return cfg


def randomize(model: torch.nn.Module, rng: np.random.Generator) -> dict[str, np.ndarray]:
    out = {}
    with torch.no_grad():
        for name, p in model.named_parameters():
            shape = tuple(p.shape)
            if name.endswith("position_embedding.weight"):
                v = 0.5 * rng.standard_normal(shape)
            elif name.endswith("embed_tokens.weight"):
                v = 0.25 * rng.standard_normal(shape)
            elif name.endswith("mm_input_projection_weight"):  # used as g @ W: fan-in = rows
                v = rng.standard_normal(shape) / math.sqrt(shape[0])
            elif len(shape) >= 2:
                v = rng.standard_normal(shape) / math.sqrt(int(np.prod(shape[1:])))
            elif name.endswith(".bias"):
                v = 0.1 * rng.standard_normal(shape)
            elif "vision_tower" in name:  # SigLIP LayerNorm weight (multiplier as is)
                v = 1.0 + 0.2 * rng.standard_normal(shape)
            else:  # Gemma3RMSNorm γ (HF multiplies by 1 + γ), text norms and mm_soft_emb_norm
                v = 0.3 * rng.standard_normal(shape)
            if len(shape) >= 2 and ("vision_tower" in name or "multi_modal_projector" in name):
                # Representable in F16: the converter stores mm.input_projection as F16 even with
                # --outtype f32, and the F16 mmproj then holds the same model exactly.
                v = v.astype(np.float16)
            v = v.astype(np.float32)
            p.copy_(torch.from_numpy(v))
            out[name] = v
    return out


def image_features(model, pixels: np.ndarray):
    with torch.no_grad():
        px = torch.from_numpy(pixels[None])
        out = model.model.get_image_features(px, return_dict=True)
    return out.last_hidden_state[0].numpy().copy(), out.pooler_output[0].numpy().copy()


def prompt_ids(text_chunks: list[list[int]]) -> tuple[list[int], list[int]]:
    """text chunk, image, text chunk, image, ... → ids with image placeholders, token types."""
    ids, types = [], []
    for k, chunk in enumerate(text_chunks):
        ids += chunk
        types += [0] * len(chunk)
        if k < len(text_chunks) - 1:
            ids += [BOI_ID] + [IMAGE_ID] * TOKENS_PER_IMAGE + [EOI_ID]
            types += [0] + [1] * TOKENS_PER_IMAGE + [0]
    return ids, types


def hf_logits(model, ids, types, pixels: list[np.ndarray], *, ablate: str | None = None) -> np.ndarray:
    lm = model.model
    with torch.no_grad():
        ids_t = torch.tensor([ids])
        feats = [torch.from_numpy(image_features(model, p)[1]) for p in pixels]
        if ablate is None:
            out = model(input_ids=ids_t, pixel_values=torch.from_numpy(np.stack(pixels)),
                        token_type_ids=torch.tensor([types]), use_cache=False)
            return out.logits[0].numpy().copy()
        # Ablations build inputs_embeds by hand.
        emb = lm.get_input_embeddings()(ids_t)[0].clone()
        rows = [i for i, t in enumerate(types) if t == 1]
        img = torch.cat(feats, dim=0)
        if ablate == "scaled_image_rows":
            img = img * torch.tensor(math.sqrt(D_TEXT), dtype=torch.float32)
        if ablate == "soft_norm_without_plus_one":
            img = torch.cat([plain_gamma_projector(model, p) for p in pixels], dim=0)
        emb[rows] = img
        kw = {} if ablate == "causal_image_block" else {"token_type_ids": torch.tensor([types])}
        out = model(inputs_embeds=emb[None], use_cache=False, **kw)
        return out.logits[0].numpy().copy()


def plain_gamma_projector(model, pixels):
    """The projector with RMSNorm multiplier γ instead of 1 + γ (ablation)."""
    proj = model.model.multi_modal_projector
    with torch.no_grad():
        hidden = torch.from_numpy(image_features(model, pixels)[0])[None]
        saved = proj.mm_soft_emb_norm.weight.clone()
        proj.mm_soft_emb_norm.weight.copy_(saved - 1)  # (1 + (γ − 1)) = γ
        out = proj(hidden)[0]
        proj.mm_soft_emb_norm.weight.copy_(saved)
    return out


# --------------------------------------------------------------------------------------
# 2. HF folder + conversion with llama.cpp's converter
# --------------------------------------------------------------------------------------

def pb_varint(n: int) -> bytes:
    out = b""
    n &= (1 << 64) - 1
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def pb_field(num: int, wire: int, payload: bytes) -> bytes:
    return pb_varint(num << 3 | wire) + payload


def pb_bytes(num: int, data: bytes) -> bytes:
    return pb_field(num, 2, pb_varint(len(data)) + data)


NORMAL, UNKNOWN, CONTROL, USER_DEFINED = 1, 2, 3, 4  # SentencePiece piece types (= GGUF token types)


def vocabulary() -> list[tuple[str, float, int]]:
    """The 64 pieces (text, score, type) of the tiny tokenizer: made-up words around the specials."""
    pieces = [("<pad>", 0.0, CONTROL), ("<eos>", 0.0, CONTROL), ("<bos>", 0.0, CONTROL), ("<unk>", 0.0, UNKNOWN)]
    for k in range(4, VOCAB):
        special = {BOI_ID: "<start_of_image>", EOI_ID: "<end_of_image>", IMAGE_ID: "<image_soft_token>"}
        if k in special:
            pieces.append((special[k], 0.0, USER_DEFINED))
        else:
            pieces.append((f"\u2581w{k}", -float(k), NORMAL))
    return pieces


def sentencepiece_model(pieces: list[tuple[str, float, int]] | None = None) -> bytes:
    """A minimal unigram SentencePiece ModelProto, encoded by hand (no protobuf needed)."""
    pieces = pieces or vocabulary()
    body = b""
    for text, score, kind in pieces:
        sp = pb_bytes(1, text.encode()) + pb_field(2, 5, struct.pack("<f", score)) + pb_field(3, 0, pb_varint(kind))
        body += pb_bytes(1, sp)
    trainer = (pb_field(3, 0, pb_varint(1)) + pb_field(4, 0, pb_varint(VOCAB))
               + pb_field(40, 0, pb_varint(UNK_ID)) + pb_field(41, 0, pb_varint(BOS_ID))
               + pb_field(42, 0, pb_varint(EOS_ID)) + pb_field(43, 0, pb_varint(PAD_ID)))
    normalizer = pb_bytes(1, b"identity") + pb_field(3, 0, pb_varint(0)) + pb_field(4, 0, pb_varint(0))
    return body + pb_bytes(2, trainer) + pb_bytes(3, normalizer)


def write_hf_folder(model, folder: Path) -> None:
    model.save_pretrained(folder, safe_serialization=True)
    # transformers 5.x saves the SigLIP tower as `vision_tower.*`; published Gemma 3 /
    # MedGemma checkpoints (and the converter's tensor map) use `vision_tower.vision_model.*`.
    from safetensors.numpy import load_file, save_file
    st = folder / "model.safetensors"
    tensors = load_file(st)
    renamed = {(k.replace("vision_tower.", "vision_tower.vision_model.", 1)
                if k.startswith("vision_tower.") and not k.startswith("vision_tower.vision_model.") else k): v
               for k, v in tensors.items()}
    save_file(renamed, st, metadata={"format": "pt"})
    (folder / "tokenizer.model").write_bytes(sentencepiece_model())
    (folder / "preprocessor_config.json").write_text(json.dumps({
        "image_processor_type": "Gemma3ImageProcessor", "image_seq_length": TOKENS_PER_IMAGE,
        "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5],
        "size": {"height": IMAGE_SIZE, "width": IMAGE_SIZE}, "resample": 2, "rescale_factor": 1 / 255}))
    import sentencepiece
    sp = sentencepiece.SentencePieceProcessor()
    sp.LoadFromFile(str(folder / "tokenizer.model"))
    if sp.vocab_size() != VOCAB or sp.IdToPiece(BOI_ID) != "<start_of_image>":
        sys.exit("hand-encoded tokenizer.model does not load as intended")


def convert(src: Path, folder: Path, out: Path, outtype: str, mmproj: bool) -> None:
    cmd = [sys.executable, str(src / "convert_hf_to_gguf.py"), str(folder), "--outtype", outtype, "--outfile", str(out)]
    if mmproj:
        cmd.append("--mmproj")
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0 or not out.is_file():
        sys.exit(f"converter failed ({' '.join(cmd)}):\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")


def metadata_only_copy(src: Path, dst: Path, overrides: dict) -> None:
    """Every key of `src` (values overridden), no tensors: enough to test config checks."""
    r = gguf.GGUFReader(str(src))
    w = gguf.GGUFWriter(str(dst), arch="clip")
    for field in r.fields.values():
        if field.name.startswith("GGUF.") or field.name == "general.architecture":
            continue
        value = overrides.get(field.name, field.contents())
        vtype = field.types[0]
        sub = field.types[-1] if vtype == gguf.GGUFValueType.ARRAY else None
        w.add_key_value(field.name, value, vtype, sub_type=sub)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


# --------------------------------------------------------------------------------------
# 3. Checks of the converted files against the HF parameters (ENGINE.md §7.2)
# --------------------------------------------------------------------------------------

def check_mmproj(path: Path, hf: dict[str, np.ndarray], exact: bool) -> dict:
    r = gguf.GGUFReader(str(path))
    meta = {f.name: f.contents() for f in r.fields.values() if not f.name.startswith("GGUF.")}
    want = {"general.architecture": "clip", "clip.projector_type": "gemma3", "clip.vision.image_size": IMAGE_SIZE,
            "clip.vision.patch_size": PATCH, "clip.vision.embedding_length": V_HIDDEN,
            "clip.vision.feed_forward_length": V_FFN, "clip.vision.block_count": V_LAYERS,
            "clip.vision.attention.head_count": V_HEADS, "clip.vision.projection_dim": D_TEXT,
            "clip.vision.projector.scale_factor": IMAGE_SIZE // PATCH // int(math.isqrt(TOKENS_PER_IMAGE))}
    for k, v in want.items():
        if meta.get(k) != v:
            sys.exit(f"{path.name}: {k} = {meta.get(k)!r}, want {v!r}")
    vt = "model.vision_tower."  # transformers 5.x parameter names
    mapping = {"v.patch_embd.weight": vt + "embeddings.patch_embedding.weight",
               "v.patch_embd.bias": vt + "embeddings.patch_embedding.bias",
               "v.position_embd.weight": vt + "embeddings.position_embedding.weight",
               "v.post_ln.weight": vt + "post_layernorm.weight", "v.post_ln.bias": vt + "post_layernorm.bias",
               "mm.input_projection.weight": "model.multi_modal_projector.mm_input_projection_weight",
               "mm.soft_emb_norm.weight": "model.multi_modal_projector.mm_soft_emb_norm.weight"}
    blk = {"ln1": "layer_norm1", "ln2": "layer_norm2", "attn_q": "self_attn.q_proj", "attn_k": "self_attn.k_proj",
           "attn_v": "self_attn.v_proj", "attn_out": "self_attn.out_proj", "ffn_up": "mlp.fc1", "ffn_down": "mlp.fc2"}
    for i in range(V_LAYERS):
        for g, h in blk.items():
            for s in ("weight", "bias"):
                mapping[f"v.blk.{i}.{g}.{s}"] = f"{vt}encoder.layers.{i}.{h}.{s}"
    names = {t.name for t in r.tensors}
    if names != set(mapping):
        sys.exit(f"{path.name}: tensor names differ: {sorted(names ^ set(mapping))}")
    types = {}
    for t in r.tensors:
        src = hf[mapping[t.name]].astype(np.float64)
        if t.name == "mm.soft_emb_norm.weight":
            src = (hf[mapping[t.name]] + np.float32(1)).astype(np.float64)  # converter folds the +1
        ne = [int(x) for x in t.shape]
        if t.name == "mm.input_projection.weight":
            want_ne = [D_TEXT, V_HIDDEN]  # HF [V_HIDDEN, D_TEXT]: stored rows = vision channels
        else:
            want_ne = list(reversed(src.shape))
        if ne != want_ne:
            sys.exit(f"{path.name}: {t.name} ne {ne}, want {want_ne}")
        data = gguf.quants.dequantize(t.data, t.tensor_type).reshape(src.shape).astype(np.float64)
        err = float(np.max(np.abs(data - src)))
        bound = 0 if exact else 0.02 * float(np.max(np.abs(src)))
        if err > bound:
            sys.exit(f"{path.name}: {t.name} differs from HF by {err}")
        types[t.name] = t.tensor_type.name
    return {"metadata": {k: v for k, v in meta.items() if k.startswith("clip.")}, "tensor_types": types}


# --------------------------------------------------------------------------------------
# 4. Fixture JSON
# --------------------------------------------------------------------------------------

def f32s(a) -> list:
    return [float(f"{float(v):.9g}") for v in np.asarray(a, dtype=np.float32).ravel()]


def rows(a) -> list:
    return [f32s(r) for r in np.asarray(a)]


def dump(obj, indent: int = 0) -> str:
    pad, pad1 = " " * indent, " " * (indent + 1)
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        return "{\n" + ",\n".join(f"{pad1}{json.dumps(k)}: {dump(v, indent + 1)}" for k, v in obj.items()) + f"\n{pad}}}"
    if isinstance(obj, list) and obj and isinstance(obj[0], list):
        return "[\n" + ",\n".join(pad1 + dump(v, indent + 1) for v in obj) + f"\n{pad}]"
    return json.dumps(obj)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out-dir", default="Tests/Fixtures/tiny_gemma_vision")
    out_dir = Path(ap.parse_args().out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)

    model = Gemma3ForConditionalGeneration(make_config()).to(torch.float32).eval()
    hf = randomize(model, rng)
    proj = model.model.multi_modal_projector
    if proj.kernel_size != 2 or proj.tokens_per_side != 6:
        sys.exit(f"projector kernel {proj.kernel_size}, tokens/side {proj.tokens_per_side}")

    # Random 8-bit images, normalised as the processor does: u / 127.5 − 1 in float32 (the Swift
    # test recomputes the same float32 values from the bytes).
    image_bytes = [rng.integers(0, 256, (3, IMAGE_SIZE, IMAGE_SIZE)) for _ in range(2)]
    images = [(u.astype(np.float32) / np.float32(127.5) - np.float32(1)).astype(np.float32) for u in image_bytes]
    feats = [image_features(model, im) for im in images]

    prompts = [
        {"name": "one image", "text": [[BOS_ID, 10, 11, 12], [13, 14, 15, 16, 17]], "images": [0]},
        {"name": "two images", "text": [[BOS_ID, 20, 21], [22, 23], [24, 25, 26]], "images": [0, 1]},
    ]
    for p in prompts:
        ids, types = prompt_ids(p["text"])
        p["ids"], p["types"] = ids, types
        p["logits"] = hf_logits(model, ids, types, [images[i] for i in p["images"]])

    ablations = {}
    for name in ("scaled_image_rows", "causal_image_block", "soft_norm_without_plus_one"):
        d = max(float(np.max(np.abs(hf_logits(model, p["ids"], p["types"], [images[i] for i in p["images"]], ablate=name)
                                    - p["logits"]))) for p in prompts)
        ablations[name] = d
        print(f"  ablation {name:28s} max |Δlogit| = {d:.4g}")
        if not d > 30 * TOLERANCE:
            sys.exit(f"SELF-CHECK FAILED: fixture insensitive to {name} ({d})")

    src = llama_cpp_source()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "hf"
        write_hf_folder(model, folder)
        convert(src, folder, out_dir / "text.gguf", "f32", mmproj=False)
        for t in ("f32", "f16", "bf16", "q8_0"):
            convert(src, folder, out_dir / f"mmproj-{t}.gguf", t, mmproj=True)
    info = {t: check_mmproj(out_dir / f"mmproj-{t}.gguf", hf, exact=(t in ("f32", "f16"))) for t in ("f32", "f16", "bf16", "q8_0")}
    metadata_only_copy(out_dir / "mmproj-f32.gguf", out_dir / "bad-projector.gguf", {"clip.projector_type": "idefics3"})
    metadata_only_copy(out_dir / "mmproj-f32.gguf", out_dir / "bad-width.gguf", {"clip.vision.projection_dim": D_TEXT + 8})

    tr = gguf.GGUFReader(str(out_dir / "text.gguf"))
    if int(tr.get_field("gemma3.embedding_length").contents()) != D_TEXT:
        sys.exit("text GGUF embedding_length")

    files = sorted(p.name for p in out_dir.glob("*.gguf"))
    fixture = {
        "description": "Tiny random Gemma 3 vision-language model: transformers float32 outputs for the "
                       "GGUFs in this folder (see Tools/make_tiny_gemma_vision.py).",
        "generator": "Tools/make_tiny_gemma_vision.py",
        "versions": {"transformers": transformers.__version__, "torch": torch.__version__,
                     "gguf": pkg_version("gguf"),
                     "numpy": np.__version__, "llama_cpp_source": str(src.parent.parent.name)},
        "seed": SEED,
        "files": {f: hashlib.sha256((out_dir / f).read_bytes()).hexdigest() for f in files},
        "config": {"image_size": IMAGE_SIZE, "patch_size": PATCH, "vision_hidden": V_HIDDEN,
                   "vision_heads": V_HEADS, "vision_ffn": V_FFN, "vision_layers": V_LAYERS,
                   "vision_eps": V_EPS, "tokens_per_image": TOKENS_PER_IMAGE, "pool_kernel": 2,
                   "text_width": D_TEXT, "vocab": VOCAB, "bos": BOS_ID, "start_of_image": BOI_ID,
                   "end_of_image": EOI_ID, "image_placeholder": IMAGE_ID, "sliding_window": SLIDING_WINDOW},
        "mmproj": info,
        "self_check": {"ablations_max_abs_logit_change": ablations},
        "images": [{"bytes_chw": [int(v) for v in u.ravel()], "siglip_output": rows(f[0]), "features": rows(f[1])}
                   for u, f in zip(image_bytes, feats)],
        "prompts": [{"name": p["name"], "text_chunks": p["text"], "images": p["images"], "ids": p["ids"],
                     "token_types": p["types"], "logits": rows(p["logits"])} for p in prompts],
    }
    (out_dir / "expected.json").write_text(dump(fixture) + "\n")
    total = sum(f.stat().st_size for f in out_dir.iterdir())
    print(f"wrote {out_dir}: {', '.join(files)}, expected.json; {total} bytes in all")


if __name__ == "__main__":
    main()
