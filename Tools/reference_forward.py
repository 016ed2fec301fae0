#!/usr/bin/env python3
"""Independent float64 numpy forward pass of Gemma 3 (text), written from docs/ENGINE.md §3.

What it makes
-------------
Tests/Fixtures/logits/reference_f64.json: for each selected prompt (ids taken from
Tests/Fixtures/logits/llamacpp.json, so both oracles see exactly the same tokens) the
last-position top-64 [id, logit] pairs, a few summary numbers of the full logit vector
(max, mean, std, logsumexp, l2 norm of the final hidden state before output_norm), a short
greedy continuation for the short prompts, and the comparison with llama.cpp's top-20 from
llamacpp.json (max |Δlogit| over llama.cpp's top-20 ids, per llama.cpp setting).

It also runs the §11 sanity check ("The capital of France is" → " the" 19.09, " a" 18.55,
" Paris" 18.27, " one" 18.11, " known" 17.78) and fails if it is off by more than 0.02.

Model maths (spec §3.4, eq. numbers in brackets), all in float64:
  [T1] x = E[t] * sqrt(d)              (sqrt in f64; llama.cpp's f32 value differs by 3e-7)
  [T2] RMSNorm(u; w) = w * u / sqrt(mean(u^2) + eps), GGUF norm weights used as-is (no +1)
  per layer: [T3] pre-attn norm, [T4] q/k/v projections, [T5] per-head q/k RMSNorm,
  [T6] NEOX RoPE (pairs j, j+D/2) with base 10000 / scale 1 on local layers (i % 6 != 5) and
       base rope.freq_base, scale 1/rope.scaling.factor on global layers,
  [T7] q *= 1/sqrt(D) (1/sqrt(d/H) if L == 62), [T8] GQA with kv head h // (H/Hk),
  [T9] softmax with causal mask + sliding window (masked if p_i - p_j >= n_swa) on local
       layers, [T10] W_o, [T11] post-attention norm + residual, [T12] pre-FFN norm,
  [T13/T14] GeGLU with tanh-GELU on the gate, [T15] post-FFN norm + residual,
  [T16] output_norm, [T17] tied output (token_embd) unless output.weight exists,
  [T18] final soft-capping only if the file carries gemma3.final_logit_softcapping.
Weights are dequantized with gguf.quants.dequantize (float32 values, which are exact for
these block formats) and cast to float64; one layer is dequantized at a time and the 262144 x
640 output matrix is processed in row chunks, so peak memory stays around 1 GB.

How to run (from the repository root; needs llamacpp.json first)
----------------------------------------------------------------
    python3 Tools/make_logit_fixtures.py          # writes llamacpp.json (prompt ids)
    python3 Tools/reference_forward.py [--model PATH] [--prompts a,b,...] [--greedy N]

Default prompts: all prompts in llamacpp.json; 5-7 minutes on 2 shared cores (the greedy
continuations recompute the whole sequence per step; the 877-token prompt runs twice, once
as the no-SWA ablation). Start-up (GGUFReader parsing the vocabulary) takes ~25 s.

Expected agreement: a float32 engine without activation quantization should match this file
to ~1e-2 on logits (spec §11's f32 numbers agree to 0.004). llama.cpp (llamacpp.json)
differs by 0.2..1.0 on this model because of its Q8 activation quantization and F16 KV
cache; see vs_llamacpp.
Needs numpy and gguf (gguf-py 0.19.0). Uses 2 BLAS threads unless OPENBLAS_NUM_THREADS /
OMP_NUM_THREADS are already set.
"""

import os

for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "2")

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import gguf  # noqa: E402
from gguf.quants import dequantize  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_MODEL = os.path.expanduser("~/.cache/medgemma/models/gemma-3-270m-q4_k_m.gguf")
FIXDIR = os.path.join(HERE, "..", "Tests", "Fixtures", "logits")
DEFAULT_LLAMA = os.path.join(FIXDIR, "llamacpp.json")
DEFAULT_OUT = os.path.join(FIXDIR, "reference_f64.json")

TOPK_WIDE = 64
GREEDY_PROMPTS = ("capital_france", "counting")

# spec §11
SPEC_FRANCE_TOP5 = [(506, 19.09), (496, 18.55), (9079, 18.27), (886, 18.11), (3224, 17.78)]
SPEC_TOL = 0.02  # the spec's values are f32 numpy rounded to 2 decimals


def r6(x):
    return float(f"{float(x):.7g}")


class Model:
    def __init__(self, path):
        self.r = gguf.GGUFReader(path)
        self.t = {t.name: t for t in self.r.tensors}
        arch = self.field("general.architecture")
        if arch != "gemma3":
            raise SystemExit(f"not a gemma3 file: {arch}")
        p = "gemma3."
        self.d = int(self.field(p + "embedding_length"))
        self.L = int(self.field(p + "block_count"))
        self.H = int(self.field(p + "attention.head_count"))
        self.Hk = int(self.field(p + "attention.head_count_kv", self.H))
        self.D = int(self.field(p + "attention.key_length", self.d // self.H))
        self.Dv = int(self.field(p + "attention.value_length", self.D))
        self.eps = float(self.field(p + "attention.layer_norm_rms_epsilon"))
        self.base_global = float(self.field(p + "rope.freq_base", 10000.0))
        factor = float(self.field(p + "rope.scaling.factor", 0.0) or 0.0)
        self.scale_global = 1.0 / factor if factor > 0 else 1.0  # linear scaling, H3
        self.n_swa = int(self.field(p + "attention.sliding_window", 0))
        self.n_rot = int(self.field(p + "rope.dimension_count", self.D))
        self.softcap = float(self.field(p + "final_logit_softcapping", 0.0) or 0.0)
        self.alpha = 1.0 / math.sqrt(self.d / self.H) if self.L == 62 else 1.0 / math.sqrt(self.D)
        self.out_name = "output.weight" if "output.weight" in self.t else "token_embd.weight"
        self.n_vocab = int(self.t["token_embd.weight"].shape[1])
        assert self.n_rot == self.D, "partial rotary not handled (not used by Gemma 3)"
        assert self.H % self.Hk == 0

    def field(self, key, default=None):
        f = self.r.fields.get(key)
        if f is None:
            return default
        v = f.contents()
        return v

    def is_global(self, i):  # H2
        return i % 6 == 5

    def w(self, name):
        """Dequantized weight as float64; 2-D weights come out as [n_out][n_in] (G6)."""
        t = self.t[name]
        a = dequantize(t.data, t.tensor_type)
        return np.asarray(a, dtype=np.float64)

    def embed_rows(self, ids):
        t = self.t["token_embd.weight"]
        rows = np.asarray(t.data)[np.asarray(ids)]
        return np.asarray(dequantize(rows, t.tensor_type), dtype=np.float64)

    def output_logits(self, z, chunk=16384):
        t = self.t[self.out_name]
        data = np.asarray(t.data)
        out = np.empty(data.shape[0], dtype=np.float64)
        for s in range(0, data.shape[0], chunk):
            e = min(s + chunk, data.shape[0])
            W = np.asarray(dequantize(data[s:e], t.tensor_type), dtype=np.float64)
            out[s:e] = W @ z
        return out


def rmsnorm(u, w, eps):  # T2, over the last axis
    return w * (u / np.sqrt(np.mean(u * u, axis=-1, keepdims=True) + eps))


def gelu_tanh(u):  # T14
    return 0.5 * u * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (u + 0.044715 * u ** 3)))


def rope_neox(u, pos, base, scale):
    """T6. u: [T, heads, D]; pairs (j, j + D/2)."""
    D = u.shape[-1]
    half = D // 2
    j = np.arange(half, dtype=np.float64)
    inv = base ** (-2.0 * j / D)
    theta = (pos.astype(np.float64) * scale)[:, None] * inv[None, :]  # [T, half]
    c = np.cos(theta)[:, None, :]
    s = np.sin(theta)[:, None, :]
    u0, u1 = u[..., :half], u[..., half:]
    return np.concatenate([u0 * c - u1 * s, u0 * s + u1 * c], axis=-1)


def forward(m, ids, use_swa=True):
    """Returns (last-position logits, final hidden state before output_norm).

    use_swa=False is an ablation only (local layers then attend to the whole prefix)."""
    T = len(ids)
    pos = np.arange(T)
    x = m.embed_rows(ids) * math.sqrt(m.d)  # T1
    dpos = pos[:, None] - pos[None, :]  # p_i - p_j
    causal = dpos < 0  # M1
    swa = causal | (dpos >= m.n_swa) if (m.n_swa > 0 and use_swa) else causal  # M2
    group = m.H // m.Hk
    for i in range(m.L):
        b = f"blk.{i}."
        glob = m.is_global(i)
        base, scale = (m.base_global, m.scale_global) if glob else (10000.0, 1.0)  # H3
        mask = causal if glob else swa
        h = rmsnorm(x, m.w(b + "attn_norm.weight"), m.eps)  # T3
        q = (h @ m.w(b + "attn_q.weight").T).reshape(T, m.H, m.D)  # T4
        k = (h @ m.w(b + "attn_k.weight").T).reshape(T, m.Hk, m.D)
        v = (h @ m.w(b + "attn_v.weight").T).reshape(T, m.Hk, m.Dv)
        q = rmsnorm(q, m.w(b + "attn_q_norm.weight"), m.eps)  # T5
        k = rmsnorm(k, m.w(b + "attn_k_norm.weight"), m.eps)
        q = rope_neox(q, pos, base, scale)  # T6
        k = rope_neox(k, pos, base, scale)
        q = q * m.alpha  # T7
        att = np.empty((T, m.H, m.Dv))
        for hh in range(m.H):
            g = hh // group  # T8
            s = q[:, hh, :] @ k[:, g, :].T  # [T, T]  T9
            s = np.where(mask, -np.inf, s)
            s = s - s.max(axis=1, keepdims=True)
            p = np.exp(s)
            p /= p.sum(axis=1, keepdims=True)
            att[:, hh, :] = p @ v[:, g, :]
        o = att.reshape(T, m.H * m.Dv) @ m.w(b + "attn_output.weight").T  # T10
        x = x + rmsnorm(o, m.w(b + "post_attention_norm.weight"), m.eps)  # T11
        h2 = rmsnorm(x, m.w(b + "ffn_norm.weight"), m.eps)  # T12
        gate = h2 @ m.w(b + "ffn_gate.weight").T
        up = h2 @ m.w(b + "ffn_up.weight").T
        f = (gelu_tanh(gate) * up) @ m.w(b + "ffn_down.weight").T  # T13
        x = x + rmsnorm(f, m.w(b + "post_ffw_norm.weight"), m.eps)  # T15
    xl = x[-1]
    z = rmsnorm(xl, m.w("output_norm.weight"), m.eps)  # T16
    logits = m.output_logits(z)  # T17
    if m.softcap > 0:  # T18
        logits = m.softcap * np.tanh(logits / m.softcap)
    return logits, xl


def topk(logits, k):
    idx = np.argpartition(-logits, k)[:k]
    idx = idx[np.argsort(-logits[idx], kind="stable")]
    return [[int(i), r6(logits[i])] for i in idx]


def summary(logits, xl):
    mx = float(logits.max())
    lse = mx + math.log(float(np.exp(logits - mx).sum()))
    return {"argmax": int(np.argmax(logits)), "max": r6(mx), "mean": r6(logits.mean()),
            "std": r6(logits.std()), "logsumexp": r6(lse),
            "hidden_l2_before_output_norm": r6(np.linalg.norm(xl))}


def compare_llama(logits, prompt):
    out = {}
    for sname, rec in prompt["settings"].items():
        ids = [i for i, _ in rec["top20"]]
        ll = np.array([v for _, v in rec["top20"]])
        diff = np.abs(logits[ids] - ll)
        ref20 = set(int(i) for i in np.argsort(-logits)[:20])
        out[sname] = {"max_abs_diff_top20": r6(diff.max()),
                      "mean_abs_diff_top20": r6(diff.mean()),
                      "top1_agrees": bool(int(np.argmax(logits)) == ids[0]),
                      "top20_overlap": len(ref20 & set(ids))}
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--llama", default=DEFAULT_LLAMA)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--prompts", default="", help="comma-separated prompt names (default: all)")
    ap.add_argument("--greedy", type=int, default=12,
                    help="greedy tokens for the short prompts %s (0 = none)" % (GREEDY_PROMPTS,))
    args = ap.parse_args()

    with open(args.llama, encoding="utf-8") as f:
        llama = json.load(f)
    prompts = llama["prompts"]
    if args.prompts:
        want = args.prompts.split(",")
        prompts = [p for p in prompts if p["name"] in want]
        missing = set(want) - {p["name"] for p in prompts}
        if missing:
            sys.exit(f"unknown prompts: {sorted(missing)}")

    m = Model(args.model)
    print(f"d={m.d} L={m.L} H={m.H} Hk={m.Hk} D={m.D} eps={m.eps:g} n_swa={m.n_swa} "
          f"base_global={m.base_global:g} scale_global={m.scale_global:g} alpha={m.alpha:g} "
          f"softcap={m.softcap:g} output={m.out_name}", flush=True)

    t0 = time.time()
    results = []
    sanity = None
    for p in prompts:
        ids = p["ids"]
        logits, xl = forward(m, ids)
        rec = {"name": p["name"], "ids": ids, "n_tokens": len(ids),
               "top64": topk(logits, TOPK_WIDE), "summary": summary(logits, xl),
               "vs_llamacpp": compare_llama(logits, p)}
        if p["name"] == "capital_france":
            got = {i: float(logits[i]) for i, _ in SPEC_FRANCE_TOP5}
            order = [int(i) for i in np.argsort(-logits)[:5]]
            maxdev = max(abs(got[i] - v) for i, v in SPEC_FRANCE_TOP5)
            sanity = {"spec_top5": [[i, v] for i, v in SPEC_FRANCE_TOP5],
                      "ref_top5": [[i, r6(logits[i])] for i in order],
                      "order_matches": order == [i for i, _ in SPEC_FRANCE_TOP5],
                      "max_abs_dev": r6(maxdev), "tolerance": SPEC_TOL,
                      "pass": bool(order == [i for i, _ in SPEC_FRANCE_TOP5]
                                   and maxdev <= SPEC_TOL)}
            print("§11 sanity:", sanity, flush=True)
        if m.n_swa > 0 and len(ids) > m.n_swa:
            # Ablation: the same prompt without the sliding window, to show that this
            # fixture actually discriminates a missing/wrong SWA mask (pitfall 5).
            nl, _ = forward(m, ids, use_swa=False)
            top20 = [i for i, _ in rec["top64"][:20]]
            rec["ablation_no_swa"] = {
                "argmax": int(np.argmax(nl)),
                "top5": topk(nl, 5),
                "max_abs_diff_top20": r6(np.max(np.abs(nl[top20] - logits[top20])))}
            print(f"  no-SWA ablation: {rec['ablation_no_swa']}", flush=True)
        if args.greedy > 0 and p["name"] in GREEDY_PROMPTS:
            seq, gen, margins = list(ids), [], []
            lg = logits
            for s in range(args.greedy):
                two = np.argsort(-lg)[:2]
                gen.append(int(two[0]))
                margins.append(r6(lg[two[0]] - lg[two[1]]))
                seq.append(int(two[0]))
                if s + 1 < args.greedy:
                    lg, _ = forward(m, seq)
            rec["greedy"] = {"ids": gen, "margin": margins}
        results.append(rec)
        cmp = " ".join(f"{s}:{v['max_abs_diff_top20']:.4f}" for s, v in rec["vs_llamacpp"].items())
        print(f"[{time.time() - t0:6.1f}s] {p['name']:24s} n={len(ids):4d} "
              f"top1={rec['top64'][0]} max|ref-llama| over llama top20: {cmp}", flush=True)

    doc = {
        "description": "float64 numpy reference forward pass (Tools/reference_forward.py) of "
                       "gemma-3-270m Q4_K_M, written from docs/ENGINE.md §3; prompt ids from "
                       "llamacpp.json",
        "model": os.path.basename(args.model),
        "precision": "float64 everywhere; weights = gguf.quants.dequantize values; "
                     "embedding scale sqrt(d) in f64; no activation quantization",
        "hparams": {"d": m.d, "L": m.L, "H": m.H, "Hk": m.Hk, "D": m.D, "eps": m.eps,
                    "n_swa": m.n_swa, "rope_base_local": 10000.0,
                    "rope_base_global": m.base_global, "rope_scale_global": m.scale_global,
                    "alpha": m.alpha, "global_layers": [i for i in range(m.L) if m.is_global(i)],
                    "final_logit_softcapping": m.softcap or None, "output": m.out_name},
        "notes": [
            "top64: [id, logit] pairs, best first, last prompt position",
            "summary: argmax, max, mean, std, logsumexp of all 262144 last-position logits; "
            "l2 norm of the last residual-stream vector before output_norm",
            "vs_llamacpp.<setting>: |ref - llama.cpp| over llama.cpp's top-20 ids of that "
            "setting (see llamacpp.json); top20_overlap = size of the intersection of the two "
            "top-20 id sets",
            "ablation_no_swa (prompts longer than n_swa): the same forward pass with the "
            "sliding-window mask removed; max_abs_diff_top20 is over the reference's top-20 ids",
            "greedy (short prompts only): argmax continuation recomputed from scratch each "
            "step; margin = logit[top1]-logit[top2]",
        ],
        "sanity_spec_11": sanity,
        "prompts": results,
    }
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {args.out} ({os.path.getsize(args.out)} bytes) in {time.time() - t0:.1f}s")
    if sanity is not None and not sanity["pass"]:
        sys.exit("§11 sanity check FAILED")


if __name__ == "__main__":
    main()
