#!/usr/bin/env bash
# Measures LoRA training throughput of `medgemma finetune` beside PyTorch (CPU) + peft on the
# same model shapes and settings (issue 18), one after the other on the same machine, per model
# given (default: the gemma-3-270m Q4_K_M), and prints a Markdown table: tokens/s of each, the
# ratio (> 1: ours is faster), peak resident memory of each, and the kernel path of each.
#
# Ours: `medgemma finetune --model M --data D --out TMP --steps W+N --batch B --accumulate K
# --max-length L --force` (the release binary .build/release/medgemma, or $MEDGEMMA_BIN; only
# run, never built here) on a JSONL this script writes: chat examples of a one-line user turn
# and an assistant turn long enough that every example is cut to exactly L tokens. It uses
# every core the machine reports (finetune has no thread option). Its "step i/n ... tok/s"
# lines count every id of the step's sequences (Trainer.swift: B·L·K a step); the script
# timestamps them as they arrive and reports the N steps after the W warm-up ones:
# B·L·K·N / (time of line W+N − time of line W). finetune's own figure (from its start,
# warm-up included) is kept as "ours as printed" in the JSON.
# Theirs: Tools/bench_training_pytorch.py (read its header): Gemma3ForCausalLM with the
# GGUF's config (the 270M with its real weights through transformers' GGUF loader; the
# 4B-shaped one random), peft LoRA r=16 alpha=16 dropout 0.05 all-linear, AdamW 2e-4 wd 0.01,
# clip 0.3, f32, the same B, L, K, W warm-up + N timed steps, torch.set_num_threads(THREADS).
# Where the full model would not fit in memory (the 4B-shaped one in f32 on a 24 GB machine)
# it times 2 and 4 layers and extrapolates to the full depth: the table says "extrapolated".
#
# Differences to keep in mind: ours takes the loss (hence the output product) on the assistant
# tokens only, about L − 12 of each L here, PyTorch on all L − 1 next tokens; ours keeps each
# layer's activations while a quarter of the machine's memory lasts and recomputes the layers
# past it in the backward pass, PyTorch keeps all activations unless --checkpointing. Peak RSS is wait4's ru_maxrss of each process: model
# loading counts (transformers' GGUF loader holds dequantized copies while it loads; the JSON
# also gives the PyTorch training's own peak, VmHWM reset before the first step).
#
# Everything is kept under $MEDGEMMA_BENCH_DIR (default ~/.cache/medgemma/bench)/
# training-vs-pytorch-<UTC time>/: the data, both logs, both JSONs and table.md. On a shared
# machine the numbers are low and noisy (the busy cores of other processes are shown); rerun
# idle.
#
# Usage: Tools/bench-training-vs-pytorch.sh [MODEL.gguf ...] [--steps N] [--warmup W]
#            [--batch B] [--length L] [--accumulate K] [--threads T] [--checkpointing]
#            [--torch-layers auto|N|A,B] [--torch-dtype f32|bf16] [--only ours|pytorch]
# Defaults: the 270M; 3 timed steps after 1 warm-up, B 4, L 128, K 1, threads = cores
# (what ours uses). The Python with torch, transformers ≥ 5, peft and gguf:
# $MEDGEMMA_TORCH_PYTHON (default python3). The 4B-shaped model: Tools/make_4b_shaped_model.py
# (~/.cache/medgemma/bench/medgemma-4b-shaped-q4_k_m.gguf); one of its steps takes minutes.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/medgemma
export MEDGEMMA_BIN=${MEDGEMMA_BIN:-$here/../.build/release/medgemma}
export MEDGEMMA_BENCH_DIR=${MEDGEMMA_BENCH_DIR:-$cache/bench}
export MEDGEMMA_TORCH_PYTHON=${MEDGEMMA_TORCH_PYTHON:-python3}

case " $* " in *" -h "*|*" --help "*) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac

MEDGEMMA_TOOLS=$here PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}" exec python3 - "$@" <<'PY'
import argparse, json, os, random, re, subprocess, sys, threading, time
import bench_machine as machine   # Tools/bench_machine.py: how busy the machine is

here = os.environ["MEDGEMMA_TOOLS"]
bench_dir = os.environ["MEDGEMMA_BENCH_DIR"]
models_dir = os.path.join(os.path.dirname(bench_dir.rstrip("/")), "models")
ap = argparse.ArgumentParser(prog="bench-training-vs-pytorch.sh")
ap.add_argument("models", nargs="*", help="Gemma 3 GGUF models (default: the 270M)")
ap.add_argument("--steps", type=int, default=3, help="timed optimiser steps (3)")
ap.add_argument("--warmup", type=int, default=1, help="untimed steps first (1)")
ap.add_argument("--batch", type=int, default=4)
ap.add_argument("--length", type=int, default=128)
ap.add_argument("--accumulate", type=int, default=1)
ap.add_argument("--threads", type=int, default=os.cpu_count(), help="PyTorch threads (default: the cores, as ours)")
ap.add_argument("--checkpointing", action="store_true", help="PyTorch: gradient checkpointing on")
ap.add_argument("--torch-layers", default="auto", help="auto, N or A,B (bench_training_pytorch.py --layers)")
ap.add_argument("--torch-dtype", choices=["f32", "bf16"], default="f32")
ap.add_argument("--only", choices=["ours", "pytorch"], default=None)
args = ap.parse_args()
if args.steps < 1 or args.warmup < 1 or args.batch < 1 or args.length < 16 or args.accumulate < 1:
    ap.error("--steps ≥ 1, --warmup ≥ 1 (ours' clock starts before its first step), --batch, --accumulate ≥ 1, --length ≥ 16")
models = args.models or [os.environ.get("MEDGEMMA_MODEL", os.path.join(models_dir, "gemma-3-270m-q4_k_m.gguf"))]
for m in models:
    if not os.path.isfile(m):
        sys.exit(f"{m} not found (the 270M: Tools/fetch-model.sh; the 4B-shaped: python3 Tools/make_4b_shaped_model.py)")
ours_bin, torch_py = os.environ["MEDGEMMA_BIN"], os.environ["MEDGEMMA_TORCH_PYTHON"]
script = os.path.join(here, "bench_training_pytorch.py")
if args.only != "pytorch" and not os.access(ours_bin, os.X_OK):
    sys.exit(f"medgemma not found at {ours_bin} (make build, or set MEDGEMMA_BIN)")
if args.only != "pytorch" and subprocess.run([ours_bin, "finetune", "--help"], capture_output=True).returncode != 0:
    sys.exit(f"{ours_bin} has no finetune command: an older build (make build, or set MEDGEMMA_BIN)")
if args.only != "ours":
    probe = subprocess.run([torch_py, "-c", "import torch, transformers, peft, gguf"], capture_output=True, text=True)
    if probe.returncode != 0:
        sys.exit(f"{torch_py} lacks torch / transformers / peft / gguf ({probe.stderr.strip().splitlines()[-1:]}); "
                 "set MEDGEMMA_TORCH_PYTHON to a Python that has them")

out = os.path.join(bench_dir, "training-vs-pytorch-" + time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()))
os.makedirs(out, exist_ok=True)
B, L, K, N, W = args.batch, args.length, args.accumulate, args.steps, args.warmup
tokens_per_step = B * L * K

# The data: enough examples for every step (no epoch wraps), each assistant turn ~3 words per
# token of L so that every example is cut at exactly L tokens.
WORDS = ("the chest radiograph shows a small left pleural effusion with adjacent basilar atelectasis no focal "
         "consolidation pneumothorax or pulmonary edema heart size is normal mediastinal contours are unremarkable "
         "osseous structures intact impression findings compared prior study stable mild degenerative changes "
         "thoracic spine lungs clear bilaterally costophrenic angles sharp").split()
rng = random.Random(42)
data = os.path.join(out, "train.jsonl")
with open(data, "w") as f:
    for i in range(max(8, B * K * (N + W))):
        text = " ".join(rng.choice(WORDS) for _ in range(3 * L)) + "."
        f.write(json.dumps({"messages": [{"role": "user", "content": f"Read study {i + 1}."},
                                         {"role": "assistant", "content": text}]}) + "\n")

def run_timed(cmd, log_path, on_line):
    """Runs cmd with stderr piped (each line timestamped and passed to on_line), stdout to a
    string; returns (stdout, code, maxrss bytes, wall s, cores others used)."""
    b0, _ = machine.cpu()
    w0 = time.monotonic()
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
        chunks = []
        reader = threading.Thread(target=lambda: chunks.append(proc.stdout.read()))
        reader.start()
        for line in proc.stderr:
            now = time.monotonic()
            log.write(f"[{now - w0:9.3f}] {line}")
            log.flush()
            on_line(now, line.rstrip("\n"))
        reader.join()
        _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - w0
    b1, _ = machine.cpu()
    others = max(((b1 - b0) / machine.TICK - usage.ru_utime - usage.ru_stime) / max(wall, 1e-9), 0.0)
    return "".join(chunks), proc.returncode, usage.ru_maxrss * 1024, wall, others

def ours(model, tag):
    steps, info = [], {}
    def on_line(now, line):
        m = re.match(r"step (\d+)/(\d+)\s+loss (\S+).*?(\d+) tok/s", line)
        if m:
            steps.append((int(m.group(1)), now, float(m.group(3)), int(m.group(4))))
            print(f"    ours  {line}", flush=True)
        m = re.search(r"\(f32 training; dequantize (\S+), sgemm ([^)]+)\)", line)
        if m:
            info["kernel"] = f"dequantize {m.group(1)}, sgemm {m.group(2)}"
    cmd = [ours_bin, "finetune", "--model", model, "--data", data, "--out", os.path.join(out, tag + "-adapter.gguf"),
           "--steps", str(N + W), "--batch", str(B), "--accumulate", str(K), "--max-length", str(L), "--force"]
    _, code, rss, wall, others = run_timed(cmd, os.path.join(out, tag + "-ours.log"), on_line)
    if code != 0 or len(steps) < N + W:
        sys.exit(f"{' '.join(cmd)} failed (exit status {code}, {len(steps)} step lines); see {out}/{tag}-ours.log")
    (_, t_w, _, _), (_, t_end, loss_last, printed) = steps[W - 1], steps[-1]
    seconds = t_end - t_w
    res = {"tool": "medgemma finetune", "cmd": cmd, "tokens_per_second": tokens_per_step * N / seconds,
           "seconds_per_step": seconds / N, "tokens_per_second_as_printed": printed,
           "step_seconds": [round(b[1] - a[1], 3) for a, b in zip(steps[W - 1:], steps[W:])],
           "loss_last": loss_last, "peak_rss_bytes": rss, "wall": wall, "others": others,
           "kernel_path": info.get("kernel", "?")}
    json.dump(res, open(os.path.join(out, tag + "-ours.json"), "w"), indent=1)
    return res

def theirs(model, tag):
    def on_line(now, line):
        if line.lstrip().startswith(("step ", "model:", "LoRA", "PyTorch", "B=")) or "tok/s" in line:
            print(f"    torch {line.strip()}", flush=True)
    cmd = [torch_py, script, "--model", model, "--steps", str(N), "--warmup", str(W), "--batch", str(B),
           "--length", str(L), "--accumulate", str(K), "--threads", str(args.threads), "--layers", args.torch_layers,
           "--dtype", args.torch_dtype] + (["--checkpointing"] if args.checkpointing else [])
    stdout, code, rss, wall, others = run_timed(cmd, os.path.join(out, tag + "-pytorch.log"), on_line)
    lines = [l for l in stdout.splitlines() if l.startswith("{")]
    if code != 0 or not lines:
        sys.exit(f"{' '.join(cmd)} failed (exit status {code}); see {out}/{tag}-pytorch.log")
    res = json.loads(lines[-1])
    res.update(cmd=cmd, wall=wall, others=others, process_peak_rss_bytes=rss)
    json.dump(res, open(os.path.join(out, tag + "-pytorch.json"), "w"), indent=1)
    return res

print(f"B={B} L={L} K={K} ({tokens_per_step} tokens a step), {W} warm-up + {N} timed steps; PyTorch threads "
      f"{args.threads}, ours every core ({os.cpu_count()}); results in {out}", flush=True)
machine.busy_before()
rows = []
for i, model in enumerate(models):
    tag = f"{i + 1}-" + os.path.splitext(os.path.basename(model))[0]
    print(f"{os.path.basename(model)}:", flush=True)
    o = ours(model, tag) if args.only != "pytorch" else None
    if o:
        print(f"  ours     {o['tokens_per_second']:.1f} tok/s ({o['seconds_per_step']:.2f} s/step), peak RSS "
              f"{o['peak_rss_bytes'] / 2**20:.0f} MiB [{o['wall']:.0f} s, others {o['others']:.2f} cores]", flush=True)
        machine.warn_shared(o["others"], "ours")
    t = theirs(model, tag) if args.only != "ours" else None
    if t:
        print(f"  PyTorch  {t['tokens_per_second']:.1f} tok/s ({t['seconds_per_step']:.2f} s/step, {t['mode']}), peak RSS "
              f"{t['process_peak_rss_bytes'] / 2**20:.0f} MiB [{t['wall']:.0f} s, others {t['others']:.2f} cores]", flush=True)
        machine.warn_shared(t["others"], "PyTorch")
    rows.append((model, o, t))

def mib(b):
    return f"{b / 2**20:.0f} MiB" if b else "–"

lines = ["| model | ours tok/s | PyTorch tok/s | ratio | ours peak RSS | PyTorch peak RSS (training alone) | kernel path ours / PyTorch |",
         "|---|---|---|---|---|---|---|"]
for model, o, t in rows:
    name = os.path.basename(model)
    ot = f"{o['tokens_per_second']:.1f}" if o else "–"
    if t:
        tt = f"{t['tokens_per_second']:.1f}"
        if t["mode"] != "full":
            tt += f" ({t['mode']}: layers {','.join(map(str, t['layers_run']))} of {t['layers_full']})"
        tt += f", {t['weights']} weights"
        trss = mib(t["process_peak_rss_bytes"]) + (f" ({mib(t['training_peak_rss_bytes'])})" if t.get("training_peak_rss_bytes") else "")
    else:
        tt, trss = "–", "–"
    ratio = f"{o['tokens_per_second'] / t['tokens_per_second']:.2f}×" if o and t else "–"
    kp = f"{o['kernel_path'] if o else '–'} / {t['kernel_path'] + (', ' + t['dtype']) + (', checkpointing' if t['checkpointing'] else '') if t else '–'}"
    lines.append(f"| {name} | {ot} | {tt} | {ratio} | {mib(o['peak_rss_bytes']) if o else '–'} | {trss} | {kp} |")
shared = any((r and r["others"] > machine.SHARED_DURING_LIMIT) for _, o, t in rows for r in (o, t))
lines += ["", f"B={B}, L={L}, K={K}: {tokens_per_step} tokens a step (every id of every sequence, as `medgemma finetune` "
          f"counts); tok/s over {N} timed steps after {W} warm-up; PyTorch {args.threads} threads, ours every core; "
          f"LoRA r=16 alpha=16 dropout 0.05 all-linear, AdamW 2e-4, clip 0.3."
          + (" The machine was shared during some runs: low, noisy numbers." if shared else "")]
table = "\n".join(lines)
open(os.path.join(out, "table.md"), "w").write(table + "\n")
print("\n" + table)
PY
