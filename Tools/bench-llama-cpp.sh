#!/usr/bin/env bash
# Benchmarks llama.cpp on the default model, for the README's performance comparison with
# `medgemma bench`: prompt processing of 512 tokens (pp512) and generation of 128 tokens
# (tg128), 2 threads, 3 repetitions, llama-bench's defaults otherwise (batch 2048, ubatch
# 512, F16 K/V cache, flash attention auto = on for CPU, warm-up run first).
#
#   Tools/bench-llama-cpp.sh [MODEL] [extra llama-bench args ...]
#
# It builds llama-bench first if needed (Tools/build-llama-cpp.sh; a no-op when built),
# prints llama-bench's markdown table, then a one-line summary (mean ± stddev t/s over the
# repetitions), and keeps llama-bench's JSON (-oe json) in
# $BENCH_JSON (default ~/.cache/medgemma/bench/llama-bench-<UTC time>.json).
#
# The machine is shared: the script prints the 1-minute load average before and after, and
# warns when it is above 1 (another heavy process is running; numbers will be low, rerun).
# THREADS=N changes -t (default 2).
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

load() { cut -d' ' -f1 /proc/loadavg; }
check_load() {
    if awk -v l="$(load)" 'BEGIN { exit !(l > 1.0) }'; then
        echo "warning: load average $(load) $1: another process is using the CPUs; the numbers are not trustworthy, rerun when the machine is idle." >&2
    fi
}
echo "load average before: $(load)"
check_load "before the run"

"$bench" -m "$model" -t "$threads" -p 512 -n 128 -r 3 -o md -oe json "$@" 2>"$json"

echo "load average after: $(load)"
python3 - "$json" <<'EOF'
import json, sys
rows = json.load(open(sys.argv[1]))
for r in rows:
    name = f"pp{r['n_prompt']}" if r["n_prompt"] else f"tg{r['n_gen']}"
    s = r["samples_ts"]
    print(f"{name}: {r['avg_ts']:.2f} ± {r['stddev_ts']:.2f} t/s  "
          f"(samples {', '.join(f'{x:.2f}' for x in s)}; threads {r['n_threads']}, "
          f"{r['build_commit']}, {r['cpu_info']})")
EOF
echo "JSON: $json"
