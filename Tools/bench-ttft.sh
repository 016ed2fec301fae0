#!/usr/bin/env bash
# Time to first token of an image question in the workstation, as a person meets it: the
# release binary in a 200×60 tmux pane with a model and mmproj (default: the MedGemma-4B-
# shaped pair of Tools/make_4b_shaped_model.py and Tools/make_benchmark_mmproj.py --4b), a
# study whose case context is long (samples/cxr-01's image with a ~230-word history), the
# case context prefilled and the image encoded in the background first (the script waits for
# the embedding file; the image waits for the context), then one question sent with the
# image. Prints the reply's timing line ("prompt N tokens (+M cached) at … tok/s, first token
# after S s, …"). Uses its own XDG folders under a temporary directory.
#
#   Tools/bench-ttft.sh [MODEL MMPROJ]      (MEDGEMMA_BIN: the binary, default .build/release/medgemma)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bench=${XDG_CACHE_HOME:-$HOME/.cache}/medgemma/bench
model=${1:-$bench/medgemma-4b-shaped-q4_k_m.gguf}
mmproj=${2:-$bench/mmproj-siglip-so400m-random-2560.gguf}
bin=${MEDGEMMA_BIN:-$here/.build/release/medgemma}
for f in "$model" "$mmproj" "$bin"; do [ -e "$f" ] || { echo "missing: $f" >&2; exit 1; }; done
command -v tmux >/dev/null || { echo "tmux is needed (Tools/install-deps.sh --test)" >&2; exit 1; }

# Its own tmux session: two runs at once (another checkout's) must not type into each other.
session=medgemma-ttft-$$
work=$(mktemp -d); trap 'tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"' EXIT
study=$work/study; mkdir -p "$study" "$work/config" "$work/data" "$work/cache" "$work/state"
cp "$here"/samples/cxr-01/*.png "$study/"
python3 - "$here/samples/cxr-01/case.json" "$study/case.json" <<'PY'
import json, sys
case = json.load(open(sys.argv[1]))
case["id"], case["title"] = "ttft", "Time to first token: long case context"
case["history"] = " ".join([
    "68-year-old woman with three months of progressive exertional breathlessness, now on one flight of stairs,",
    "two-pillow orthopnoea and bilateral ankle swelling worse in the evenings. Hypertension for 15 years on",
    "amlodipine and ramipril, type 2 diabetes on metformin (HbA1c 58 mmol/mol), ex-smoker of 30 pack-years,",
    "myocardial infarction with a stent to the left anterior descending artery eight years ago. No chest pain,",
    "haemoptysis, fever or weight loss. Pulse 96 irregularly irregular, blood pressure 148/88, respiratory rate 22,",
    "saturation 92% on air, jugular venous pressure 5 cm above the sternal angle, bibasal crackles, pitting oedema",
    "to the mid-shins. ECG: atrial fibrillation about 100/min, Q waves V1-V3. NT-proBNP 3400 ng/L, creatinine",
    "118 umol/L, eGFR 41, potassium 4.9, sodium 134, haemoglobin 118 g/L, CRP 8. Echocardiogram booked. A chest",
    "radiograph two years ago was reported as normal heart size with clear lungs. Lives alone, independent; wants",
    "to know whether the breathlessness is from her heart or her lungs. Also takes atorvastatin 80 mg, aspirin",
    "75 mg and bisoprolol 2.5 mg, recently started. Penicillin allergy (rash). Father died of a stroke at 72."])
json.dump(case, open(sys.argv[2], "w"), indent=2)
PY

tmux new-session -d -s "$session" -x 200 -y 60 \
  "env XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data XDG_CACHE_HOME=$work/cache XDG_STATE_HOME=$work/state \
   $bin --model $model --mmproj $mmproj --study $study"
start=$(date +%s)
until find "$work/cache" -type f -path '*embeddings*' | grep -q .; do
  sleep 1
  [ $(( $(date +%s) - start )) -lt 600 ] || { echo "the image was not encoded within 600 s" >&2; exit 1; }
done
echo "image encoded in the background after $(( $(date +%s) - start )) s"
sleep 2
# Four tokens are enough for the first one; the command line is reached from the image pane.
tmux send-keys -t "$session" Tab Tab; sleep 0.5
tmux send-keys -t "$session" ":"; sleep 0.5
tmux send-keys -t "$session" -l "set max-tokens 4"; tmux send-keys -t "$session" Enter; sleep 1
tmux send-keys -t "$session" BTab BTab; sleep 0.5
tmux send-keys -t "$session" -l "Describe the heart size and the lung fields on this radiograph."
tmux send-keys -t "$session" Enter
for _ in $(seq 1 300); do
  sleep 1
  line=$(tmux capture-pane -p -t "$session" | grep -o "prompt [0-9]* tokens[^│]*first token after [0-9.]* s[^│]*" | head -1 || true)
  [ -n "$line" ] && { echo "$line" | sed 's/ *$//'; exit 0; }
done
echo "no timing line within 300 s" >&2
exit 1
