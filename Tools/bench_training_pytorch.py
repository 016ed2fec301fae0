#!/usr/bin/env python3
"""LoRA training throughput of PyTorch (CPU) + peft on the shapes and settings of
`medgemma finetune`, the reference our trainer is measured against (issue 18).

What it builds: `Gemma3ForCausalLM` with the config read from a Gemma 3 GGUF's metadata (the
rules of Sources/Gemma/Model/GemmaConfig.swift: every sixth layer global, local RoPE base
10000, the global one's `rope.freq_base` and linear `rope.scaling.factor`, query scale
1/sqrt(head_dim), tied output; the vocabulary from token_embd's shape). Weights: the GGUF's own
(dequantized by transformers' GGUF loader, `from_pretrained(folder, gguf_file=...)`) when
that works and the model is small, else random with the same shapes (speed does not depend on
the values); the JSON says which ("weights": "gguf" or "random").

What it trains, as `medgemma finetune`'s defaults (Google's MedGemma notebook): peft
LoraConfig(r=16, lora_alpha=16, lora_dropout=0.05, target_modules="all-linear": q, k, v, o,
gate, up, down of every layer, not lm_head), the base frozen, torch.optim.AdamW(lr=2e-4,
weight_decay=0.01), clip_grad_norm_(0.3). A plain loop (no Trainer): per optimiser step K
micro-batches of B random token sequences (seeded; BOS then L−1 ids, no padding), each
`model(input_ids, labels=input_ids)` (the loss on every next token) and backward, then clip,
step, zero_grad. f32 weights and compute, like ours (--dtype bf16: weights and compute in
bf16, the adapter kept in f32 by peft). No gradient checkpointing unless --checkpointing
(ours recomputes each layer in the backward pass, which is what checkpointing does).

Tokens counted as `medgemma finetune` counts them for its "tok/s" (Trainer.swift: every id of
every sequence of the step, B·L·K): tokens/s = B·L·K·steps / seconds of the timed steps,
after --warmup untimed steps. Memory: ru_maxrss of the whole process (loading included), and
the peak resident set of the training alone (VmHWM after resetting it through
/proc/self/clear_refs just before the first step).

Models too big for memory: --layers N times the first N layers only (the embedding, final
norm and output product kept); --layers A,B times both and extrapolates linearly to the
full depth (t_full = t_A + (t_B − t_A)/(B − A)·(layers − A)), reported as "extrapolated";
--layers auto (the default) is the full model when the estimate fits in MemAvailable, else
2,4 extrapolated.

Output: one JSON line on stdout, readable lines on stderr.

Usage (the Python with torch, transformers ≥ 5, peft, gguf; e.g. /tmp/vvenv/bin/python):
    python Tools/bench_training_pytorch.py [--model GGUF] [--steps 3] [--warmup 1] [--batch 4]
        [--length 128] [--accumulate 1] [--threads 2] [--dtype f32|bf16] [--checkpointing]
        [--layers auto|N|A,B] [--weights auto|gguf|random] [--attn sdpa|eager]
Tools/bench-training-vs-pytorch.sh runs it beside `medgemma finetune`.
"""
import argparse
import gc
import json
import os
import platform
import resource
import sys
import time

DEFAULT_MODEL = os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "medgemma", "models",
                             "gemma-3-270m-q4_k_m.gguf")


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def proc_status(key):
    """A /proc/self/status figure in bytes (VmRSS, VmHWM), or None."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def reset_peak_rss():
    """Resets VmHWM to the current RSS (Linux ≥ 4.0); False when not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def mem_available():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def gguf_config(path):
    """The Gemma 3 text config of a GGUF, as Gemma3TextConfig keyword arguments, plus facts."""
    import gguf
    r = gguf.GGUFReader(path)

    def get(key, default=None):
        f = r.fields.get(key)
        if f is None:
            return default
        v = f.contents()
        return v
    arch = get("general.architecture")
    if arch != "gemma3":
        sys.exit(f"{path}: architecture {arch!r}, expected gemma3")
    a = "gemma3."
    tensors = {t.name: t for t in r.tensors}
    embd = tensors["token_embd.weight"]
    vocab = int(embd.shape[1])           # GGUF shapes are [columns, rows]
    hidden = int(get(a + "embedding_length"))
    layers = int(get(a + "block_count"))
    heads = int(get(a + "attention.head_count"))
    head_dim = int(get(a + "attention.key_length", hidden // heads))
    scaling_type = get(a + "rope.scaling.type", "linear")
    factor = float(get(a + "rope.scaling.factor", 0) or 0)
    full_rope = {"rope_type": "default", "rope_theta": float(get(a + "rope.freq_base", 10000.0))}
    if scaling_type == "linear" and factor > 0:
        full_rope = {"rope_type": "linear", "factor": factor, "rope_theta": full_rope["rope_theta"]}
    # Ours: local layers always 10000; the GGUF's freq_base_swa where it has one says the same.
    local_theta = float(get(a + "rope.freq_base_swa", 10000.0))
    pattern = 6    # every sixth layer (5, 11, ...) global, as GemmaConfig.isGlobal and llama.cpp
    kw = dict(
        vocab_size=vocab, hidden_size=hidden, intermediate_size=int(get(a + "feed_forward_length")),
        num_hidden_layers=layers, num_attention_heads=heads,
        num_key_value_heads=int(get(a + "attention.head_count_kv", heads)), head_dim=head_dim,
        hidden_activation="gelu_pytorch_tanh", max_position_embeddings=int(get(a + "context_length", 131072)),
        rms_norm_eps=float(get(a + "attention.layer_norm_rms_epsilon", 1e-6)),
        sliding_window=int(get(a + "attention.sliding_window", 4096)),
        layer_types=["full_attention" if (i + 1) % pattern == 0 else "sliding_attention" for i in range(layers)],
        rope_parameters={"full_attention": full_rope, "sliding_attention": {"rope_type": "default", "rope_theta": local_theta}},
        # GemmaConfig.queryScale: 1/sqrt(hidden/heads) for the 62-layer 27B, else 1/sqrt(head_dim).
        query_pre_attn_scalar=(hidden // heads) if layers == 62 else head_dim,
        final_logit_softcapping=None, attn_logit_softcapping=None,
        tie_word_embeddings="output.weight" not in tensors,
        bos_token_id=int(get("tokenizer.ggml.bos_token_id", 2)), pad_token_id=0, eos_token_id=1, use_cache=False,
    )
    facts = {"name": get("general.name"), "file_type": get("general.file_type"),
             "random_file": "random" in str(get("general.name", "")).lower()}
    return kw, facts


def param_count(kw, layers):
    d, f, h, kv, hd, v = (kw["hidden_size"], kw["intermediate_size"], kw["num_attention_heads"],
                          kw["num_key_value_heads"], kw["head_dim"], kw["vocab_size"])
    per_layer = d * h * hd * 2 + d * kv * hd * 2 + 3 * d * f + 4 * d + 2 * hd
    return v * d + layers * per_layer + d + (0 if kw["tie_word_embeddings"] else v * d)


def estimate_bytes(kw, layers, tokens, dtype_bytes, checkpointing):
    """Rough peak: the weights, the activations autograd keeps, and the logits' copies."""
    d, f, h, kv, hd, v = (kw["hidden_size"], kw["intermediate_size"], kw["num_attention_heads"],
                          kw["num_key_value_heads"], kw["head_dim"], kw["vocab_size"])
    per_layer_act = tokens * (12 * d + 6 * f + 3 * (h + 2 * kv) * hd) * dtype_bytes
    kept = (2 if checkpointing else layers) * per_layer_act + layers * tokens * d * dtype_bytes
    logits = 4 * tokens * v * 4      # logits, their f32 upcast, log-softmax and its gradient
    return param_count(kw, layers) * dtype_bytes + kept + logits + 1.0e9


def build_model(path, kw, layers, weights, dtype, attn):
    """(model, "gguf" | "random", note)."""
    import torch
    from transformers import Gemma3ForCausalLM, Gemma3TextConfig
    cfg_kw = dict(kw)
    if layers != kw["num_hidden_layers"]:
        cfg_kw["num_hidden_layers"] = layers
        cfg_kw["layer_types"] = kw["layer_types"][:layers]
    if weights in ("auto", "gguf") and layers == kw["num_hidden_layers"]:
        try:
            t0 = time.perf_counter()
            model = Gemma3ForCausalLM.from_pretrained(os.path.dirname(os.path.abspath(path)),
                                                      gguf_file=os.path.basename(path), dtype=dtype,
                                                      attn_implementation=attn)
            # The loader's config for what it does not read from the GGUF: set ours.
            c = model.config
            for k in ("rope_parameters", "layer_types", "query_pre_attn_scalar", "sliding_window"):
                if getattr(c, k, None) != cfg_kw[k]:
                    log(f"  note: transformers' GGUF config has {k}={getattr(c, k, None)!r}; ours {cfg_kw[k]!r} "
                        "(kept theirs: the shapes, hence the speed, are the same)")
            return model, "gguf", f"transformers GGUF loader, dequantized to {dtype} in {time.perf_counter() - t0:.1f} s"
        except Exception as e:      # unsupported architecture, missing accelerate, ...
            if weights == "gguf":
                raise
            log(f"  transformers could not load the GGUF's weights ({type(e).__name__}: {str(e)[:200]}); random weights")
    elif weights == "gguf":
        sys.exit("--weights gguf needs the full depth (no --layers)")
    config = Gemma3TextConfig(**cfg_kw)
    config._attn_implementation = attn
    t0 = time.perf_counter()
    previous = torch.get_default_dtype()
    torch.set_default_dtype(dtype)      # no f32 copy of a bf16 model on the way
    try:
        torch.manual_seed(0)
        model = Gemma3ForCausalLM(config)
    finally:
        torch.set_default_dtype(previous)
    return model, "random", f"random init ({dtype}) in {time.perf_counter() - t0:.1f} s"


def time_training(args, path, kw, layers, dtype):
    import torch
    from peft import LoraConfig, get_peft_model
    model, weights, note = build_model(path, kw, layers, args.weights, dtype, args.attn)
    log(f"  model: {layers} of {kw['num_hidden_layers']} layers, {note}")
    model.config.use_cache = False
    lora = LoraConfig(r=args.rank, lora_alpha=args.alpha, lora_dropout=args.dropout, target_modules="all-linear",
                      bias="none", task_type="CAUSAL_LM")
    model = get_peft_model(model, lora)
    targeted = sorted({n.split(".")[-1] for n, m in model.named_modules() if hasattr(m, "lora_A") and len(m.lora_A)})
    trainable = [p for p in model.parameters() if p.requires_grad]
    n_trainable = sum(p.numel() for p in trainable)
    n_all = sum(p.numel() for p in model.parameters())
    log(f"  LoRA r={args.rank} alpha={args.alpha} dropout={args.dropout} on {','.join(targeted)}: "
        f"{n_trainable / 1e6:.2f} M trainable of {n_all / 1e6:.1f} M")
    if args.checkpointing:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    model.train()
    opt = torch.optim.AdamW(trainable, lr=args.lr, weight_decay=0.01)
    B, L, K = args.batch, args.length, args.accumulate
    g = torch.Generator().manual_seed(args.seed)
    total = args.warmup + args.steps
    batches = torch.randint(3, kw["vocab_size"], (total, K, B, L), generator=g)
    batches[..., 0] = kw["bos_token_id"]
    gc.collect()
    rss_before = proc_status("VmRSS")
    reset = reset_peak_rss()
    times, losses = [], []
    for s in range(total):
        t0 = time.perf_counter()
        loss_sum = 0.0
        for k in range(K):
            ids = batches[s, k]
            out = model(input_ids=ids, labels=ids)
            (out.loss / K).backward()
            loss_sum += out.loss.item() / K
        norm = torch.nn.utils.clip_grad_norm_(trainable, args.max_grad_norm)
        opt.step()
        opt.zero_grad(set_to_none=True)
        dt = time.perf_counter() - t0
        losses.append(loss_sum)
        timed = s >= args.warmup
        if timed:
            times.append(dt)
        log(f"  step {s + 1}/{total}{'' if timed else ' (warm-up)'}  loss {loss_sum:.4f}  grad-norm {float(norm):.3f}  "
            f"{dt:.2f} s  {B * L * K / dt:.1f} tok/s")
    result = {
        "layers": layers, "weights": weights, "step_seconds": [round(t, 4) for t in times],
        "seconds_per_step": sum(times) / len(times), "tokens_per_second": B * L * K * len(times) / sum(times),
        "loss_first": losses[0], "loss_last": losses[-1], "trainable_params": n_trainable, "params": n_all,
        "lora_targets": targeted, "rss_before_training_bytes": rss_before,
        "training_peak_rss_bytes": proc_status("VmHWM") if reset else None,
    }
    del model, opt, trainable, out
    gc.collect()
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=os.environ.get("MEDGEMMA_MODEL", DEFAULT_MODEL), help="Gemma 3 GGUF (its config)")
    ap.add_argument("--steps", type=int, default=3, help="timed optimiser steps (3)")
    ap.add_argument("--warmup", type=int, default=1, help="untimed steps first (1)")
    ap.add_argument("--batch", type=int, default=4, help="sequences per micro-batch B (4)")
    ap.add_argument("--length", type=int, default=128, help="tokens per sequence L (128)")
    ap.add_argument("--accumulate", type=int, default=1, help="micro-batches per step K (1)")
    ap.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (2)")
    ap.add_argument("--dtype", choices=["f32", "bf16"], default="f32", help="weights and compute (f32, as ours)")
    ap.add_argument("--checkpointing", action="store_true", help="gradient checkpointing (non-reentrant) on")
    ap.add_argument("--layers", default="auto", help="auto, N (first N layers), or A,B (extrapolate to full depth)")
    ap.add_argument("--weights", choices=["auto", "gguf", "random"], default="auto",
                    help="auto: the GGUF's via transformers for a full-depth model of under 2 B params, else random")
    ap.add_argument("--attn", choices=["sdpa", "eager"], default="sdpa", help="attention implementation (sdpa)")
    ap.add_argument("--rank", type=int, default=16)
    ap.add_argument("--alpha", type=float, default=16)
    ap.add_argument("--dropout", type=float, default=0.05)
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--max-grad-norm", type=float, default=0.3)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    if args.steps < 1 or args.batch < 1 or args.length < 2 or args.accumulate < 1 or args.warmup < 0:
        ap.error("--steps, --batch, --accumulate ≥ 1, --length ≥ 2, --warmup ≥ 0")
    if not os.path.isfile(args.model):
        sys.exit(f"{args.model}: not found")

    import warnings
    warnings.filterwarnings("ignore", category=FutureWarning)   # transformers' deprecation notes via peft
    import torch
    import transformers
    import peft
    torch.set_num_threads(args.threads)
    dtype = torch.float32 if args.dtype == "f32" else torch.bfloat16
    kw, facts = gguf_config(args.model)
    full = kw["num_hidden_layers"]
    tokens = args.batch * args.length
    dbytes = 4 if args.dtype == "f32" else 2
    need_full = estimate_bytes(kw, full, tokens, dbytes, args.checkpointing)
    avail = mem_available()
    if args.layers == "auto":
        fits = avail is None or need_full < 0.9 * avail
        depths = [full] if fits else [min(2, full), min(4, full)]
        mode = "full" if fits else "extrapolated"
    else:
        try:
            depths = [int(x) for x in args.layers.split(",")]
        except ValueError:
            ap.error("--layers: auto, N or A,B")
        if not (1 <= len(depths) <= 2 and all(1 <= x <= full for x in depths)) or (len(depths) == 2 and depths[0] >= depths[1]):
            ap.error(f"--layers: N or A,B with 1 ≤ A < B ≤ {full}")
        mode = "full" if depths == [full] else ("truncated" if len(depths) == 1 else "extrapolated")
    if args.weights == "auto" and param_count(kw, full) > 2e9:
        args.weights = "random"       # dequantizing billions of weights through numpy takes minutes and doubles memory

    log(f"PyTorch {torch.__version__} ({torch.backends.cpu.get_cpu_capability()}), transformers {transformers.__version__}, "
        f"peft {peft.__version__}; {args.threads} threads")
    log(f"{os.path.basename(args.model)}: {facts['name']}; hidden {kw['hidden_size']}, {full} layers, heads "
        f"{kw['num_attention_heads']}/{kw['num_key_value_heads']} × {kw['head_dim']}, ffn {kw['intermediate_size']}, "
        f"vocab {kw['vocab_size']}, window {kw['sliding_window']}, {param_count(kw, full) / 1e6:.0f} M params")
    log(f"B={args.batch} L={args.length} K={args.accumulate}, {args.warmup} warm-up + {args.steps} timed steps, {args.dtype}, "
        f"attn {args.attn}, checkpointing {'on' if args.checkpointing else 'off'}; full model needs about "
        f"{need_full / 2**30:.1f} GiB, {avail / 2**30 if avail else float('nan'):.1f} GiB available → {mode} {depths}")

    runs = []
    for n in depths:
        runs.append(time_training(args, args.model, kw, n, dtype))
    summary = dict(runs[-1])
    if mode == "extrapolated":
        a, b = runs
        per_layer = (b["seconds_per_step"] - a["seconds_per_step"]) / (b["layers"] - a["layers"])
        sec = a["seconds_per_step"] + per_layer * (full - a["layers"])
        summary.update(seconds_per_step=sec, tokens_per_second=tokens * args.accumulate / sec,
                       extrapolated_from=[{k: r[k] for k in ("layers", "seconds_per_step", "tokens_per_second", "step_seconds",
                                                             "training_peak_rss_bytes")} for r in runs],
                       seconds_per_layer=per_layer)
        summary["training_peak_rss_bytes"] = None     # of a truncated model: not the full model's
        summary["estimated_full_bytes"] = need_full
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    out = {
        "tool": "pytorch+peft", "model": os.path.abspath(args.model), "model_name": facts["name"], "mode": mode,
        "layers_run": depths, "layers_full": full, "weights": summary["weights"],
        "config": {k: kw[k] for k in ("hidden_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads",
                                      "head_dim", "intermediate_size", "vocab_size", "sliding_window", "rope_parameters",
                                      "query_pre_attn_scalar", "tie_word_embeddings")},
        "batch": args.batch, "length": args.length, "accumulate": args.accumulate, "steps": args.steps,
        "warmup": args.warmup, "threads": args.threads, "dtype": args.dtype, "attn": args.attn,
        "checkpointing": args.checkpointing,
        "lora": {"r": args.rank, "alpha": args.alpha, "dropout": args.dropout, "targets": summary["lora_targets"]},
        "optimizer": {"name": "AdamW", "lr": args.lr, "weight_decay": 0.01, "max_grad_norm": args.max_grad_norm},
        "tokens_per_step": tokens * args.accumulate,
        "tokens_per_second": summary["tokens_per_second"], "seconds_per_step": summary["seconds_per_step"],
        "step_seconds": summary["step_seconds"], "loss_first": summary["loss_first"], "loss_last": summary["loss_last"],
        "trainable_params": summary["trainable_params"], "params": summary["params"],
        "peak_rss_bytes": peak, "training_peak_rss_bytes": summary["training_peak_rss_bytes"],
        "rss_before_training_bytes": summary["rss_before_training_bytes"],
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__, "peft": peft.__version__,
                     "python": platform.python_version()},
        "kernel_path": f"torch {torch.backends.cpu.get_cpu_capability()}"
                       + (", MKL" if torch.backends.mkl.is_available() else "")
                       + (", oneDNN" if torch.backends.mkldnn.is_available() else ""),
    }
    for k in ("extrapolated_from", "seconds_per_layer", "estimated_full_bytes"):
        if k in summary:
            out[k] = summary[k]
    what = {"full": "", "truncated": f" (first {depths[0]} of {full} layers only)",
            "extrapolated": f" (extrapolated to {full} layers from {depths[0]} and {depths[-1]})"}[mode]
    log(f"PyTorch+peft: {out['tokens_per_second']:.1f} tok/s, {out['seconds_per_step']:.2f} s/step{what}; "
        f"weights {out['weights']}; peak RSS {peak / 2**20:.0f} MiB"
        + (f" (training alone {out['training_peak_rss_bytes'] / 2**20:.0f} MiB)" if out["training_peak_rss_bytes"] else ""))
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
