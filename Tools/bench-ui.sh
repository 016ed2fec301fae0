#!/bin/sh
# Frame time of a full redraw at 200×60 and input latency while a reply streams, measured
# inside the workstation (MEDGEMMA_UI_TRACE) while tmux drives it like a person.
#   Tools/bench-ui.sh [MEDGEMMA_BINARY] [MODEL]
# Prints the medians and worst cases; the raw per-frame trace is kept in $TRACE.
set -eu
BIN=${1:-.build/release/medgemma}
MODEL=${2:-${MEDGEMMA_MODELS:-${XDG_CACHE_HOME:-$HOME/.cache}/medgemma/models}/gemma-3-270m-q4_k_m.gguf}
TRACE=${TRACE:-/tmp/medgemma-ui-trace.txt}
SESSION=medgemma-bench-ui-$$
command -v tmux >/dev/null || { echo "bench-ui: needs tmux" >&2; exit 1; }
[ -x "$BIN" ] || { echo "bench-ui: build first (make build): $BIN missing" >&2; exit 1; }
rm -f "$TRACE"
tmux -L "$SESSION" new-session -d -x 200 -y 60 \
  "env LANG=C.UTF-8 COLORTERM=truecolor MEDGEMMA_UI_TRACE='$TRACE' '$BIN' --model '$MODEL' --samples samples"
trap 'tmux -L "$SESSION" kill-server 2>/dev/null || true' EXIT
wait_for() { i=0; while ! tmux -L "$SESSION" capture-pane -p | grep -q "$1"; do i=$((i+1)); [ $i -gt 600 ] && { echo "bench-ui: timed out waiting for $1" >&2; exit 1; }; sleep 0.1; done; }
wait_for "in-process · idle"
# Full redraws while idle (Ctrl-L repaints every cell).
for i in $(seq 20); do tmux -L "$SESSION" send-keys C-l; sleep 0.15; done
# A question, then typing while the reply streams.
tmux -L "$SESSION" send-keys -l "Describe this chest X-ray in detail."
tmux -L "$SESSION" send-keys Enter
wait_for "generating"
for i in $(seq 40); do tmux -L "$SESSION" send-keys -l "x"; sleep 0.1; done
for i in $(seq 5); do tmux -L "$SESSION" send-keys C-l; sleep 0.15; done
tmux -L "$SESSION" send-keys Escape
wait_for "in-process · idle"
tmux -L "$SESSION" send-keys C-u   # the typed x's: quitting with a draft would ask first
tmux -L "$SESSION" send-keys C-c C-c
i=0; while [ ! -s "$TRACE" ] && [ $i -lt 100 ]; do i=$((i+1)); sleep 0.1; done
summary() { # label, awk filter, column (mawk-compatible: sorted by sort -n)
  awk "$2"' { print $'"$3"' }' "$TRACE" | sort -n | awk -v label="$1" '{ v[++n] = $1 } END {
    if (n == 0) { printf "%-44s no samples\n", label; exit }
    p = int(n * 0.95 + 0.999); if (p > n) p = n
    printf "%-44s median %6.2f ms  p95 %6.2f ms  max %6.2f ms  (%d frames)\n", label,
      v[int((n + 1) / 2)] / 1000, v[p] / 1000, v[n] / 1000, n }'
}
echo "medgemma UI at 200×60 ($(nproc) cores), trace in $TRACE"
summary "full redraw, idle" '$2 == 1 && $3 == 0' 1
summary "full redraw, while generating" '$2 == 1 && $3 == 1' 1
summary "key → frame on screen, while generating" '$3 == 1 && $4 != "-"' 4
summary "streaming frame (no key), while generating" '$3 == 1 && $4 == "-" && $2 == 0' 1
