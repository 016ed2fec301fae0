#!/usr/bin/env python3
"""Build a TINY RANDOM Gemma 3 text model, write it as a GGUF, and record Hugging Face
`transformers` logits for it: an oracle fixture for the Swift forward pass.

What it makes (Tests/Fixtures/tiny_gemma/)
------------------------------------------
tiny-gemma3.gguf   the model, all tensors F32, written with gguf-py's GGUFWriter the way
                   llama.cpp's converter writes arch "gemma3" (docs/ENGINE.md §3.1/§3.2):
                   same keys, tensor names, shapes (GGUF ne = reversed PyTorch shape) and the
                   converter's +1 on every `*norm.weight` (HF's Gemma3RMSNorm multiplies by
                   1 + γ; the GGUF stores the final multiplier 1 + γ). Tied output (no
                   output.weight). A minimal SentencePiece-style ("llama") tokenizer block
                   (512 made-up pieces) is included only so that a loader that insists on
                   tokenizer keys accepts the file; the tests feed token ids.
expected.json      the ids of 3 fixed sequences (lengths 5, 20, 37; each starts with BOS = 2)
                   and the transformers float32 logits at EVERY position (vocab 512 per row,
                   printed with 9 significant digits = exact float32 round trip), the argmax
                   per position, the hidden states of the 5-token sequence after the
                   embedding and after every layer (debug aid), the config, the derived
                   per-layer parameters, library versions, and the self-check results.

The model (transformers Gemma3ForCausalLM / Gemma3TextConfig, eager attention, CPU, f32)
----------------------------------------------------------------------------------------
vocab 512, hidden d = 48, 7 layers, 4 query heads, 2 kv heads (GQA 2:1), head_dim D = 16
(so H·D = 64 ≠ d: attn_q / attn_output are not square and a transposed weight cannot go
unnoticed; d/H = 12 ≠ D, so the query scale 1/sqrt(D) is distinguishable from 1/sqrt(d/H)),
intermediate F = 128, rms eps 1e-6, sliding_window 8 (local layers see the last 8 positions
including their own), layer types: global iff layer % 6 == 5 (layer 5 only; layers 0-4 and 6
local), rope_theta 1e6 (global) / rope_local_base_freq 1e4 (local), rope_scaling
{"rope_type": "linear", "factor": 8.0} (applied by transformers to global layers only — the
script asserts this from the rotary module's inverse frequencies), query_pre_attn_scalar = 16
(α = 1/4), no soft-capping, gelu_pytorch_tanh, tied embeddings, embedding scale sqrt(48) in f32.
context_length 128 (kept small so a loader that sizes its KV cache from it stays small).

Weights are drawn with numpy (seeded, independent of torch's initialiser): linear weights
N(0, 1/fan_in), embedding N(0, 0.25²), every RMSNorm γ ~ N(0, 0.3²) (HF multiplies by 1 + γ).

Self-check (runs every time, fails loudly):
  1. re-reads the GGUF with gguf.GGUFReader: keys and values, tensor names, types (F32),
     ne, and bit-exact data (norms == float32(1 + γ), others == the HF parameters);
  2. an independent float64 numpy forward written from ENGINE.md §3.4/§3.5 that reads ONLY the
     GGUF (norm weights used as-is) must match transformers' f32 logits to 1e-4;
  3. ablations of that numpy forward (no rope scaling, scaling on every layer, no sliding
     window, +1 applied twice, wrong query scale, GPT-J rope pairing, ...) must each move
     the logits by far more than 1e-4, which proves the fixture actually exercises them.

How to run (from the repository root; ~15 s on 2 cores)
-------------------------------------------------------
    HF_HUB_OFFLINE=1 python3 Tools/make_tiny_gemma.py [--out-dir Tests/Fixtures/tiny_gemma]

Needs: numpy, gguf (0.19.0), torch (CPU build is enough), transformers (written and run
against 5.24.0 with torch 2.13.0+cpu; a fallback for 4.5x's separate local rotary module is
included but untested — the script exits if the installed version's behaviour departs
from the spec). Nothing is downloaded: the model is built
from a config object, HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE are forced to 1.
Install without CUDA downloads, e.g.:
    pip install --index-url https://download.pytorch.org/whl/cpu torch   # or a local +cpu wheel
    pip install transformers gguf numpy
(or `pip install --no-deps torch` plus filelock typing-extensions sympy networkx jinja2
fsspec by hand). The output is deterministic for a given transformers/torch version; logits
may move in the last float32 bits across versions.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import sys
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

from importlib.metadata import version as pkg_version  # noqa: E402

import numpy as np  # noqa: E402
import gguf  # noqa: E402
import torch  # noqa: E402
import transformers  # noqa: E402
from transformers import Gemma3ForCausalLM, Gemma3TextConfig  # noqa: E402

SEED = 20250607

# Model hyper-parameters (see the module docstring).
VOCAB = 512
D_MODEL = 48
N_LAYERS = 7
N_HEAD = 4
N_HEAD_KV = 2
HEAD_DIM = 16
FFN = 128
EPS = 1e-6
SLIDING_WINDOW = 8
ROPE_GLOBAL = 1_000_000.0
ROPE_LOCAL = 10_000.0
ROPE_SCALING_FACTOR = 8.0
QUERY_PRE_ATTN_SCALAR = HEAD_DIM
CONTEXT_LENGTH = 128
PAD_ID, EOS_ID, BOS_ID, UNK_ID = 0, 1, 2, 3

SEQ_LENGTHS = (5, 20, 37)
TOLERANCE = 1e-4


def is_global(layer: int) -> bool:
    return layer % 6 == 5


# --------------------------------------------------------------------------------------
# 1. transformers model
# --------------------------------------------------------------------------------------

def make_config() -> Gemma3TextConfig:
    # Passed the way a real Gemma 3 4B config.json spells it (rope_theta, rope_local_base_freq,
    # rope_scaling); transformers 5.x converts that into rope_parameters per layer type.
    return Gemma3TextConfig(
        vocab_size=VOCAB,
        hidden_size=D_MODEL,
        intermediate_size=FFN,
        num_hidden_layers=N_LAYERS,
        num_attention_heads=N_HEAD,
        num_key_value_heads=N_HEAD_KV,
        head_dim=HEAD_DIM,
        hidden_activation="gelu_pytorch_tanh",
        max_position_embeddings=CONTEXT_LENGTH,
        rms_norm_eps=EPS,
        rope_theta=ROPE_GLOBAL,
        rope_local_base_freq=ROPE_LOCAL,
        rope_scaling={"rope_type": "linear", "factor": ROPE_SCALING_FACTOR},
        query_pre_attn_scalar=QUERY_PRE_ATTN_SCALAR,
        sliding_window=SLIDING_WINDOW,
        final_logit_softcapping=None,
        attn_logit_softcapping=None,
        attention_bias=False,
        tie_word_embeddings=True,
        pad_token_id=PAD_ID,
        eos_token_id=EOS_ID,
        bos_token_id=BOS_ID,
        attn_implementation="eager",
    )


def random_weights(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """HF parameter name -> float32 array in the PyTorch shape. Norms hold γ (HF convention)."""
    def lin(n_out: int, n_in: int) -> np.ndarray:
        return (rng.standard_normal((n_out, n_in)) / math.sqrt(n_in)).astype(np.float32)

    def gamma(n: int) -> np.ndarray:
        return (0.3 * rng.standard_normal(n)).astype(np.float32)

    w: dict[str, np.ndarray] = {}
    w["model.embed_tokens.weight"] = (0.25 * rng.standard_normal((VOCAB, D_MODEL))).astype(np.float32)
    for i in range(N_LAYERS):
        p = f"model.layers.{i}."
        w[p + "input_layernorm.weight"] = gamma(D_MODEL)
        w[p + "self_attn.q_proj.weight"] = lin(N_HEAD * HEAD_DIM, D_MODEL)
        w[p + "self_attn.k_proj.weight"] = lin(N_HEAD_KV * HEAD_DIM, D_MODEL)
        w[p + "self_attn.v_proj.weight"] = lin(N_HEAD_KV * HEAD_DIM, D_MODEL)
        w[p + "self_attn.q_norm.weight"] = gamma(HEAD_DIM)
        w[p + "self_attn.k_norm.weight"] = gamma(HEAD_DIM)
        w[p + "self_attn.o_proj.weight"] = lin(D_MODEL, N_HEAD * HEAD_DIM)
        w[p + "post_attention_layernorm.weight"] = gamma(D_MODEL)
        w[p + "pre_feedforward_layernorm.weight"] = gamma(D_MODEL)
        w[p + "mlp.gate_proj.weight"] = lin(FFN, D_MODEL)
        w[p + "mlp.up_proj.weight"] = lin(FFN, D_MODEL)
        w[p + "mlp.down_proj.weight"] = lin(D_MODEL, FFN)
        w[p + "post_feedforward_layernorm.weight"] = gamma(D_MODEL)
    w["model.norm.weight"] = gamma(D_MODEL)
    return w


def build_model(weights: dict[str, np.ndarray]) -> Gemma3ForCausalLM:
    torch.manual_seed(SEED)
    model = Gemma3ForCausalLM(make_config()).to(torch.float32).eval()
    params = dict(model.named_parameters())  # tied lm_head.weight is deduplicated away
    missing = sorted(set(params) - set(weights))
    extra = sorted(set(weights) - set(params))
    if missing or extra:
        sys.exit(f"parameter names differ from transformers': missing {missing}, unknown {extra}")
    with torch.no_grad():
        for name, value in weights.items():
            if tuple(params[name].shape) != value.shape:
                sys.exit(f"{name}: transformers shape {tuple(params[name].shape)} != {value.shape}")
            params[name].copy_(torch.from_numpy(value))
    if model.lm_head.weight.data_ptr() != model.model.embed_tokens.weight.data_ptr():
        sys.exit("lm_head is not tied to embed_tokens")
    return model


def inspect_hf_rope(model: Gemma3ForCausalLM) -> dict:
    """What the installed transformers actually does with rope_theta / local base / scaling,
    read from the rotary module's inverse frequencies, plus the other per-layer settings."""
    cfg = model.config
    layer_types = list(cfg.layer_types)
    expect_types = ["full_attention" if is_global(i) else "sliding_attention" for i in range(N_LAYERS)]
    if layer_types != expect_types:
        sys.exit(f"transformers layer_types {layer_types} != spec {expect_types}")

    rot = model.model.rotary_emb
    inv = {}
    for lt in ("full_attention", "sliding_attention"):
        if hasattr(rot, f"{lt}_inv_freq"):  # transformers 5.x: one module, per-type buffers
            inv[lt] = getattr(rot, f"{lt}_inv_freq").double().numpy()
    if not inv:  # transformers 4.5x: rotary_emb (global) and rotary_emb_local
        inv["full_attention"] = model.model.rotary_emb.inv_freq.double().numpy()
        inv["sliding_attention"] = model.model.rotary_emb_local.inv_freq.double().numpy()

    j = np.arange(HEAD_DIM // 2, dtype=np.float64)
    want_global = ROPE_GLOBAL ** (-2 * j / HEAD_DIM) / ROPE_SCALING_FACTOR
    want_local = ROPE_LOCAL ** (-2 * j / HEAD_DIM)
    err_g = float(np.max(np.abs(inv["full_attention"] / want_global - 1)))
    err_l = float(np.max(np.abs(inv["sliding_attention"] / want_local - 1)))
    if err_g > 1e-6 or err_l > 1e-6:
        sys.exit(f"transformers rope differs from spec H3: global rel err {err_g}, local {err_l}\n"
                 f"  global inv_freq {inv['full_attention']}\n  local inv_freq {inv['sliding_attention']}")

    attn_scale = {}
    for lt in ("full_attention", "sliding_attention"):
        s = getattr(rot, f"{lt}_attention_scaling", 1.0)
        attn_scale[lt] = float(s)
        if abs(attn_scale[lt] - 1.0) > 0:
            sys.exit(f"transformers rope attention_scaling for {lt} is {s}, spec says 1")

    layers = model.model.layers
    for i, layer in enumerate(layers):
        a = layer.self_attn
        want_sw = None if is_global(i) else SLIDING_WINDOW
        if a.sliding_window != want_sw:
            sys.exit(f"layer {i}: transformers sliding_window {a.sliding_window}, spec {want_sw}")
        if abs(a.scaling - QUERY_PRE_ATTN_SCALAR ** -0.5) > 1e-12:
            sys.exit(f"layer {i}: transformers scaling {a.scaling}")
    embed_scale = float(model.model.embed_tokens.embed_scale.to(torch.float32))
    if embed_scale != float(np.float32(math.sqrt(D_MODEL))):
        sys.exit(f"embed scale {embed_scale} != float32(sqrt({D_MODEL}))")

    return {
        "rope_parameters": json.loads(json.dumps(cfg.rope_parameters, default=str)),
        "global_inv_freq_rel_err_vs_spec": err_g,
        "local_inv_freq_rel_err_vs_spec": err_l,
        "attention_scaling": attn_scale,
        "query_scale": layers[0].self_attn.scaling,
        "embed_scale": embed_scale,
        "sliding_window_per_layer": [l.self_attn.sliding_window for l in layers],
    }


def run_hf(model: Gemma3ForCausalLM, ids: list[int], record_hidden: bool = False):
    hidden: list[np.ndarray] = []
    hooks = []
    if record_hidden:
        def grab(_m, _inp, out):
            t = out[0] if isinstance(out, tuple) else out
            hidden.append(t[0].detach().double().numpy().copy())
        hooks.append(model.model.embed_tokens.register_forward_hook(grab))
        for layer in model.model.layers:
            hooks.append(layer.register_forward_hook(grab))
    try:
        with torch.no_grad():
            out = model(input_ids=torch.tensor([ids], dtype=torch.long), use_cache=False)
    finally:
        for h in hooks:
            h.remove()
    return out.logits[0].detach().numpy().copy(), hidden


# --------------------------------------------------------------------------------------
# 2. GGUF (as llama.cpp's converter writes arch "gemma3")
# --------------------------------------------------------------------------------------

HF_TO_GGUF_BLOCK = {
    "input_layernorm": "attn_norm",
    "self_attn.q_proj": "attn_q",
    "self_attn.k_proj": "attn_k",
    "self_attn.v_proj": "attn_v",
    "self_attn.q_norm": "attn_q_norm",
    "self_attn.k_norm": "attn_k_norm",
    "self_attn.o_proj": "attn_output",
    "post_attention_layernorm": "post_attention_norm",
    "pre_feedforward_layernorm": "ffn_norm",
    "mlp.gate_proj": "ffn_gate",
    "mlp.up_proj": "ffn_up",
    "mlp.down_proj": "ffn_down",
    "post_feedforward_layernorm": "post_ffw_norm",
}


def gguf_name(hf_name: str) -> str:
    if hf_name == "model.embed_tokens.weight":
        return "token_embd.weight"
    if hf_name == "model.norm.weight":
        return "output_norm.weight"
    parts = hf_name.split(".")  # model.layers.{i}.<module...>.weight
    i = int(parts[2])
    return f"blk.{i}.{HF_TO_GGUF_BLOCK['.'.join(parts[3:-1])]}.weight"


def gguf_tensors(weights: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """GGUF name -> float32 array in the PyTorch shape (GGUFWriter records ne reversed).
    Every tensor whose GGUF name ends in `norm.weight` gets +1 (computed in float32)."""
    out = {}
    for hf, value in weights.items():
        name = gguf_name(hf)
        if name.endswith("norm.weight"):
            value = (value.astype(np.float32) + np.float32(1.0)).astype(np.float32)
        out[name] = np.ascontiguousarray(value, dtype=np.float32)
    return out


def token_pieces() -> tuple[list[str], list[float], list[int]]:
    T = gguf.TokenType
    tokens = ["<pad>", "<eos>", "<bos>", "<unk>"]
    types = [T.CONTROL, T.CONTROL, T.CONTROL, T.UNKNOWN]
    for b in range(256):
        tokens.append(f"<0x{b:02X}>")
        types.append(T.BYTE)
    n_words = VOCAB - len(tokens)
    for k in range(n_words):
        tokens.append(f"\u2581w{k}")
        types.append(T.NORMAL)
    scores = [0.0] * 4 + [0.0] * 256 + [-float(k) for k in range(n_words)]
    return tokens, scores, [int(t) for t in types]


def write_gguf(path: Path, tensors: dict[str, np.ndarray]) -> None:
    w = gguf.GGUFWriter(str(path), "gemma3")
    w.add_name("tiny-gemma3-random")
    w.add_file_type(int(gguf.LlamaFileType.ALL_F32))
    w.add_context_length(CONTEXT_LENGTH)
    w.add_embedding_length(D_MODEL)
    w.add_block_count(N_LAYERS)
    w.add_feed_forward_length(FFN)
    w.add_head_count(N_HEAD)
    w.add_head_count_kv(N_HEAD_KV)
    w.add_key_length(HEAD_DIM)
    w.add_value_length(HEAD_DIM)
    w.add_layer_norm_rms_eps(EPS)
    w.add_rope_freq_base(ROPE_GLOBAL)
    w.add_rope_scaling_type(gguf.RopeScalingType.LINEAR)
    w.add_rope_scaling_factor(ROPE_SCALING_FACTOR)
    w.add_sliding_window(SLIDING_WINDOW)
    tokens, scores, types = token_pieces()
    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_bos_token_id(BOS_ID)
    w.add_eos_token_id(EOS_ID)
    w.add_unk_token_id(UNK_ID)
    w.add_pad_token_id(PAD_ID)
    w.add_add_bos_token(True)
    w.add_add_eos_token(False)
    w.add_add_space_prefix(False)
    for name, value in tensors.items():
        w.add_tensor(name, value)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def expected_keys() -> dict:
    a = "gemma3"
    return {
        "general.architecture": a,
        f"{a}.context_length": CONTEXT_LENGTH,
        f"{a}.embedding_length": D_MODEL,
        f"{a}.block_count": N_LAYERS,
        f"{a}.feed_forward_length": FFN,
        f"{a}.attention.head_count": N_HEAD,
        f"{a}.attention.head_count_kv": N_HEAD_KV,
        f"{a}.attention.key_length": HEAD_DIM,
        f"{a}.attention.value_length": HEAD_DIM,
        f"{a}.attention.layer_norm_rms_epsilon": float(np.float32(EPS)),
        f"{a}.rope.freq_base": ROPE_GLOBAL,
        f"{a}.rope.scaling.type": "linear",
        f"{a}.rope.scaling.factor": ROPE_SCALING_FACTOR,
        f"{a}.attention.sliding_window": SLIDING_WINDOW,
        "tokenizer.ggml.model": "llama",
        "tokenizer.ggml.bos_token_id": BOS_ID,
        "tokenizer.ggml.eos_token_id": EOS_ID,
    }


def read_and_verify_gguf(path: Path, tensors: dict[str, np.ndarray]) -> dict:
    r = gguf.GGUFReader(str(path))
    for key, want in expected_keys().items():
        f = r.get_field(key)
        if f is None:
            sys.exit(f"GGUF lacks key {key}")
        got = f.contents()
        if got != want:
            sys.exit(f"GGUF key {key} = {got!r}, want {want!r}")
    for absent in ("gemma3.final_logit_softcapping", "gemma3.attn_logit_softcapping",
                   "gemma3.rope.dimension_count"):
        if r.get_field(absent) is not None:
            sys.exit(f"GGUF unexpectedly has {absent}")
    if len(r.get_field("tokenizer.ggml.tokens").contents()) != VOCAB:
        sys.exit("tokenizer vocabulary size != VOCAB")

    names = [t.name for t in r.tensors]
    if sorted(names) != sorted(tensors) or len(names) != 2 + 13 * N_LAYERS:
        sys.exit(f"GGUF tensor set differs: {sorted(set(names) ^ set(tensors))}")
    H, Hk, D, d, F, V = N_HEAD, N_HEAD_KV, HEAD_DIM, D_MODEL, FFN, VOCAB
    spec_ne = {  # ENGINE.md §3.2
        "attn_norm": [d], "attn_q": [d, H * D], "attn_k": [d, Hk * D], "attn_v": [d, Hk * D],
        "attn_q_norm": [D], "attn_k_norm": [D], "attn_output": [H * D, d],
        "post_attention_norm": [d], "ffn_norm": [d], "ffn_gate": [d, F], "ffn_up": [d, F],
        "ffn_down": [F, d], "post_ffw_norm": [d],
    }
    out = {}
    for t in r.tensors:
        if t.tensor_type != gguf.GGMLQuantizationType.F32:
            sys.exit(f"{t.name}: type {t.tensor_type.name}, want F32")
        if t.name == "token_embd.weight":
            want_ne = [d, V]
        elif t.name == "output_norm.weight":
            want_ne = [d]
        else:
            want_ne = spec_ne[t.name.split(".")[2]]
        ne = [int(x) for x in t.shape]
        if ne != want_ne:
            sys.exit(f"{t.name}: ne {ne}, spec {want_ne}")
        data = np.asarray(t.data).reshape(tuple(reversed(ne)))
        src = tensors[t.name]
        if data.shape != src.shape or data.tobytes() != src.tobytes():
            sys.exit(f"{t.name}: stored data differ from what was written")
        if t.data_offset % 32:
            sys.exit(f"{t.name}: offset {t.data_offset} not 32-aligned")
        out[t.name] = data.astype(np.float64)
    return out


# --------------------------------------------------------------------------------------
# 3. Independent numpy forward from the GGUF (ENGINE.md §3.3-§3.5), float64
# --------------------------------------------------------------------------------------

def numpy_forward(g: dict[str, np.ndarray], ids: list[int], *, ablate: str | None = None,
                  want_hidden: bool = False):
    """Logits [n, V] (and hidden states) from the GGUF tensors only. `ablate` switches one
    rule off/wrong, to show that the fixture is sensitive to it."""
    d, H, Hk, D, L = D_MODEL, N_HEAD, N_HEAD_KV, HEAD_DIM, N_LAYERS
    n = len(ids)
    pos = np.arange(n, dtype=np.float64)
    factor = ROPE_SCALING_FACTOR

    def rms(u, w):  # T2; GGUF weights are final multipliers
        if ablate == "norm_plus_one_twice":
            w = w + 1.0
        return w * u / np.sqrt(np.mean(u * u, axis=-1, keepdims=True) + EPS)

    def rope(u, base, f):  # T6, NEOX pairing (j, j + D/2); u [n, heads, D]
        j = np.arange(D // 2, dtype=np.float64)
        theta = (pos * f)[:, None] * base ** (-2.0 * j / D)[None, :]
        c, s = np.cos(theta)[:, None, :], np.sin(theta)[:, None, :]
        if ablate == "rope_gptj_pairs":
            u0, u1 = u[..., 0::2], u[..., 1::2]
            out = np.empty_like(u)
            out[..., 0::2] = u0 * c - u1 * s
            out[..., 1::2] = u0 * s + u1 * c
            return out
        u0, u1 = u[..., : D // 2], u[..., D // 2:]
        return np.concatenate([u0 * c - u1 * s, u0 * s + u1 * c], axis=-1)

    def gelu(u):  # T14
        return 0.5 * u * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (u + 0.044715 * u ** 3)))

    E = g["token_embd.weight"]
    scale = float(np.float32(math.sqrt(d)))  # T1 (f32 sqrt, as HF f32 and llama.cpp)
    if ablate == "no_embed_scale":
        scale = 1.0
    x = E[np.asarray(ids)] * scale
    hidden = [x.copy()]
    alpha = 1.0 / math.sqrt(D)  # H4 (L != 62)
    if ablate == "query_scale_d_over_H":
        alpha = 1.0 / math.sqrt(d / H)
    qi, kj = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    for l in range(L):
        b = f"blk.{l}."
        glob = is_global(l)
        if ablate == "all_global":
            glob = True
        if glob:
            base, f = ROPE_GLOBAL, 1.0 / factor
            if ablate == "no_rope_scaling":
                f = 1.0
        else:
            base, f = ROPE_LOCAL, 1.0
            if ablate == "rope_scaling_everywhere":
                f = 1.0 / factor
            if ablate == "global_base_everywhere":
                base = ROPE_GLOBAL
        h = rms(x, g[b + "attn_norm.weight"])  # T3
        q = (h @ g[b + "attn_q.weight"].T).reshape(n, H, D)  # T4, G6
        k = (h @ g[b + "attn_k.weight"].T).reshape(n, Hk, D)
        v = (h @ g[b + "attn_v.weight"].T).reshape(n, Hk, D)
        q = rms(q, g[b + "attn_q_norm.weight"])  # T5
        k = rms(k, g[b + "attn_k_norm.weight"])
        q = rope(q, base, f) * alpha  # T6, T7
        k = rope(k, base, f)
        masked = kj > qi  # M1
        if not glob and ablate != "no_sliding_window":
            masked |= (qi - kj) >= SLIDING_WINDOW  # M2
        heads = []
        for hh in range(H):
            gk = hh // (H // Hk)  # T8
            if ablate == "gqa_interleaved":
                gk = hh % Hk
            s = q[:, hh, :] @ k[:, gk, :].T  # T9
            s = np.where(masked, -np.inf, s)
            s = s - s.max(axis=1, keepdims=True)
            p = np.exp(s)
            p /= p.sum(axis=1, keepdims=True)
            heads.append(p @ v[:, gk, :])
        o = np.concatenate(heads, axis=1) @ g[b + "attn_output.weight"].T  # T10
        x = x + rms(o, g[b + "post_attention_norm.weight"])  # T11
        h2 = rms(x, g[b + "ffn_norm.weight"])  # T12
        ff = (gelu(h2 @ g[b + "ffn_gate.weight"].T) * (h2 @ g[b + "ffn_up.weight"].T)) \
            @ g[b + "ffn_down.weight"].T  # T13
        x = x + rms(ff, g[b + "post_ffw_norm.weight"])  # T15
        hidden.append(x.copy())
    z = rms(x, g["output_norm.weight"])  # T16
    logits = z @ E.T  # T17 (tied), no soft-capping (T18)
    return (logits, hidden) if want_hidden else logits


ABLATIONS = [
    "no_rope_scaling", "rope_scaling_everywhere", "global_base_everywhere", "all_global",
    "no_sliding_window", "norm_plus_one_twice", "query_scale_d_over_H", "rope_gptj_pairs",
    "gqa_interleaved", "no_embed_scale",
]


# --------------------------------------------------------------------------------------
# 4. Fixture JSON
# --------------------------------------------------------------------------------------

def f32s(a: np.ndarray) -> list:
    """float32 values as floats that round-trip to the same float32 (9 significant digits)."""
    return [float(f"{float(v):.9g}") for v in np.asarray(a, dtype=np.float32).ravel()]


def dump(obj, indent: int = 0) -> str:
    """JSON with one line per numeric row (readable, diff-friendly, compact)."""
    pad, pad1 = " " * indent, " " * (indent + 1)
    if isinstance(obj, dict):
        if not obj:
            return "{}"
        items = [f"{pad1}{json.dumps(k)}: {dump(v, indent + 1)}" for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list):
        if all(isinstance(v, (int, float, str, bool)) or v is None for v in obj):
            return json.dumps(obj, separators=(",", ":"), allow_nan=False)
        return "[\n" + ",\n".join(pad1 + dump(v, indent + 1) for v in obj) + "\n" + pad + "]"
    return json.dumps(obj, allow_nan=False)


def make_sequences(rng: np.random.Generator) -> list[list[int]]:
    seqs = []
    for n in SEQ_LENGTHS:
        ids = [BOS_ID] + [int(t) for t in rng.integers(4, VOCAB, size=n - 1)]
        seqs.append(ids)
    seqs[1][7] = VOCAB - 1  # exercise the last row of token_embd
    seqs[2][30] = seqs[2][5]  # a repeated token far outside the window
    return seqs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out-dir", default="Tests/Fixtures/tiny_gemma")
    args = ap.parse_args()
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    gguf_path = out_dir / "tiny-gemma3.gguf"
    torch.set_num_threads(min(2, os.cpu_count() or 1))

    rng = np.random.default_rng(SEED)
    weights = random_weights(rng)
    seqs = make_sequences(rng)

    model = build_model(weights)
    hf_info = inspect_hf_rope(model)
    print(f"transformers {transformers.__version__}, torch {torch.__version__}, gguf "
          f"{pkg_version('gguf')}, numpy {np.__version__}")
    print("rope_parameters:", hf_info["rope_parameters"])
    print("sliding_window per layer:", hf_info["sliding_window_per_layer"])

    hf_logits, hf_hidden0 = [], None
    for k, ids in enumerate(seqs):
        lg, hid = run_hf(model, ids, record_hidden=(k == 0))
        hf_logits.append(lg)
        if k == 0:
            hf_hidden0 = hid
    model64 = build_model(weights).to(torch.float64)
    hf64 = [run_hf(model64, ids)[0] for ids in seqs]
    f32_vs_f64 = max(float(np.max(np.abs(a.astype(np.float64) - b))) for a, b in zip(hf_logits, hf64))

    tensors = gguf_tensors(weights)
    write_gguf(gguf_path, tensors)
    g = read_and_verify_gguf(gguf_path, tensors)
    print(f"GGUF re-read OK: {len(g)} tensors, keys and ne as in ENGINE.md §3.1/§3.2, data bit-exact")

    # numpy forward vs transformers
    np_max, np_max64 = 0.0, 0.0
    np_hidden0 = None
    for k, ids in enumerate(seqs):
        lg, hid = numpy_forward(g, ids, want_hidden=True)
        if k == 0:
            np_hidden0 = hid
        np_max = max(np_max, float(np.max(np.abs(lg - hf_logits[k]))))
        np_max64 = max(np_max64, float(np.max(np.abs(lg - hf64[k]))))
    hidden_max = max(float(np.max(np.abs(a - b))) for a, b in zip(np_hidden0, hf_hidden0))
    logit_scale = float(max(np.max(np.abs(x)) for x in hf_logits))
    print(f"numpy f64 forward (from GGUF) vs transformers f32: max |Δlogit| = {np_max:.3g} "
          f"(vs transformers f64: {np_max64:.3g}; transformers f32 vs f64: {f32_vs_f64:.3g}; "
          f"max |logit| {logit_scale:.3g}); hidden states seq0 max |Δ| = {hidden_max:.3g}")
    if not np_max <= TOLERANCE:
        sys.exit(f"SELF-CHECK FAILED: numpy forward differs from transformers by {np_max}")

    ablation = {}
    for name in ABLATIONS:
        dmax = max(float(np.max(np.abs(numpy_forward(g, ids, ablate=name) - hf_logits[k])))
                   for k, ids in enumerate(seqs))
        ablation[name] = dmax
        print(f"  ablation {name:26s} max |Δlogit| = {dmax:.4g}")
        if not dmax > 100 * TOLERANCE:
            sys.exit(f"SELF-CHECK FAILED: fixture is insensitive to {name} ({dmax})")

    argmax = [np.argmax(lg, axis=1).astype(int).tolist() for lg in hf_logits]
    layer_table = []
    for i in range(N_LAYERS):
        glob = is_global(i)
        layer_table.append({
            "layer": i, "type": "global" if glob else "local",
            "rope_base": ROPE_GLOBAL if glob else ROPE_LOCAL,
            "rope_position_scale": 1.0 / ROPE_SCALING_FACTOR if glob else 1.0,
            "sliding_window": None if glob else SLIDING_WINDOW,
        })
    cfg = model.config
    fixture = {
        "description": "Tiny random Gemma 3 text model: transformers float32 eager logits at every "
                       "position for tiny-gemma3.gguf (see Tools/make_tiny_gemma.py).",
        "generator": "Tools/make_tiny_gemma.py",
        "versions": {"transformers": transformers.__version__, "torch": torch.__version__,
                     "gguf": pkg_version("gguf"), "numpy": np.__version__,
                     "python": sys.version.split()[0]},
        "seed": SEED,
        "gguf_file": gguf_path.name,
        "gguf_bytes": gguf_path.stat().st_size,
        "gguf_sha256": hashlib.sha256(gguf_path.read_bytes()).hexdigest(),
        "config": {
            "vocab_size": VOCAB, "hidden_size": D_MODEL, "intermediate_size": FFN,
            "num_hidden_layers": N_LAYERS, "num_attention_heads": N_HEAD,
            "num_key_value_heads": N_HEAD_KV, "head_dim": HEAD_DIM, "rms_norm_eps": EPS,
            "sliding_window": SLIDING_WINDOW, "rope_theta_global": ROPE_GLOBAL,
            "rope_local_base_freq": ROPE_LOCAL,
            "rope_scaling": {"rope_type": "linear", "factor": ROPE_SCALING_FACTOR},
            "query_pre_attn_scalar": QUERY_PRE_ATTN_SCALAR,
            "query_scale": 1.0 / math.sqrt(QUERY_PRE_ATTN_SCALAR),
            "embed_scale_f32": hf_info["embed_scale"],
            "final_logit_softcapping": cfg.final_logit_softcapping,
            "attn_logit_softcapping": cfg.attn_logit_softcapping,
            "hidden_activation": cfg.hidden_activation, "tie_word_embeddings": True,
            "max_position_embeddings": CONTEXT_LENGTH, "attn_implementation": "eager",
            "dtype": "float32", "bos_token_id": BOS_ID, "eos_token_id": EOS_ID,
            "pad_token_id": PAD_ID, "layer_types": list(cfg.layer_types),
            "transformers_rope_parameters": hf_info["rope_parameters"],
        },
        "layers": layer_table,
        "self_check": {
            "numpy_f64_from_gguf_vs_transformers_f32_max_abs": np_max,
            "numpy_f64_from_gguf_vs_transformers_f64_max_abs": np_max64,
            "transformers_f32_vs_f64_max_abs": f32_vs_f64,
            "hidden_states_seq0_numpy_vs_transformers_max_abs": hidden_max,
            "max_abs_logit": logit_scale,
            "ablations_max_abs_logit_change": ablation,
        },
        "suggested_tolerance_f32": 1e-3,
        "sequences": [
            {"ids": ids, "argmax": argmax[k],
             "logits": [f32s(row) for row in hf_logits[k]]}
            for k, ids in enumerate(seqs)
        ],
        "hidden_states_seq0": {
            "note": "transformers f32 residual stream of sequences[0]: index 0 = scaled embedding "
                    "(E[t]*sqrt(d)), index l+1 = after layer l (before output_norm); [position][d]",
            "states": [[f32s(row) for row in h] for h in hf_hidden0],
        },
    }
    (out_dir / "expected.json").write_text(dump(fixture) + "\n")
    print(f"wrote {gguf_path} ({gguf_path.stat().st_size} bytes) and "
          f"{out_dir / 'expected.json'} ({(out_dir / 'expected.json').stat().st_size} bytes)")


if __name__ == "__main__":
    main()
