#!/usr/bin/env python3
"""Write the LoRA adapter oracle fixtures (issue 17): Tests/Fixtures/lora/.

Two parts, `--part tiny`, `--part 270m` or `--part all` (default).

Part "tiny": the tiny Gemma 3 of Tools/make_tiny_gemma.py + a PEFT LoRA, transformers oracle
--------------------------------------------------------------------------------------------
The base model is rebuilt in memory with make_tiny_gemma.py's own code (random_weights,
make_sequences, build_model; same seed), so it IS Tests/Fixtures/tiny_gemma/tiny-gemma3.gguf:
the script checks that the GGUF's tensors equal the rebuilt weights bit for bit (norms + 1)
and that the rebuilt model's logits equal tiny_gemma/expected.json (to 2e-6; they are not
bit-identical run to run).

tiny-peft/                 adapter_config.json + adapter_model.safetensors, written by PEFT's
                           own save_pretrained (safetensors, F32):
                           LoraConfig(r=4, lora_alpha=8, lora_dropout=0, target_modules=
                           q_proj k_proj v_proj o_proj gate_proj up_proj down_proj) on every one of
                           the 7 layers. PEFT initialises B to zero (the adapter would do nothing),
                           so after get_peft_model every lora_A / lora_B is overwritten with seeded
                           numpy values: A ~ N(0, 1/in) shape (r, in), B ~ N(0, 0.05²) shape
                           (out, r). PEFT scale = lora_alpha / r = 2.
tiny-peft-rslora/          the SAME A and B, with use_rslora=True: PEFT scale = lora_alpha /
                           sqrt(r) = 4. (Same numbers, different scale: a loader that ignores
                           use_rslora gets tiny-peft's logits instead.)
tiny-lora.gguf             tiny-peft converted by llama.cpp's OWN converter
                           (vendor/llama.cpp/convert_lora_to_gguf.py of llama-cpp-python 0.3.36,
                           run as `convert_lora_to_gguf.py --base TMP --outtype f32 --outfile
                           tiny-lora.gguf tiny-peft`, TMP = the tiny HF config saved to a temp
                           dir), i.e. an independent conversion, not written by this script.
tiny-expected.json         the 3 sequences of tiny_gemma/expected.json (ids) and, for both
                           variants, the PeftModel float32 logits at every position (9
                           significant digits = exact float32), the argmax, the safetensors
                           tensor names/shapes, the GGUF tensor names/ne, the scale, the
                           self-check results and library versions. If llama-cpp-python is found
                           (~/.cache/medgemma/server-venv), also how far llama.cpp's own logits
                           for tiny-gemma3.gguf + tiny-lora.gguf (llama_cpp.Llama(lora_path=...))
                           are from these (self_check.llama_cpp; the logits themselves are not
                           stored).

Self-checks (fail loudly):
  1. rebuilt base == tiny-gemma3.gguf (bit-exact tensors) and == tiny_gemma/expected.json logits;
  2. the converted tiny-lora.gguf: keys general.type = "adapter", adapter.type = "lora",
     adapter.lora.alpha = 8.0 (FLOAT32), general.architecture = "gemma3"; 2 tensors per
     adapted projection, F32, lora_a ne = [in, r], lora_b ne = [r, out], data == PEFT's A and B;
  3. make_tiny_gemma.numpy_forward (float64, reads only GGUF tensors) on W + (alpha/r)·B·A built
     from tiny-gemma3.gguf + tiny-lora.gguf reproduces the PeftModel logits to 1e-4 (and
     W + (alpha/sqrt r)·B·A reproduces the rslora variant);
  4. ablations of that numpy forward move the logits by far more than 1e-4 (so the fixture
     catches them): no adapter, the rslora scale alpha/sqrt(r) on the plain adapter, half the
     scale, the adapter on the attention projections only, on the FFN only, and without q/k;
  5. PeftModel.from_pretrained(base, folder) reproduces the in-memory PeftModel's logits exactly
     (what is saved is what was measured), and the safetensors data == the seeded A/B;
  6. optional, as a second opinion: llama.cpp itself (llama-cpp-python in another interpreter)
     on tiny-gemma3.gguf + tiny-lora.gguf at scale 1 and 0.5, and without the adapter; these
     differ from the f32/f64 references by ~7e-3 (llama.cpp keeps the K/V cache in F16 with
     flash attention on CPU; the base model alone shows the same 6.5e-3), well below the
     adapter's effect (~4.4).

Part "270m": a random rank-8 adapter for the real gemma-3-270m (Q4_K_M), llama.cpp oracle
------------------------------------------------------------------------------------------
gemma-3-270m-rank8-f16.gguf  a llama.cpp GGUF LoRA written here with gguf-py (GGUFWriter, arch
                             "gemma3"): general.type "adapter", adapter.type "lora",
                             adapter.lora.alpha 16.0 (FLOAT32), r = 8, on attn_q attn_k attn_v
                             attn_output ffn_gate ffn_up ffn_down of all 18 layers, F16.
                             A ~ N(0, 1/in), B ~ N(0, B_STD²) (numpy, seed LORA_270M_SEED),
                             rounded to F16 once; the F16 values are THE adapter (both forms).
gemma-3-270m-rank8-peft/     the SAME adapter as a PEFT folder: adapter_config.json (from
                             peft.LoraConfig(...).save_pretrained, r 8, alpha 16, base
                             google/gemma-3-270m) + adapter_model.safetensors with the Hugging
                             Face names base_model.model.model.layers.N.self_attn.q_proj.lora_A.weight
                             (A: (r, in)), ...lora_B.weight (B: (out, r)), F16, bit-identical to
                             the GGUF's data. Row order: llama.cpp's Gemma 3 converter
                             (conversion/gemma.py, class Gemma3Model) does NOT permute q/k rows (it
                             only adds 1 to norm weights and trims token_embd; LLaMA's permute
                             lives in conversion/llama.py only), so Hugging Face row order ==
                             GGUF row order and B is stored unchanged in both. The self-check
                             runs llama.cpp's convert_lora_to_gguf.py on this folder (base = a
                             config.json for the 270M written from Gemma3TextConfig) and demands
                             bit-identical tensors to gemma-3-270m-rank8-f16.gguf, and
                             peft.PeftModel.from_pretrained loads it onto a 270M-shaped
                             Gemma3ForCausalLM (vocab cut to 16) with every value as written.
gemma-3-270m-rank8.json      llama-perplexity on Tests/Fixtures/perplexity/corpus.txt at -c 128
                             -b 128 -t 2 (runs[0] of perplexity/llamacpp.json, all 10 chunks) for
                             (a) no adapter, (b) --lora ADAPTER, (c) --lora-scaled ADAPTER:0.5
                             (this llama.cpp spells it FNAME:SCALE, one argument, not two):
                             final PPL, +/-, running per-chunk values, running mean NLL
                             (--ppl-output-type 1), per-chunk PPL, the exact commands; and, when
                             llama-cpp-python is available, llama.cpp's next-token top-20 logits
                             for one short prompt without / with the adapter / at scale 0.5.

B_STD = 0.01 was chosen by trying 0.005 / 0.01 / 0.02 / 0.04 (`--try-b-std 0.005 0.01 0.02 0.04`;
the JSON's b_std_trials): base PPL 22.442 at ctx 128 becomes 23.57 / 27.71 / 57.06 / 1126 — 0.01
raises it by ~23 % (noticeable, not destructive), the 0.5 scale by a few percent. With A ~ N(0, 1/in)
and x of unit RMS, each A·x component is ~N(0, 1), so B·A·x has RMS ~ B_STD·sqrt(r) = 0.028 per
output, times scale 2.

The base run of this JSON is 22.442 while perplexity/llamacpp.json says 22.507 for the same
command, llama.cpp commit (0c1e570) and model file: llama.cpp's CPU kernels (and so its numbers)
depend on the machine's CPU (this one: "AMD EPYC", AVX-512; the JSON records /proc/cpuinfo's
model name). 22.442 came out identically in two separate runs here. Compare the adapter runs with the base
run IN THIS FILE; the script stops if the two bases differ by more than 1 %.

How llama.cpp applies an adapter (src/llama-graph.cpp build_lora_mm, src/llama-adapter.h):
    y = W·x + scale · B·(A·x),   scale = user_scale · alpha / r   (alpha == 0: scale = user_scale)
    r = lora_b.ne[0]; alpha = adapter.lora.alpha read as FLOAT32 (absent -> 0);
    --lora FILE: user_scale 1; --lora-scaled FILE:S: user_scale S.
    Shape check (llama-adapter.cpp): W.ne[0] == a.ne[0] (in), W.ne[1] == b.ne[1] (out),
    a.ne[1] == b.ne[0] (r). In numpy terms A is (r, in), B is (out, r), exactly PEFT's layout.
convert_lora_to_gguf.py ignores use_rslora (it writes lora_alpha as is), so converting an rslora
PEFT adapter gives llama.cpp the scale alpha/r instead of alpha/sqrt(r); a PEFT-folder loader
must apply alpha/sqrt(r) when adapter_config.json says "use_rslora": true. The tiny JSON records
what the converter did with tiny-peft-rslora.

How to run (from the repository root; tiny ~35 s, 270m ~3 min on 2 idle cores: 6 llama-perplexity
runs and the converter; add ~25 s per --try-b-std value)
-----------------------------------------------------------------------------------------------
    HF_HUB_OFFLINE=1 /tmp/vvenv/bin/python Tools/make_lora_fixtures.py [--part tiny|270m|all]

Needs numpy, torch (CPU), transformers, gguf (0.19.0), safetensors, peft (written against
peft 0.21.2, transformers 5.24.0, torch 2.13.0+cpu); llama.cpp's source tree (for
convert_lora_to_gguf.py; default the one vendored in llama-cpp-python 0.3.36 under
~/.cache/medgemma/llama.cpp/) and llama-perplexity (Tools/build-llama-cpp.sh); the model
(Tools/fetch-model.sh). Optional: a Python with llama_cpp (default
~/.cache/medgemma/server-venv/bin/python) for the llama.cpp logits. Nothing is downloaded.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from importlib.metadata import version as pkg_version  # noqa: E402

import numpy as np  # noqa: E402
import gguf  # noqa: E402
import torch  # noqa: E402
import transformers  # noqa: E402

import make_tiny_gemma as mtg  # noqa: E402

CACHE = Path(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache"))) / "medgemma"
LLAMA_CPP = Path(os.environ.get("MEDGEMMA_LLAMA_CPP", CACHE / "llama.cpp"))
DEFAULT_SRC = LLAMA_CPP / "llama_cpp_python-0.3.36" / "vendor" / "llama.cpp"
DEFAULT_PERPLEXITY = LLAMA_CPP / "bin" / "llama-perplexity"
DEFAULT_MODEL = CACHE / "models" / "gemma-3-270m-q4_k_m.gguf"
DEFAULT_LCP_PYTHON = CACHE / "server-venv" / "bin" / "python"
OUT_DIR = REPO / "Tests" / "Fixtures" / "lora"

TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
HF_MODULE = {"q_proj": "self_attn.q_proj", "k_proj": "self_attn.k_proj", "v_proj": "self_attn.v_proj",
             "o_proj": "self_attn.o_proj", "gate_proj": "mlp.gate_proj", "up_proj": "mlp.up_proj",
             "down_proj": "mlp.down_proj"}
GGUF_NAME = {"q_proj": "attn_q", "k_proj": "attn_k", "v_proj": "attn_v", "o_proj": "attn_output",
             "gate_proj": "ffn_gate", "up_proj": "ffn_up", "down_proj": "ffn_down"}

# tiny part
TINY_R, TINY_ALPHA, TINY_B_STD = 4, 8, 0.05
TINY_LORA_SEED = 20261204
TOLERANCE = 1e-4

# 270m part
R270, ALPHA270 = 8, 16
B_STD_270 = 0.01
# What `--try-b-std 0.005 0.01 0.02 0.04` measured when the fixture was made (llama-perplexity -c 128
# -b 128 -t 2 --lora on perplexity/corpus.txt; base 22.442 on that machine). Copied into the JSON
# when the trials are not re-run.
B_STD_TRIALS = [
    {"b_std": 0.005, "ppl": 23.5669, "ppl_err": 2.86293},
    {"b_std": 0.01, "ppl": 27.7107, "ppl_err": 3.41537},
    {"b_std": 0.02, "ppl": 57.057, "ppl_err": 7.6207},
    {"b_std": 0.04, "ppl": 1126.0111, "ppl_err": 187.4654},
]
LORA_270M_SEED = 20261205
N_LAYER_270, D_270, HEADS_270, KV_270, HEAD_DIM_270, FFN_270 = 18, 640, 4, 1, 256, 2048
PPL_CTX, PPL_BATCH, PPL_THREADS = 128, 128, 2
PROMPT = "The patient presented with fever and a productive cough"


def versions() -> dict:
    out = {}
    for p in ("transformers", "torch", "peft", "gguf", "safetensors", "numpy"):
        try:
            out[p] = pkg_version(p)
        except Exception:
            out[p] = None
    out["torch"] = torch.__version__
    out["python"] = sys.version.split()[0]
    return out


def sha256(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def dump(obj, indent: int = 0) -> str:
    return mtg.dump(obj, indent)


# ======================================================================================
# part "tiny"
# ======================================================================================

def normalise_adapter_config(d: Path) -> dict:
    """PEFT writes target_modules from a Python set, so their order changes from run to run
    (string hashing is randomised per process). Rewrite the file the way PEFT writes it
    (indent 2, sorted keys, no trailing newline) with target_modules sorted: reproducible
    bytes, same meaning. Also make the folder's files world-readable (PEFT writes 0600)."""
    p = d / "adapter_config.json"
    cfg = json.loads(p.read_text())
    cfg["target_modules"] = sorted(cfg["target_modules"])
    p.write_text(json.dumps(cfg, indent=2, sort_keys=True))
    for f in d.iterdir():
        f.chmod(0o644)
    return cfg


def lora_config(use_rslora: bool, r=TINY_R, alpha=TINY_ALPHA, base=None):
    import peft
    return peft.LoraConfig(r=r, lora_alpha=alpha, target_modules=list(TARGETS), lora_dropout=0.0,
                           use_rslora=use_rslora, task_type="CAUSAL_LM", base_model_name_or_path=base)


def tiny_lora_values(model) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(layer, target) -> (A (r, in), B (out, r)), float32, seeded numpy, fixed order."""
    rng = np.random.default_rng(TINY_LORA_SEED)
    vals = {}
    for i, layer in enumerate(model.model.layers):
        for t in TARGETS:
            lin = layer.get_submodule(HF_MODULE[t])
            n_out, n_in = lin.weight.shape
            a = (rng.standard_normal((TINY_R, n_in)) / math.sqrt(n_in)).astype(np.float32)
            b = (TINY_B_STD * rng.standard_normal((n_out, TINY_R))).astype(np.float32)
            vals[f"{i}.{t}"] = (a, b)
    return vals


def make_peft(weights, vals, use_rslora: bool):
    import peft
    base = mtg.build_model(weights)
    pm = peft.get_peft_model(base, lora_config(use_rslora))
    pm.eval()
    n_set = 0
    with torch.no_grad():
        for i, layer in enumerate(pm.base_model.model.model.layers):
            for t in TARGETS:
                mod = layer.get_submodule(HF_MODULE[t])
                a, b = vals[f"{i}.{t}"]
                mod.lora_A["default"].weight.copy_(torch.from_numpy(a))
                mod.lora_B["default"].weight.copy_(torch.from_numpy(b))
                want = TINY_ALPHA / (math.sqrt(TINY_R) if use_rslora else TINY_R)
                if abs(mod.scaling["default"] - want) > 1e-12:
                    sys.exit(f"PEFT scaling {mod.scaling['default']} != {want}")
                n_set += 2
    lora_params = [n for n, _ in pm.named_parameters() if "lora_" in n]
    if len(lora_params) != n_set:
        sys.exit(f"PEFT has {len(lora_params)} lora parameters, set {n_set}")
    return pm


def peft_logits(pm, ids):
    with torch.no_grad():
        out = pm(input_ids=torch.tensor([ids], dtype=torch.long), use_cache=False)
    return out.logits[0].detach().numpy().copy()


def read_gguf_tensors(path: Path) -> tuple[gguf.GGUFReader, dict]:
    r = gguf.GGUFReader(str(path))
    out = {}
    for t in r.tensors:
        ne = [int(x) for x in t.shape]
        out[t.name] = (t.tensor_type.name, ne, np.asarray(t.data).reshape(tuple(reversed(ne))))
    return r, out


def field(r, key):
    f = r.get_field(key)
    if f is None:
        return None, None
    return f.contents(), f.types[0].name if f.types else None


def run_converter(src: Path, peft_dir: Path, base_dir: Path, outfile: Path, outtype: str) -> list[str]:
    cmd = [sys.executable, str(src / "convert_lora_to_gguf.py"), "--base", str(base_dir),
           "--outtype", outtype, "--outfile", str(outfile), str(peft_dir)]
    print("+ " + " ".join(cmd), file=sys.stderr)
    env = dict(os.environ)
    env.pop("NO_LOCAL_GGUF", None)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=str(src))
    if p.returncode != 0:
        sys.stderr.write(p.stdout[-4000:])
        sys.exit(f"convert_lora_to_gguf.py failed ({p.returncode})")
    return cmd


def check_adapter_gguf(path: Path, want_alpha: float, pairs: dict, want_type: str, n_layer: int) -> dict:
    """pairs: gguf base name (blk.N.attn_q.weight) -> (A, B) numpy. Returns a summary."""
    r, ts = read_gguf_tensors(path)
    keys = {}
    for key, want in (("general.type", "adapter"), ("adapter.type", "lora"),
                      ("general.architecture", "gemma3")):
        got, _ = field(r, key)
        if got != want:
            sys.exit(f"{path.name}: {key} = {got!r}, want {want!r}")
        keys[key] = got
    alpha, alpha_type = field(r, "adapter.lora.alpha")
    if alpha_type != "FLOAT32" or alpha != want_alpha:
        sys.exit(f"{path.name}: adapter.lora.alpha = {alpha!r} ({alpha_type}), want {want_alpha} FLOAT32")
    keys["adapter.lora.alpha"] = alpha
    keys["adapter.lora.alpha_gguf_type"] = alpha_type
    want_names = set()
    for base in pairs:
        want_names |= {base + ".lora_a", base + ".lora_b"}
    if set(ts) != want_names or len(ts) != 2 * 7 * n_layer:
        sys.exit(f"{path.name}: tensor set differs: {sorted(set(ts) ^ want_names)[:10]}")
    for base, (a, b) in pairs.items():
        ta, ne_a, da = ts[base + ".lora_a"]
        tb, ne_b, db = ts[base + ".lora_b"]
        if ta != want_type or tb != want_type:
            sys.exit(f"{base}: types {ta}/{tb}, want {want_type}")
        if ne_a != [a.shape[1], a.shape[0]] or ne_b != [b.shape[1], b.shape[0]]:
            sys.exit(f"{base}: ne a {ne_a} b {ne_b}; A {a.shape} B {b.shape}")
        if da.tobytes() != a.tobytes() or db.tobytes() != b.tobytes():
            sys.exit(f"{base}: data differ from the adapter's A/B")
    first = sorted(ts)[:4]
    return {
        "keys": keys,
        "n_tensors": len(ts),
        "tensor_order": [t.name for t in r.tensors],
        "tensors": {n: {"type": ts[n][0], "ne": ts[n][1]} for n in sorted(ts)},
        "first_names_sorted": first,
    }


def llama_cpp_logits(py: Path, model: Path, lora: Path | None, scale: float, seqs: list[list[int]],
                     n_ctx: int, prompt: str | None = None, top: int = 0):
    """Run llama-cpp-python in another interpreter; returns per-sequence logits (or top-k)."""
    code = r"""
import json, sys, numpy as np, llama_cpp
a = json.loads(sys.argv[1])
kw = dict(n_ctx=a["n_ctx"], n_batch=a["n_ctx"], n_ubatch=a["n_ctx"], n_threads=2, n_threads_batch=2,
          logits_all=True, verbose=False, seed=0)
if a["lora"]:
    kw["lora_path"] = a["lora"]; kw["lora_scale"] = a["scale"]
llm = llama_cpp.Llama(a["model"], **kw)
out = {"llama_cpp_python": llama_cpp.__version__}
seqs = a["seqs"]
if a["prompt"] is not None:
    seqs = [llm.tokenize(a["prompt"].encode(), add_bos=True, special=False)]
    out["prompt_ids"] = seqs[0]
res = []
for ids in seqs:
    llm.reset(); llm.eval(ids)
    lg = np.asarray(llm.scores[:len(ids)], dtype=np.float32)
    if a["top"]:
        row = lg[-1]; idx = np.argsort(-row, kind="stable")[:a["top"]]
        res.append({"ids": [int(i) for i in idx], "logits": [float(f"{row[i]:.9g}") for i in idx]})
    else:
        res.append([[float(f"{v:.9g}") for v in r] for r in lg])
out["result"] = res
print("JSON" + json.dumps(out))
"""
    arg = json.dumps({"model": str(model), "lora": str(lora) if lora else None, "scale": scale,
                      "seqs": seqs, "n_ctx": n_ctx, "prompt": prompt, "top": top})
    p = subprocess.run([str(py), "-c", code, arg], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        print(p.stderr[-3000:], file=sys.stderr)
        return None
    line = [l for l in p.stdout.splitlines() if l.startswith("JSON")]
    return json.loads(line[-1][4:]) if line else None


def part_tiny(args) -> None:
    import peft
    from safetensors import safe_open
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(min(2, os.cpu_count() or 1))

    # 1. the base model, exactly as make_tiny_gemma.py builds it
    rng = np.random.default_rng(mtg.SEED)
    weights = mtg.random_weights(rng)
    seqs = mtg.make_sequences(rng)
    tiny_dir = REPO / "Tests" / "Fixtures" / "tiny_gemma"
    base_gguf = tiny_dir / "tiny-gemma3.gguf"
    expected = json.loads((tiny_dir / "expected.json").read_text())
    if [s["ids"] for s in expected["sequences"]] != seqs:
        sys.exit("rebuilt sequences differ from tiny_gemma/expected.json")
    want_t = mtg.gguf_tensors(weights)
    _, base_t = read_gguf_tensors(base_gguf)
    for name, v in want_t.items():
        if base_t[name][2].tobytes() != v.tobytes():
            sys.exit(f"tiny-gemma3.gguf {name} differs from the rebuilt weights")
    model = mtg.build_model(weights)
    base_max = 0.0
    base_logits = []
    for k, ids in enumerate(seqs):
        lg, _ = mtg.run_hf(model, ids)
        base_logits.append(lg)
        base_max = max(base_max, float(np.max(np.abs(lg - np.asarray(expected["sequences"][k]["logits"], dtype=np.float32)))))
    print(f"rebuilt tiny model: GGUF tensors bit-exact, logits vs tiny_gemma/expected.json max |Δ| = {base_max:.3g}")
    if base_max > 1e-5:
        sys.exit("rebuilt tiny model does not reproduce tiny_gemma/expected.json")

    # 2. PEFT adapters
    vals = tiny_lora_values(model)
    variants = {}
    for name, rs in (("tiny-peft", False), ("tiny-peft-rslora", True)):
        pm = make_peft(weights, vals, rs)
        d = out / name
        d.mkdir(parents=True, exist_ok=True)
        for f in d.iterdir():
            f.unlink()
        pm.save_pretrained(str(d), safe_serialization=True)
        files = sorted(f.name for f in d.iterdir())
        if files != ["README.md", "adapter_config.json", "adapter_model.safetensors"] and \
                files != ["adapter_config.json", "adapter_model.safetensors"]:
            sys.exit(f"{d}: unexpected files {files}")
        if (d / "README.md").exists():
            (d / "README.md").unlink()  # PEFT's model-card template, nothing in it
        cfg = normalise_adapter_config(d)
        if cfg["r"] != TINY_R or cfg["lora_alpha"] != TINY_ALPHA or cfg["use_rslora"] != rs:
            sys.exit(f"{d}: adapter_config.json {cfg}")
        names = {}
        with safe_open(str(d / "adapter_model.safetensors"), "np") as f:
            for n in f.keys():
                arr = f.get_tensor(n)
                names[n] = {"dtype": str(arr.dtype), "shape": list(arr.shape)}
                parts = n.split(".")  # base_model.model.model.layers.I.<mod>.<proj>.lora_X.weight
                i, t = int(parts[4]), parts[6]
                a, b = vals[f"{i}.{t}"]
                if arr.tobytes() != (a if parts[7] == "lora_A" else b).tobytes():
                    sys.exit(f"{n}: saved values differ")
        if len(names) != 2 * 7 * mtg.N_LAYERS:
            sys.exit(f"{d}: {len(names)} tensors")
        # reload with PEFT from the folder: the saved adapter is what we measured
        reload = peft.PeftModel.from_pretrained(mtg.build_model(weights), str(d)).eval()
        logits = [peft_logits(pm, ids) for ids in seqs]
        reload_max = max(float(np.max(np.abs(peft_logits(reload, ids) - lg))) for ids, lg in zip(seqs, logits))
        if reload_max != 0.0:
            sys.exit(f"{name}: PeftModel.from_pretrained logits differ by {reload_max}")
        delta = max(float(np.max(np.abs(a - b))) for a, b in zip(logits, base_logits))
        print(f"{name}: {len(names)} tensors, reloaded bit-exact, max |Δlogit| vs base = {delta:.3g}")
        variants[name] = {"use_rslora": rs, "cfg": cfg, "names": names, "logits": logits, "delta": delta}

    # 3. llama.cpp's converter
    src = Path(args.llama_cpp_src)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        model.config.architectures = ["Gemma3ForCausalLM"]  # the converter picks its class from this
        model.config.save_pretrained(str(tmp / "base"))
        gguf_out = out / "tiny-lora.gguf"
        cmd = run_converter(src, out / "tiny-peft", tmp / "base", gguf_out, "f32")
        rs_out = tmp / "tiny-lora-rslora.gguf"
        run_converter(src, out / "tiny-peft-rslora", tmp / "base", rs_out, "f32")
        rs_alpha, _ = field(gguf.GGUFReader(str(rs_out)), "adapter.lora.alpha")
        rs_same = read_gguf_tensors(rs_out)[1].keys() == read_gguf_tensors(gguf_out)[1].keys()
    pairs = {f"blk.{k.split('.')[0]}.{GGUF_NAME[k.split('.')[1]]}.weight": v for k, v in vals.items()}
    summary = check_adapter_gguf(gguf_out, float(TINY_ALPHA), pairs, "F32", mtg.N_LAYERS)
    print(f"convert_lora_to_gguf.py: {gguf_out.name} checked ({summary['n_tensors']} tensors, alpha "
          f"{summary['keys']['adapter.lora.alpha']}); on the rslora folder it wrote alpha {rs_alpha}")

    # 4. independent numpy forward from the GGUFs
    g = {n: v[2].astype(np.float64) for n, v in base_t.items()}
    _, lt = read_gguf_tensors(gguf_out)

    def merged(scale, only=None):
        h = dict(g)
        for base in pairs:
            if only and GGUF_NAME_INV[base.split(".")[2]] not in only:
                continue
            a = lt[base + ".lora_a"][2].astype(np.float64)
            b = lt[base + ".lora_b"][2].astype(np.float64)
            h[base] = h[base] + scale * (b @ a)
        return h

    s_plain, s_rs = TINY_ALPHA / TINY_R, TINY_ALPHA / math.sqrt(TINY_R)
    np_err = {}
    for name, s in (("tiny-peft", s_plain), ("tiny-peft-rslora", s_rs)):
        h = merged(s)
        np_err[name] = max(float(np.max(np.abs(mtg.numpy_forward(h, ids) - lg)))
                           for ids, lg in zip(seqs, variants[name]["logits"]))
        print(f"numpy f64 (tiny-gemma3.gguf + tiny-lora.gguf, scale {s:g}) vs PeftModel {name}: "
              f"max |Δ| = {np_err[name]:.3g}")
        if np_err[name] > TOLERANCE:
            sys.exit("SELF-CHECK FAILED: GGUF LoRA + numpy forward does not reproduce PEFT")
    ablations = {
        "no_adapter": merged(0.0),
        "rslora_scale_alpha_over_sqrt_r": merged(s_rs),
        "half_scale": merged(0.5 * s_plain),
        "attention_only": merged(s_plain, only=("q_proj", "k_proj", "v_proj", "o_proj")),
        "ffn_only": merged(s_plain, only=("gate_proj", "up_proj", "down_proj")),
        "no_q_k": merged(s_plain, only=("v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")),
    }
    abl = {}
    for an, h in ablations.items():
        dmax = max(float(np.max(np.abs(mtg.numpy_forward(h, ids) - lg)))
                   for ids, lg in zip(seqs, variants["tiny-peft"]["logits"]))
        abl[an] = dmax
        print(f"  ablation {an:32s} max |Δlogit| = {dmax:.4g}")
        if dmax <= 100 * TOLERANCE:
            sys.exit(f"SELF-CHECK FAILED: fixture insensitive to {an}")

    # 5. llama.cpp itself (optional)
    lcp = {}
    py = Path(args.llama_cpp_python)
    if py.exists():
        for name, scale in (("tiny-peft", 1.0), ("tiny-peft_scaled_0.5", 0.5), ("base", None)):
            res = llama_cpp_logits(py, base_gguf, gguf_out if scale else None, scale or 1.0, seqs, 64)
            if res is None:
                lcp = {"error": "llama-cpp-python run failed"}
                break
            lcp["llama_cpp_python"] = res["llama_cpp_python"]
            ref = variants["tiny-peft"]["logits"] if name == "tiny-peft" else (
                [mtg.numpy_forward(merged(0.5 * s_plain), ids) for ids in seqs] if scale else base_logits)
            err = max(float(np.max(np.abs(np.asarray(l, dtype=np.float64) - r)))
                      for l, r in zip(res["result"], ref))
            lcp[name] = {"max_abs_vs_reference": err,
                         "reference": "PeftModel f32" if name == "tiny-peft" else
                         ("numpy f64 with scale 0.5·alpha/r" if scale else "transformers base f32")}
            print(f"llama.cpp (llama-cpp-python) {name}: max |Δ| vs {lcp[name]['reference']} = {err:.3g}")
    else:
        lcp = {"skipped": f"{py} not found"}

    fixture = {
        "description": "Tiny random Gemma 3 (Tests/Fixtures/tiny_gemma/tiny-gemma3.gguf) + random PEFT LoRA "
                       "adapters: PeftModel float32 logits at every position. See Tools/make_lora_fixtures.py.",
        "generator": "Tools/make_lora_fixtures.py --part tiny",
        "versions": versions(),
        "base_gguf": "../tiny_gemma/tiny-gemma3.gguf",
        "base_gguf_sha256": sha256(base_gguf),
        "base_rebuilt_vs_tiny_gemma_expected_max_abs": base_max,
        "lora": {
            "r": TINY_R, "lora_alpha": TINY_ALPHA, "target_modules": TARGETS, "lora_dropout": 0.0,
            "seed": TINY_LORA_SEED,
            "init": "after get_peft_model, numpy default_rng(seed): per layer 0..6, per target in the order "
                    "above: A = N(0,1)/sqrt(in) shape (r, in), then B = 0.05*N(0,1) shape (out, r); float32",
            "rule": "y = W x + scale * B (A x) on every target projection; scale = lora_alpha / r (= 2) or, "
                    "with use_rslora, lora_alpha / sqrt(r) (= 4)",
        },
        "gguf_lora": {
            "file": gguf_out.name,
            "sha256": sha256(gguf_out),
            "bytes": gguf_out.stat().st_size,
            "made_by": "llama.cpp convert_lora_to_gguf.py (llama-cpp-python 0.3.36 vendor tree): "
                       + " ".join(["convert_lora_to_gguf.py", "--base", "<tiny HF config dir>", "--outtype", "f32",
                                   "--outfile", "tiny-lora.gguf", "tiny-peft"]),
            "converter_on_rslora_folder": {
                "adapter.lora.alpha_written": rs_alpha,
                "same_tensor_names": rs_same,
                "note": "the converter ignores use_rslora: it writes lora_alpha unchanged, so llama.cpp would "
                        "use alpha/r = 2 instead of PEFT's alpha/sqrt(r) = 4 for tiny-peft-rslora. No GGUF "
                        "is kept for the rslora variant.",
            } ,
            **summary,
        },
        "variants": {
            name: {
                "dir": name,
                "use_rslora": v["use_rslora"],
                "scale": s_rs if v["use_rslora"] else s_plain,
                "adapter_config": v["cfg"],
                "safetensors_tensors": v["names"],
                "max_abs_logit_change_vs_base": v["delta"],
            } for name, v in variants.items()
        },
        "self_check": {
            "numpy_f64_from_gguf_plus_lora_gguf_vs_peft_max_abs": np_err,
            "ablations_max_abs_logit_change": abl,
            "peft_reload_from_folder_max_abs": 0.0,
            "llama_cpp": lcp,
        },
        "suggested_tolerance_f32": 1e-3,
        "sequences": [
            {
                "ids": ids,
                "base_argmax": np.argmax(base_logits[k], axis=1).astype(int).tolist(),
                "tiny-peft": {"argmax": np.argmax(variants["tiny-peft"]["logits"][k], axis=1).astype(int).tolist(),
                              "logits": [mtg.f32s(r) for r in variants["tiny-peft"]["logits"][k]]},
                "tiny-peft-rslora": {"argmax": np.argmax(variants["tiny-peft-rslora"]["logits"][k], axis=1).astype(int).tolist(),
                                     "logits": [mtg.f32s(r) for r in variants["tiny-peft-rslora"]["logits"][k]]},
            } for k, ids in enumerate(seqs)
        ],
    }
    (out / "tiny-expected.json").write_text(dump(fixture) + "\n")
    print(f"wrote {out}/tiny-peft, tiny-peft-rslora, tiny-lora.gguf, tiny-expected.json")


GGUF_NAME_INV = {v: k for k, v in GGUF_NAME.items()}


# ======================================================================================
# part "270m"
# ======================================================================================

def shapes_270m() -> dict[str, tuple[int, int]]:
    """target -> (out, in) for the 270M."""
    q, kv = HEADS_270 * HEAD_DIM_270, KV_270 * HEAD_DIM_270
    return {"q_proj": (q, D_270), "k_proj": (kv, D_270), "v_proj": (kv, D_270), "o_proj": (D_270, q),
            "gate_proj": (FFN_270, D_270), "up_proj": (FFN_270, D_270), "down_proj": (D_270, FFN_270)}


def adapter_270m(b_std: float) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(LORA_270M_SEED)
    vals = {}
    for i in range(N_LAYER_270):
        for t, (n_out, n_in) in shapes_270m().items():
            a = (rng.standard_normal((R270, n_in)) / math.sqrt(n_in)).astype(np.float16)
            b = (b_std * rng.standard_normal((n_out, R270))).astype(np.float16)
            vals[f"{i}.{t}"] = (a, b)
    return vals


def write_gguf_270m(path: Path, vals) -> None:
    w = gguf.GGUFWriter(str(path), "gemma3")
    w.add_type(gguf.GGUFType.ADAPTER)
    w.add_string(gguf.Keys.Adapter.TYPE, "lora")
    w.add_float32(gguf.Keys.Adapter.LORA_ALPHA, float(ALPHA270))
    w.add_name("gemma-3-270m random rank-8 LoRA (test fixture)")
    w.add_file_type(int(gguf.LlamaFileType.MOSTLY_F16))
    w.add_quantization_version(gguf.GGML_QUANT_VERSION)
    for k, (a, b) in vals.items():
        i, t = k.split(".")
        base = f"blk.{i}.{GGUF_NAME[t]}.weight"
        w.add_tensor(base + ".lora_a", np.ascontiguousarray(a))
        w.add_tensor(base + ".lora_b", np.ascontiguousarray(b))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def write_peft_270m(d: Path, vals) -> dict:
    from safetensors.numpy import save_file
    d.mkdir(parents=True, exist_ok=True)
    for f in d.iterdir():
        f.unlink()
    cfg = lora_config(False, r=R270, alpha=ALPHA270, base="google/gemma-3-270m")
    cfg.inference_mode = True  # as PeftModel.save_pretrained writes it
    cfg.save_pretrained(str(d))
    tensors = {}
    for k, (a, b) in vals.items():
        i, t = k.split(".")
        p = f"base_model.model.model.layers.{i}.{HF_MODULE[t]}"
        tensors[p + ".lora_A.weight"] = np.ascontiguousarray(a)
        tensors[p + ".lora_B.weight"] = np.ascontiguousarray(b)
    save_file(tensors, str(d / "adapter_model.safetensors"), metadata={"format": "pt"})
    return normalise_adapter_config(d)


def config_270m():
    return transformers.Gemma3TextConfig(
        vocab_size=262144, hidden_size=D_270, intermediate_size=FFN_270, num_hidden_layers=N_LAYER_270,
        num_attention_heads=HEADS_270, num_key_value_heads=KV_270, head_dim=HEAD_DIM_270,
        max_position_embeddings=32768, rms_norm_eps=1e-6, rope_theta=1_000_000.0, rope_local_base_freq=10_000.0,
        query_pre_attn_scalar=256, sliding_window=512, final_logit_softcapping=None, attn_logit_softcapping=None,
        tie_word_embeddings=True, architectures=["Gemma3ForCausalLM"])


def cpu_name() -> str | None:
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def ppl_runs(binary: Path, model: Path, corpus: Path, extra: list[str]) -> dict:
    import make_perplexity_fixture as mpf
    base = [str(binary), "-m", str(model), "-f", str(corpus), "-c", str(PPL_CTX), "-b", str(PPL_BATCH),
            "-t", str(PPL_THREADS)] + extra
    logs = []
    for ot in (0, 1):
        cmd = base + (["--ppl-output-type", "1"] if ot else [])
        print("+ " + " ".join(cmd), file=sys.stderr)
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if p.returncode != 0:
            sys.stderr.write(p.stdout[-4000:])
            sys.exit(f"llama-perplexity failed ({p.returncode})")
        logs.append(p.stdout)
    if extra and "llama_adapter_lora_init" not in logs[0] and "lora" not in logs[0].lower():
        sys.exit("llama-perplexity log does not mention the adapter")
    run = mpf.parse_run(logs[0], logs[1], PPL_CTX)
    run["threads"] = PPL_THREADS
    shown = ["llama-perplexity", "-m", model.name, "-f", "../perplexity/corpus.txt", "-c", str(PPL_CTX),
             "-b", str(PPL_BATCH), "-t", str(PPL_THREADS)] + [os.path.basename(e) if "/" in e else e for e in extra]
    run["command"] = " ".join(shown)
    return run


def part_270m(args) -> None:
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model = Path(args.model)
    binary = Path(args.perplexity)
    corpus = REPO / "Tests" / "Fixtures" / "perplexity" / "corpus.txt"
    ref = json.loads((REPO / "Tests" / "Fixtures" / "perplexity" / "llamacpp.json").read_text())
    ref_run = [r for r in ref["runs"] if r["ctx"] == PPL_CTX][0]

    trials = {"measured_now": args.try_b_std is not None and len(args.try_b_std) > 0,
              "values": [] if args.try_b_std else B_STD_TRIALS}
    if args.try_b_std:
        for s in args.try_b_std:
            with tempfile.TemporaryDirectory() as tmp:
                p = Path(tmp) / "t.gguf"
                write_gguf_270m(p, adapter_270m(s))
                r = ppl_runs(binary, model, corpus, ["--lora", str(p)])
                trials["values"].append({"b_std": s, "ppl": r["ppl"], "ppl_err": r["ppl_err"]})
                print(f"B std {s}: PPL {r['ppl']} +/- {r['ppl_err']}", file=sys.stderr)

    vals = adapter_270m(B_STD_270)
    gpath = out / "gemma-3-270m-rank8-f16.gguf"
    write_gguf_270m(gpath, vals)
    pairs = {f"blk.{k.split('.')[0]}.{GGUF_NAME[k.split('.')[1]]}.weight": v for k, v in vals.items()}
    summary = check_adapter_gguf(gpath, float(ALPHA270), pairs, "F16", N_LAYER_270)
    pdir = out / "gemma-3-270m-rank8-peft"
    pcfg = write_peft_270m(pdir, vals)

    # PEFT itself loads the folder onto a 270M-shaped model (vocab cut to 16 to keep it small;
    # random base weights, only the adapter's names, shapes and values are checked)
    import peft
    torch.manual_seed(0)
    cfg270 = config_270m()
    cfg270.vocab_size = 16
    shell = transformers.Gemma3ForCausalLM(cfg270).eval()
    pm = peft.PeftModel.from_pretrained(shell, str(pdir))
    n_checked = 0
    for i, layer in enumerate(pm.base_model.model.model.layers):
        for t in TARGETS:
            mod = layer.get_submodule(HF_MODULE[t])
            a, b = vals[f"{i}.{t}"]
            if mod.scaling["default"] != ALPHA270 / R270:
                sys.exit(f"PEFT scaling {mod.scaling['default']}")
            got_a = mod.lora_A["default"].weight.detach().to(torch.float16).numpy()
            got_b = mod.lora_B["default"].weight.detach().to(torch.float16).numpy()
            if got_a.tobytes() != a.tobytes() or got_b.tobytes() != b.tobytes():
                sys.exit(f"PEFT loaded different values for layer {i} {t}")
            n_checked += 2
    del pm, shell
    print(f"peft.PeftModel.from_pretrained loads gemma-3-270m-rank8-peft: {n_checked} tensors as written")

    # independent check: llama.cpp's converter on the PEFT folder gives the same GGUF tensors
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        config_270m().save_pretrained(str(tmp / "base"))
        conv = tmp / "conv.gguf"
        run_converter(Path(args.llama_cpp_src), pdir, tmp / "base", conv, "f16")
        conv_summary = check_adapter_gguf(conv, float(ALPHA270), pairs, "F16", N_LAYER_270)
    print("convert_lora_to_gguf.py on gemma-3-270m-rank8-peft reproduces the GGUF's tensors bit for bit")

    runs = {}
    runs["base"] = ppl_runs(binary, model, corpus, [])
    base_vs_ref = {"this_run_base_ppl": runs["base"]["ppl"], "perplexity_llamacpp_json_ppl": ref_run["ppl"],
                   "relative_difference": round(runs["base"]["ppl"] / ref_run["ppl"] - 1, 6),
                   "cpu": cpu_name()}
    if abs(base_vs_ref["relative_difference"]) > 0.01:
        sys.exit(f"base PPL {runs['base']['ppl']} is far from perplexity/llamacpp.json {ref_run['ppl']}")
    if runs["base"]["ppl"] != ref_run["ppl"]:
        print(f"NOTE: base PPL {runs['base']['ppl']} != perplexity/llamacpp.json {ref_run['ppl']} (same llama.cpp "
              f"commit and model; llama.cpp's CPU kernels differ between machines)", file=sys.stderr)
    runs["lora"] = ppl_runs(binary, model, corpus, ["--lora", str(gpath)])
    runs["lora_scaled_0.5"] = ppl_runs(binary, model, corpus, ["--lora-scaled", f"{gpath}:0.5"])
    for k, r in runs.items():
        print(f"{k}: PPL {r['ppl']} +/- {r['ppl_err']}")

    top = {}
    py = Path(args.llama_cpp_python)
    if py.exists():
        for name, lora, scale in (("base", None, 1.0), ("lora", gpath, 1.0), ("lora_scaled_0.5", gpath, 0.5)):
            res = llama_cpp_logits(py, model, lora, scale, [], 64, prompt=PROMPT, top=20)
            if res is None:
                top = {"error": "llama-cpp-python run failed"}
                break
            top["llama_cpp_python"] = res["llama_cpp_python"]
            top["prompt"] = PROMPT
            top["prompt_ids"] = res["prompt_ids"]
            top[name] = res["result"][0]
        top["settings"] = "llama_cpp.Llama(model, n_ctx=64, n_batch=64, n_threads=2, logits_all=True, " \
                          "lora_path=ADAPTER, lora_scale=S); eval(prompt ids, BOS first); top 20 of the last row"
    else:
        top = {"skipped": f"{py} not found"}

    fixture = {
        "description": "gemma-3-270m Q4_K_M + a random rank-8 LoRA on every attention/FFN projection: "
                       "llama.cpp perplexity and next-token logits. See Tools/make_lora_fixtures.py.",
        "generator": "Tools/make_lora_fixtures.py --part 270m",
        "versions": versions(),
        "llama_cpp_commit": ref.get("llama_cpp_commit"),
        "model": model.name,
        "model_size_bytes": model.stat().st_size,
        "adapter": {
            "gguf": gpath.name, "gguf_sha256": sha256(gpath), "gguf_bytes": gpath.stat().st_size,
            "peft_dir": pdir.name,
            "peft_safetensors_sha256": sha256(pdir / "adapter_model.safetensors"),
            "peft_adapter_config": pcfg,
            "r": R270, "alpha": ALPHA270, "scale": ALPHA270 / R270, "seed": LORA_270M_SEED, "b_std": B_STD_270,
            "init": "numpy default_rng(seed): per layer 0..17, per target (q k v o gate up down): "
                    "A = N(0,1)/sqrt(in) shape (r, in), then B = b_std*N(0,1) shape (out, r); each rounded to F16",
            "shapes_out_in": {t: list(s) for t, s in shapes_270m().items()},
            "hf_vs_gguf_row_order": "identical: llama.cpp's Gemma 3 converter does not permute q/k rows",
            "converter_check": "convert_lora_to_gguf.py --outtype f16 on the PEFT folder gives bit-identical "
                               "tensors and the same keys",
            "peft_load_check": "peft.PeftModel.from_pretrained on a 270M-shaped Gemma3ForCausalLM (vocab cut to "
                               "16) loads all 252 tensors with the written values, scaling alpha/r = 2",
            "converter_tensor_order": conv_summary["tensor_order"][:4],
            **summary,
        },
        "b_std_trials": trials,
        "perplexity": {
            "corpus": "../perplexity/corpus.txt",
            "ctx": PPL_CTX, "batch": PPL_BATCH, "threads": PPL_THREADS,
            "note": "compare runs.lora / runs.lora_scaled_0.5 with runs.base OF THIS FILE (same machine); "
                    "per_chunk are RUNNING perplexities (see make_perplexity_fixture.py RULES)",
            "base_vs_perplexity_fixture": base_vs_ref,
            "runs": runs,
        },
        "top20_next_token": top,
    }
    (out / "gemma-3-270m-rank8.json").write_text(dump(fixture) + "\n")
    print(f"wrote {gpath}, {pdir}, {out / 'gemma-3-270m-rank8.json'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--part", choices=("tiny", "270m", "all"), default="all")
    ap.add_argument("--out-dir", default=str(OUT_DIR))
    ap.add_argument("--llama-cpp-src", default=str(DEFAULT_SRC))
    ap.add_argument("--perplexity", default=str(DEFAULT_PERPLEXITY))
    ap.add_argument("--model", default=str(DEFAULT_MODEL))
    ap.add_argument("--llama-cpp-python", default=str(DEFAULT_LCP_PYTHON),
                    help="a Python interpreter with llama_cpp (optional)")
    ap.add_argument("--try-b-std", type=float, nargs="*", help="270m: measure PPL for these B std values first")
    args = ap.parse_args()
    print(f"versions: {versions()}")
    if args.part in ("tiny", "all"):
        part_tiny(args)
    if args.part in ("270m", "all"):
        part_270m(args)


if __name__ == "__main__":
    main()
