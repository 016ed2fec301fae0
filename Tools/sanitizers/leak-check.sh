#!/usr/bin/env bash
# LeakSanitizer over the product's own commands (`make test-leaks`): each command of
# `medgemma` runs once, from an AddressSanitizer build, on the default model and the
# samples, with MEDGEMMA_LEAK_CHECK=1 so the check runs before `_exit` (LeakCheck.swift).
# The test bundle is no place for this: XCTest keeps every test case to the end and
# LeakSanitizer reports all they hold. Prints one line a command; exits 1 if any leaked.
#   usage: Tools/sanitizers/leak-check.sh MEDGEMMA_BINARY MODEL.gguf
set -uo pipefail
B=$1 M=$2
# Without LeakSanitizer's runtime in the binary every command would pass unchecked.
nm -D "$B" | grep -q ' __lsan_do_recoverable_leak_check$' || { echo "$B has no LeakSanitizer runtime (build with --sanitize=address)" >&2; exit 1; }
cd "$(dirname "$0")/../.."
out=$(mktemp -d "${TMPDIR:-/tmp}/medgemma-leaks.XXXXXX")
trap 'rm -rf "$out"' EXIT
export MEDGEMMA_LEAK_CHECK=1 ASAN_OPTIONS=detect_leaks=1:detect_stack_use_after_return=1
export XDG_DATA_HOME=$out/data XDG_CACHE_HOME=$out/cache XDG_CONFIG_HOME=$out/config
symbolizer=$(dirname "$(command -v swift)")/llvm-symbolizer
test -x "$symbolizer" && export ASAN_SYMBOLIZER_PATH=$symbolizer
head -c 6000 README.md > "$out/text.txt"
head -3 samples/finetune/train.jsonl > "$out/train.jsonl"
ct=samples/ct-01/ct_tcia_pancreas-ct_PANCREAS_0001_j2k_original.dcm
cxr=samples/cxr-01/cxr_nih_chestxray14_00000001_000.png
failed=0
run() {
    local name=$1; shift
    timeout 900 "$@" > "$out/$name.out" 2> "$out/$name.err"
    local rc=$?
    local summary; summary=$(grep -h '^SUMMARY' "$out/$name.err")
    printf '%-10s exit %3d  %s\n' "$name" "$rc" "${summary:-no leak}"
    if [ "$rc" -ne 0 ]; then failed=1; test -n "$summary" && cat "$out/$name.err" || tail -3 "$out/$name.err"; fi
}
run info      "$B" info "$M"
run dicom     "$B" info "$ct"
run view      "$B" view --graphics ascii "$cxr"
run convert   "$B" convert "$ct" "$out/ct.png"
run tokenize  "$B" tokenize --model "$M" "A chest X-ray shows no acute findings."
run ask       "$B" ask --model "$M" --max-tokens 24 --temperature 0 "What is a chest X-ray?"
run generate  "$B" generate --model "$M" --max-tokens 16 --prompt "The heart"
run logits    "$B" logits --model "$M" "The heart"
run perplexity "$B" perplexity --model "$M" --ctx 256 "$out/text.txt"
run report    "$B" report --model "$M" --max-tokens 24 --out "$out/reports" samples/cxr-01
run eval      "$B" eval --model "$M" --limit 4 samples/eval/mcq.jsonl
run finetune  "$B" finetune --model "$M" --data "$out/train.jsonl" --out "$out/a.gguf" --steps 2 --max-length 128
run lora      "$B" ask --model "$M" --lora "$out/a.gguf" --max-tokens 8 --temperature 0 "Hello"
run export    "$B" export --model "$M" --lora "$out/a.gguf" --out "$out/merged.gguf"
run models    "$B" models
exit $failed
