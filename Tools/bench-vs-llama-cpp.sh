#!/usr/bin/env bash
# Measures the engine beside llama.cpp on the same files, same threads, interleaved
# (ours, theirs, ours, theirs, ... ROUNDS rounds) so a busy moment hurts both, and prints a
# Markdown table of the ratios. Three parts, each can run alone (--only, repeatable or
# comma-separated):
#
#   270m    the default gemma-3-270m Q4_K_M: pp512 and tg128
#   4b      the MedGemma-4B-shaped Q4_K_M (Tools/make_4b_shaped_model.py): pp512 and tg64
#   vision  one 896² image through the 4B-shaped mmproj (Tools/make_benchmark_mmproj.py --4b)
#
# Ours: `medgemma bench --json -p PP -n TG -t THREADS -r REPS --model M` (the release binary
# .build/release/medgemma, or $MEDGEMMA_BIN; it is only run, never built here); the vision
# part `medgemma bench --json --model M4B --mmproj P -p 0 -n 0 -r 1`, whose image tokens/s
# gives the seconds per image (256 image tokens per image, Gemma 3's projector; the JSON's two
# decimals of tokens/s make that good to about 0.4%).
# Theirs: `llama-bench -m M -t THREADS -p PP -n TG -r REPS -o json` and
# `llama-mtmd-cli -m M4B --mmproj P --image PNG -p ... -n 1 -t THREADS -c 4096
# --chat-template gemma`, whose "mtmd batch encoding done in N ms" is the encode time; built
# by Tools/build-llama-cpp.sh (a no-op when built) from the llama.cpp inside the installed
# llama-cpp-python. Both tools run one warm-up pass of each text test first; the image is
# encoded once, cold, by both. The image for llama-mtmd-cli is a made-up 896×896 PNG
# (bench-896.png in the bench folder; --image to use another; medgemma bench draws random
# pixels — the encoder's work does not depend on them).
#
# Per round each tool gives one number per test (the median of its REPS repetitions);
# the table shows the median and min–max over the rounds, and the ratio of the medians as a
# speed ratio (> 1: ours is faster; for seconds per image, theirs / ours). Then the peak
# resident memory of every run (wait4's ru_maxrss: mapped model pages that were touched
# count), the CPU (model, avx2 / avx_vnni / avx512_vnni / avx512_bf16), llama.cpp's commit,
# and how much CPU other processes took during the runs (Tools/bench_machine.py, shared with
# Tools/bench-llama-cpp.sh): on a shared machine the numbers are low and noisy, rerun idle.
# Every run's JSON, log and figures are kept under $MEDGEMMA_BENCH_DIR (default
# ~/.cache/medgemma/bench)/vs-llama-cpp-<UTC time>/, the table in its table.md.
#
# Usage: Tools/bench-vs-llama-cpp.sh [--only 270m|4b|vision ...] [--rounds N] [--reps N]
#            [--threads N] [--pp N] [--tg N] [--tg-4b N] [--model-270m GGUF] [--model-4b GGUF]
#            [--mmproj-4b GGUF] [--image PNG]
# Defaults: all three parts, 3 rounds, 1 repetition per round, 2 threads, pp 512, tg 128
# (270M) and 64 (4B). One 4B round takes several minutes on 2 cores; vision about two.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/medgemma
export MEDGEMMA_BIN=${MEDGEMMA_BIN:-$here/../.build/release/medgemma}
export MEDGEMMA_BENCH_DIR=${MEDGEMMA_BENCH_DIR:-$cache/bench}
llama=${MEDGEMMA_LLAMA_CPP:-$cache/llama.cpp}

case " $* " in *" -h "*|*" --help "*) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac

[ -x "$MEDGEMMA_BIN" ] || { echo "medgemma not found at $MEDGEMMA_BIN (make build, or set MEDGEMMA_BIN)" >&2; exit 1; }
built=$("$here/build-llama-cpp.sh" | tee /dev/stderr)
export LLAMA_CPP_DESCRIPTION=$(printf '%s\n' "$built" | grep '^llama-cpp-python ' | tail -1)
export LLAMA_BENCH=$llama/bin/llama-bench LLAMA_MTMD_CLI=$llama/bin/llama-mtmd-cli

PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}" exec python3 - "$@" <<'PY'
import argparse, json, os, re, statistics, struct, subprocess, sys, time, zlib
import bench_machine as machine   # Tools/bench_machine.py: how busy the machine is

bench_dir = os.environ["MEDGEMMA_BENCH_DIR"]
models = os.path.join(os.path.dirname(bench_dir.rstrip("/")), "models")
ap = argparse.ArgumentParser(prog="bench-vs-llama-cpp.sh")
ap.add_argument("--only", action="append", default=[], help="270m, 4b, vision (repeatable, or comma-separated)")
ap.add_argument("--rounds", type=int, default=3)
ap.add_argument("--reps", type=int, default=1, help="repetitions per tool per round (default 1)")
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--pp", type=int, default=512)
ap.add_argument("--tg", type=int, default=128, help="generated tokens, 270M (default 128)")
ap.add_argument("--tg-4b", type=int, default=64, help="generated tokens, 4B (default 64)")
ap.add_argument("--model-270m", default=os.environ.get("MEDGEMMA_MODEL", os.path.join(models, "gemma-3-270m-q4_k_m.gguf")))
ap.add_argument("--model-4b", default=os.path.join(bench_dir, "medgemma-4b-shaped-q4_k_m.gguf"))
ap.add_argument("--mmproj-4b", default=os.path.join(bench_dir, "mmproj-siglip-so400m-random-2560.gguf"))
ap.add_argument("--image", default=None, help="PNG for llama-mtmd-cli (default: a made-up 896×896 one)")
args = ap.parse_args()
parts = [p for o in args.only for p in o.split(",") if p] or ["270m", "4b", "vision"]
for p in parts:
    if p not in ("270m", "4b", "vision"):
        ap.error(f"--only: unknown part {p!r} (270m, 4b, vision)")

ours_bin, llama_bench, mtmd = os.environ["MEDGEMMA_BIN"], os.environ["LLAMA_BENCH"], os.environ["LLAMA_MTMD_CLI"]
T = str(args.threads)
IMAGE_TOKENS = 256     # Gemma 3's projector: 64×64 patches pooled 4×4
need = {"270m": [args.model_270m], "4b": [args.model_4b], "vision": [args.model_4b, args.mmproj_4b]}
hints = {args.model_270m: "Tools/fetch-model.sh", args.model_4b: "python3 Tools/make_4b_shaped_model.py",
         args.mmproj_4b: "python3 Tools/make_benchmark_mmproj.py --4b"}
for p in parts:
    for f in need[p]:
        if not os.path.isfile(f):
            sys.exit(f"{f} not found (make it with {hints.get(f, '?')}), needed by --only {p}")

out = os.path.join(bench_dir, "vs-llama-cpp-" + time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()))
os.makedirs(out, exist_ok=True)
runs = []       # every run: part, tool, round, figures, rss, others, wall

def png(path, size=896):
    """A made-up greyscale 'radiograph': a vertical gradient, two bright discs, some noise."""
    rows = bytearray()
    seed = 12345
    for y in range(size):
        rows.append(0)
        for x in range(size):
            seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
            v = 40 + 120 * y // size + (seed >> 16) % 24
            for cx in (size // 3, 2 * size // 3):
                if (x - cx) ** 2 + (y - size // 2) ** 2 < (size // 6) ** 2:
                    v += 60
            rows.append(min(v, 255))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    with open(path + ".part", "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(bytes(rows), 6)) + chunk(b"IEND", b""))
    os.replace(path + ".part", path)

def run(part, tool, rnd, cmd, parse):
    tag = f"{part}-{tool}-{rnd}"
    before = machine.busy_now(0.5)
    with open(os.path.join(out, tag + ".out"), "w") as o, open(os.path.join(out, tag + ".log"), "w") as e:
        r = machine.run(cmd, stdout=o, stderr=e)
    text_out = open(os.path.join(out, tag + ".out")).read()
    text_log = open(os.path.join(out, tag + ".log")).read()
    if r["code"] != 0:
        sys.stderr.write(text_log[-3000:])
        sys.exit(f"{' '.join(cmd)} failed (exit status {r['code']}); see {out}/{tag}.log")
    figures = parse(text_out, text_log)
    runs.append({"part": part, "tool": tool, "round": rnd, "cmd": cmd, "figures": figures,
                 "maxrss": r["maxrss"], "others": r["others"], "busy_before": before, "wall": r["wall"]})
    shown = ", ".join(f"{k} {v:.2f}" for k, v in figures.items())
    note = "  (shared!)" if r["others"] > machine.SHARED_DURING_LIMIT or before > machine.BUSY_BEFORE_LIMIT else ""
    print(f"  round {rnd} {tool:9s} {shown}  [{r['wall']:.0f} s, peak RSS {r['maxrss'] / 1e6:.0f} MB, "
          f"busy before {before:.2f}, others {r['others']:.2f} cores]{note}", flush=True)

def ours_text(o, _):
    return {f"{x['test']} tok/s": x["tokens_per_second"]["median"] for x in json.loads(o)}

def theirs_text(o, _):
    res = {}
    for x in json.loads(o):
        name = f"pp{x['n_prompt']}" if x["n_prompt"] else f"tg{x['n_gen']}"
        res[f"{name} tok/s"] = statistics.median(x["samples_ts"])
        runs_meta["llama-bench"] = {"build_commit": x.get("build_commit"), "cpu_info": x.get("cpu_info"),
                                    "backends": x.get("backends"), "flash_attn": x.get("flash_attn")}
    return res

def ours_image(o, _):
    (x,) = [x for x in json.loads(o) if x["test"].startswith("image")]
    return {"s/image": IMAGE_TOKENS / x["tokens_per_second"]["median"]}

def theirs_image(_, log):
    m = re.findall(r"mtmd batch encoding done in (\d+) ms", log) or re.findall(r"image slice encoded in (\d+) ms", log)
    if not m:
        sys.exit("no encode time in llama-mtmd-cli's log ('mtmd batch encoding done in N ms')")
    return {"s/image": sum(int(v) for v in m) / 1000}

runs_meta = {}
print(f"parts {', '.join(parts)}; {args.rounds} rounds, {args.reps} repetition(s) each, {T} threads; results in {out}")
machine.busy_before()

for part in parts:
    if part in ("270m", "4b"):
        model = args.model_270m if part == "270m" else args.model_4b
        tg = args.tg if part == "270m" else args.tg_4b
        print(f"{part}: {os.path.basename(model)} pp{args.pp} tg{tg}", flush=True)
        for rnd in range(1, args.rounds + 1):
            run(part, "medgemma", rnd, [ours_bin, "bench", "--json", "-p", str(args.pp), "-n", str(tg), "-t", T,
                                        "-r", str(args.reps), "--model", model], ours_text)
            run(part, "llama.cpp", rnd, [llama_bench, "-m", model, "-t", T, "-p", str(args.pp), "-n", str(tg),
                                         "-r", str(args.reps), "-o", "json"], theirs_text)
    else:
        image = args.image or os.path.join(bench_dir, "bench-896.png")
        if not os.path.isfile(image):
            png(image)
        print(f"vision: {os.path.basename(args.mmproj_4b)} with {os.path.basename(args.model_4b)}, image {image}", flush=True)
        for rnd in range(1, args.rounds + 1):
            run(part, "medgemma", rnd, [ours_bin, "bench", "--json", "-p", "0", "-n", "0", "-r", "1", "-t", T,
                                        "--model", args.model_4b, "--mmproj", args.mmproj_4b], ours_image)
            run(part, "llama.cpp", rnd, [mtmd, "-m", args.model_4b, "--mmproj", args.mmproj_4b, "--image", image,
                                         "-p", "Describe the image.", "-n", "1", "-t", T, "-c", "4096",
                                         "--temp", "0", "--chat-template", "gemma"], theirs_image)

# The table.
def fmt(v):
    return f"{v:.2f}" if v < 100 else f"{v:.1f}"

def summary(values):
    return f"{fmt(statistics.median(values))} ({fmt(min(values))}–{fmt(max(values))})" if len(values) > 1 else fmt(values[0])

label = {"270m": "270M", "4b": "4B-shaped", "vision": "vision 896²"}
lines = ["| figure | ours (median, min–max) | llama.cpp (median, min–max) | ratio |", "|---|---|---|---|"]
for part in parts:
    figs = []
    for r in runs:
        if r["part"] == part:
            for k in r["figures"]:
                if k not in figs:
                    figs.append(k)
    for k in figs:
        ours = [r["figures"][k] for r in runs if r["part"] == part and r["tool"] == "medgemma" and k in r["figures"]]
        theirs = [r["figures"][k] for r in runs if r["part"] == part and r["tool"] == "llama.cpp" and k in r["figures"]]
        if not ours or not theirs:
            continue
        mo, mt = statistics.median(ours), statistics.median(theirs)
        ratio = mo / mt if "tok/s" in k else mt / mo
        lines.append(f"| {label[part]} {k} | {summary(ours)} | {summary(theirs)} | {ratio:.2f}× |")
lines += ["", "Ratio > 1: ours is faster (tokens/s: ours / llama.cpp; s/image: llama.cpp / ours).", "",
          "| peak RSS (max over rounds) | ours | llama.cpp |", "|---|---|---|"]
for part in parts:
    o = max((r["maxrss"] for r in runs if r["part"] == part and r["tool"] == "medgemma"), default=0)
    t = max((r["maxrss"] for r in runs if r["part"] == part and r["tool"] == "llama.cpp"), default=0)
    lines.append(f"| {label[part]} | {o / 1e6:.1f} MB | {t / 1e6:.1f} MB |")
if "vision" in parts:
    lines += ["", "Vision RSS: llama-mtmd-cli also loads the text model and runs the image tokens through "
              "it; medgemma bench only maps the text model and encodes."]

flags = set()
model_name = "?"
for line in open("/proc/cpuinfo"):
    if line.startswith("flags"):
        flags = set(line.split(":", 1)[1].split())
    elif line.startswith("model name"):
        model_name = line.split(":", 1)[1].strip()
present = [f for f in ("avx2", "avx_vnni", "avx512f", "avx512_vnni", "avx512_bf16") if f in flags]
absent = [f for f in ("avx2", "avx_vnni", "avx512f", "avx512_vnni", "avx512_bf16") if f not in flags]
others = [r["others"] for r in runs]
shared = [r for r in runs if r["others"] > machine.SHARED_DURING_LIMIT or r["busy_before"] > machine.BUSY_BEFORE_LIMIT]
try:
    version = subprocess.run([ours_bin, "--version"], capture_output=True, text=True).stdout.strip()
except OSError:
    version = "?"
lb = runs_meta.get("llama-bench", {})
lines += ["",
          f"CPU: {model_name}, {machine.NCPU} cores; has {', '.join(present) or 'none of the SIMD flags'}"
          + (f"; lacks {', '.join(absent)}" if absent else ""),
          f"llama.cpp: {os.environ.get('LLAMA_CPP_DESCRIPTION') or '?'}"
          + (f" (llama-bench build {lb['build_commit']}, backends {lb.get('backends')})" if lb else ""),
          f"ours: {version} ({os.path.realpath(ours_bin)}); {T} threads both; {args.rounds} rounds × {args.reps} repetition(s), interleaved",
          f"other processes during the runs: {statistics.mean(others):.2f} cores on average (max {max(others):.2f}); "
          f"{len(shared)} of {len(runs)} runs on a shared machine" if runs else ""]
table = "\n".join(lines)
print()
print(table)
open(os.path.join(out, "table.md"), "w").write(table + "\n")
json.dump({"parts": parts, "args": vars(args), "runs": runs, "meta": runs_meta}, open(os.path.join(out, "runs.json"), "w"), indent=1)
if shared:
    machine.warn_shared(max(others), f"{len(shared)} of the {len(runs)} runs")
print(f"\nresults: {out}/table.md, runs.json")
PY
