#!/usr/bin/env bash
# Benchmarks llama.cpp on the default model, for the README's performance comparison with
# `medgemma bench`: prompt processing of 512 tokens (pp512) and generation of 128 tokens
# (tg128), 2 threads, 3 repetitions, llama-bench's defaults otherwise (batch 2048, ubatch
# 512, F16 K/V cache, flash attention auto = on for CPU, one warm-up run first).
#
#   Tools/bench-llama-cpp.sh [MODEL] [extra llama-bench args ...]
#
# It builds llama-bench first if needed (Tools/build-llama-cpp.sh; a no-op when built),
# prints llama-bench's markdown table, then a one-line summary per test (mean ± stddev t/s
# and the individual repetitions), and keeps llama-bench's JSON (-oe json) in
# $BENCH_JSON (default ~/.cache/medgemma/bench/llama-bench-<UTC time>.json).
#
# The machine is shared: the script measures how many cores are busy just before the run
# and how much CPU other processes used during it (all busy time from /proc/stat minus
# llama-bench's own rusage; Tools/bench_machine.py, shared with Tools/bench-vs-llama-cpp.sh),
# and warns when either is significant: then the numbers are low and noisy; rerun when the
# machine is idle. THREADS=N changes -t (default 2).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/medgemma
model=${1:-$cache/models/gemma-3-270m-q4_k_m.gguf}
shift $(( $# > 0 ? 1 : 0 ))
threads=${THREADS:-2}

[ -f "$model" ] || { echo "model not found: $model (run Tools/fetch-model.sh)" >&2; exit 1; }
"$here/build-llama-cpp.sh" >/dev/null
bench=${MEDGEMMA_LLAMA_CPP:-$cache/llama.cpp}/bin/llama-bench

json=${BENCH_JSON:-$cache/bench/llama-bench-$(date -u +%Y%m%dT%H%M%SZ).json}
mkdir -p "$(dirname "$json")"

PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}" python3 - "$bench" "$model" "$threads" "$json" "$@" <<'PY'
import json, sys
import bench_machine as machine   # Tools/bench_machine.py: how busy the machine is

bench, model, threads, json_path, extra = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]

# 1. How busy is the machine right now (the load average lags by minutes)?
machine.busy_before()

# 2. llama-bench: the markdown table to stdout, the JSON (-oe json) into the file.
cmd = [bench, "-m", model, "-t", threads, "-p", "512", "-n", "128", "-r", "3",
       "-o", "md", "-oe", "json", *extra]
with open(json_path, "w") as err:
    r = machine.run(cmd, stderr=err)
if r["code"] != 0:
    sys.stderr.write(open(json_path).read()[-2000:])
    sys.exit(f"llama-bench failed (exit status {r['code']})")

# 3. CPU used by everything else during the run = all busy time - llama-bench's own.
print(f"during the run ({r['wall']:.0f} s): other processes used {r['others']:.2f} cores on average "
      f"(load average after {machine.load()})")
machine.warn_shared(r["others"])

for r in json.load(open(json_path)):
    name = f"pp{r['n_prompt']}" if r["n_prompt"] else f"tg{r['n_gen']}"
    print(f"{name}: {r['avg_ts']:.2f} ± {r['stddev_ts']:.2f} t/s  "
          f"(samples {', '.join(f'{x:.2f}' for x in r['samples_ts'])}; threads {r['n_threads']}, "
          f"build {r['build_commit']}, {r['cpu_info']})")
print(f"JSON: {json_path}")
PY
