#!/usr/bin/env python3
"""Write the llama.cpp oracle for `medgemma eval --scoring token-mean`: Tests/Fixtures/eval/llama-mc-270m.json.

What it makes
-------------
llama-mc-270m.json   for every multiple-choice item of a task file (default
                     samples/eval/mcq.jsonl), whether llama.cpp's own
                     `llama-perplexity --multiple-choice` picks the right option with the
                     default model (the real gemma-3-270m, Q4_K_M):

    model, model_sha256      the GGUF file scored and its sha256
    llama_cpp                the version line llama-perplexity prints ("0.5.0-dev (build 1, commit 0c1e570)")
    command                  the exact command line run, the model shown by its file name and the
                             temporary binary task file as TASKS.bin
    tasks_file, tasks_sha256 the JSONL the items come from (path relative to the repository) and its sha256
    question_format          how an item becomes llama.cpp's "question": "Question: {question}\\nAnswer:";
                             each option is its text verbatim (llama.cpp adds the " " itself)
    batching                 how the fixture's run fed the tasks: one task per decode
    noise                    llama.cpp's own noise: the same tasks re-run three more ways (several tasks
                             packed into one decode; flash attention off; one token per ubatch), each
                             run's accuracy and the items whose result differs from the fixture's run
    items                    [{"id", "correct", "stable"}] in the task file's order; "correct" is the
                             fixture run's, "stable" is true when all four runs agree on the item
    n_correct, accuracy      the totals; accuracy is llama.cpp's final running accuracy, in percent
    rules                    what llama-perplexity computes (RULES below)

How to run (from the repository root, ~4 minutes on 2 shared cores; ~1 with --no-noise-check)
----------------------------------------------------------------------------------------------
    Tools/build-llama-cpp.sh                 # once: builds llama-perplexity (~13 min)
    python3 Tools/make_llama_mc_fixture.py [--tasks FILE] [--model PATH] [--llama-bin DIR]
                                           [--threads N] [--out FILE] [--no-noise-check]

Needs only python3 (standard library), the model (Tools/fetch-model.sh) and llama-perplexity
from Tools/build-llama-cpp.sh: --llama-bin DIR, else $LLAMA_CPP_BIN (a folder), else
$MEDGEMMA_LLAMA_CPP/bin, else ~/.cache/medgemma/llama.cpp/bin.

How
---
1. The task file is read as TaskFile.swift reads it (JSON Lines; blank lines and lines
   starting with '#' skipped; "options" a list, or an object of letter: text taken in
   sorted-letter order; "answer" a 0-based index or a letter). Only multiple-choice items.
2. They are written in llama-perplexity's binary multiple-choice format (all little-endian):
   uint32 n_task, uint32 task_pos[n_task] (byte offset of each task from the start of the
   file), then per task: string question, mc1 = uint32 n, n strings (the options), n int32
   labels (1 = right, 0 = wrong), mc2 = uint32 0 (no answers; llama.cpp ignores mc2). A string
   is uint32 byte length + UTF-8 bytes. The file is passed with -bf (read as bytes, nothing
   stripped; -f would drop one trailing '\\n' byte, harmless here since the file ends with
   mc2's zero count, but -bf needs no such argument).
3. llama-perplexity runs with --multiple-choice -np N -c 64 -t THREADS, N = the largest
   option count (5 here). Why: perplexity.cpp forces n_parallel = max(4, -np) for multiple
   choice, and each option of a task is its own sequence, so a 5-option task needs at least 5
   sequences ("task requires a higher -np|--parallel value"); the context is n_parallel * -c
   (padded to a multiple of 256 by llama.cpp: 5 * 64 = 320 -> 512 cells), which every task
   here fits. max_seq = min(128, n_parallel) = N also limits what is packed into one decode:
   when no two consecutive tasks have N or fewer options together (4 + 4 > 5), every task is
   decoded alone, with a cleared KV cache. The script checks that condition and says so in
   "batching". (batch_logits is n_ctx * n_vocab floats, so a small -c also keeps memory low:
   512 * 262144 * 4 bytes = 0.5 GB.)
4. It prints "k<TAB>running accuracy" (percent, 8 decimals) after each task, in order:
   n_correct after task k = round(acc * k / 100), and task k was answered right iff n_correct
   went up. The final line must say the same as "Final result".
5. Unless --no-noise-check, three more runs (VARIANTS): -np 64 -c 32 (n_ctx 2048, up to 16
   four-option tasks packed into one decode), -fa off, and -ub 1 (one token per ubatch). On
   samples/eval/mcq.jsonl they give the same or nearly the same accuracy (45.28, 43.40 and
   45.91% against 45.28%) but 6-7 items each come out the other way, 13 items in all: items
   whose best two options are close (0.002-0.27 nat of mean log-probability apart, most under
   0.13, as llama-cpp-python recomputes them) are decided by llama.cpp's own arithmetic. Those
   items get "stable": false; the fixture's "correct" is always the one-task-per-decode run's.

llama.cpp's numerics: Q8 activations in the quantized matmuls, flash attention "auto"
(enabled on CPU, F16 K/V cache). A float32 engine scoring the same items with the same
rules will flip some items whose best two options are close, as llama.cpp's own runs do
(see "noise"); compare the accuracy and the stable items, not every item.
"""

import argparse
import hashlib
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
CACHE = os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "medgemma")
DEFAULT_MODEL = os.path.join(CACHE, "models", "gemma-3-270m-q4_k_m.gguf")
DEFAULT_BIN = os.environ.get("LLAMA_CPP_BIN") or os.path.join(
    os.environ.get("MEDGEMMA_LLAMA_CPP", os.path.join(CACHE, "llama.cpp")), "bin")
DEFAULT_TASKS = os.path.join(REPO, "samples", "eval", "mcq.jsonl")
DEFAULT_OUT = os.path.join(REPO, "Tests", "Fixtures", "eval", "llama-mc-270m.json")

QUESTION_FORMAT = "Question: {question}\nAnswer:"
CTX_PER_SEQ = 64          # -c for the one-task-per-decode run
# The noise runs: (name, -np (None: the fixture run's), -c, further arguments, what changes).
VARIANTS = [
    ("packed", 64, 32, [],
     "several tasks per decode: up to 64 sequences (16 four-option tasks) in one batch of up to 2048 tokens, split into ubatches of 512"),
    ("no-flash-attn", None, CTX_PER_SEQ, ["-fa", "off"], "one task per decode, flash attention off (F16 K/V kept)"),
    ("ubatch-1", None, CTX_PER_SEQ, ["-ub", "1"],
     "one task per decode, fed one token per ubatch (matrix-vector kernels instead of matrix-matrix ones)"),
]

RULES = [
    "Source: tools/perplexity/perplexity.cpp, multiple_choice_score() and multiple_choice_prepare_one_task(), llama.cpp 0c1e570 as vendored by llama-cpp-python 0.3.36.",
    "Per option s: tokens_s = common_tokenize(question + \" \" + option_s, add_special=true): BOS (id 2) first, parse_special=false. question = \"Question: \" + item question + \"\\nAnswer:\".",
    "common_prefix = the number of leading tokens that are the same in ALL options' token lists (it can reach into the options when they share first words, e.g. ' Left ventricle' / ' Left atrium'). An option whose tokens are a prefix of another's would be read past its end: task files must not have such options.",
    "Score of option s: the mean over k = common_prefix ..< len(tokens_s) of log softmax(logits at position k-1)[tokens_s[k]], i.e. the log-probabilities of the option's tokens after the common prefix, each predicted from the tokens before it, divided by their count (= len(tokens_s) - common_prefix). Softmax over the full vocabulary.",
    "The prefix is decoded once, shared by the options' sequences (same positions 0..common_prefix-1), each option's remaining tokens in its own sequence at positions common_prefix.. ; this is numerically the same as scoring each full sequence alone.",
    "Prediction: the option with the largest score; ties go to the FIRST such option (strict '>' while scanning). Correct iff its label is 1.",
    "Output: after each task, 'k\\t%.8lf' = 100 * n_correct / k; at the end 'Final result: %.4f +/- %.4f' (percent).",
]

TASK_LINE_RE = re.compile(r"^(\d+)\t([0-9]+\.[0-9]{8})$", re.M)
FINAL_RE = re.compile(r"Final result: ([0-9.]+) \+/- ([0-9.]+)")
VERSION_RE = re.compile(r"^version: (.+)$", re.M)


def read_tasks(path):
    """The multiple-choice items of a task file, as TaskFile.swift reads them."""
    items, ids = [], set()
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f.read().split("\n"), start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            o = json.loads(line)
            if "options" not in o:
                sys.exit(f"{path}:{number}: not a multiple-choice item")
            options = o["options"]
            letters = [chr(65 + i % 26) for i in range(len(options))] if isinstance(options, list) else sorted(options)
            if isinstance(options, dict):
                options = [options[k] for k in letters]
            answer = o["answer"]
            if isinstance(answer, str):
                upper = answer.upper()
                answer = letters.index(upper) if upper in letters else letters.index(answer)
            if not (2 <= len(options) <= 26 and 0 <= answer < len(options)):
                sys.exit(f"{path}:{number}: bad options or answer")
            item_id = str(o["id"])
            if item_id in ids:
                sys.exit(f"{path}:{number}: id {item_id} used twice")
            ids.add(item_id)
            for a in options:
                for b in options:
                    if a != b and b.startswith(a):
                        sys.exit(f"{path}:{number}: option {a!r} is a prefix of {b!r}; llama.cpp would read past its end")
            items.append({"id": item_id, "question": o["question"], "options": options, "answer": answer})
    if not items:
        sys.exit(f"{path}: no items")
    return items


def pack_string(text):
    data = text.encode("utf-8")
    return struct.pack("<I", len(data)) + data


def write_binary(items, path):
    bodies = []
    for item in items:
        body = pack_string(QUESTION_FORMAT.format(question=item["question"]))
        body += struct.pack("<I", len(item["options"]))
        body += b"".join(pack_string(o) for o in item["options"])
        body += struct.pack("<%di" % len(item["options"]), *[int(i == item["answer"]) for i in range(len(item["options"]))])
        body += struct.pack("<I", 0)  # mc2: no answers
        bodies.append(body)
    offset = 4 + 4 * len(items)
    positions = []
    for body in bodies:
        positions.append(offset)
        offset += len(body)
    with open(path, "wb") as f:
        f.write(struct.pack("<I", len(items)))
        f.write(struct.pack("<%dI" % len(items), *positions))
        for body in bodies:
            f.write(body)


def run(binary, model, taskfile, n_parallel, ctx, threads, extra=()):
    cmd = [binary, "-m", model, "--multiple-choice", "-bf", taskfile,
           "-np", str(n_parallel), "-c", str(ctx), "-t", str(threads)] + list(extra)
    print("+ " + " ".join(cmd), file=sys.stderr)
    start = time.monotonic()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seconds = time.monotonic() - start
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:])
        sys.exit(f"llama-perplexity failed with exit status {proc.returncode}")
    return cmd, proc.stdout, seconds


def parse(log, n):
    """Per-task correctness from the running-accuracy lines."""
    rows = [(int(k), float(acc)) for k, acc in TASK_LINE_RE.findall(log)]
    if [k for k, _ in rows] != list(range(1, n + 1)):
        problems = [line for line in log.splitlines() if "task" in line and ("requires" in line or "fit" in line or "bad" in line)]
        sys.exit(f"expected task lines 1..{n}, got {len(rows)}; " + ("; ".join(problems) or "see the log"))
    correct, previous = [], 0
    for k, acc in rows:
        n_correct = round(acc * k / 100)
        if n_correct - previous not in (0, 1):
            sys.exit(f"running accuracy at task {k} ({acc}) is inconsistent")
        correct.append(n_correct == previous + 1)
        previous = n_correct
    final = FINAL_RE.search(log)
    if not final or abs(float(final.group(1)) - 100.0 * previous / n) > 1e-3:
        sys.exit(f"'Final result' {final.group(1) if final else None} disagrees with the task lines ({previous}/{n})")
    return correct, rows[-1][1]


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tasks", default=DEFAULT_TASKS)
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--llama-bin", default=DEFAULT_BIN, help="folder holding llama-perplexity")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--no-noise-check", action="store_true", help="skip the noise runs (VARIANTS)")
    args = ap.parse_args()

    binary = os.path.join(args.llama_bin, "llama-perplexity")
    if not os.access(binary, os.X_OK):
        sys.exit(f"{binary}: not found; run Tools/build-llama-cpp.sh")
    if not os.path.isfile(args.model):
        sys.exit(f"{args.model}: not found; run Tools/fetch-model.sh")
    items = read_tasks(args.tasks)
    counts = [len(i["options"]) for i in items]
    n_parallel = max(4, max(counts))
    packable = any(a + b <= n_parallel for a, b in zip(counts, counts[1:]))

    version = subprocess.run([binary, "--version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout
    version = VERSION_RE.search(version).group(1).strip() if VERSION_RE.search(version) else version.strip()

    with tempfile.TemporaryDirectory() as tmp:
        taskfile = os.path.join(tmp, "mc-tasks.bin")
        write_binary(items, taskfile)
        cmd, log, seconds = run(binary, args.model, taskfile, n_parallel, CTX_PER_SEQ, args.threads)
        correct, accuracy = parse(log, len(items))
        if packable:
            batching = "WARNING: with -np %d some consecutive tasks could share a decode" % n_parallel
        else:
            batching = ("one task per decode: -np %d allows %d sequences per decode and no two consecutive tasks "
                        "fit together, so each task is decoded alone after the KV cache is cleared" % (n_parallel, n_parallel))
        runs = [{"name": "fixture", "args": "-np %d -c %d" % (n_parallel, CTX_PER_SEQ), "accuracy": accuracy,
                 "seconds": round(seconds, 1)}]
        all_correct = [correct]
        if not args.no_noise_check:
            for name, np_v, ctx_v, extra, how in VARIANTS:
                np_v = np_v or n_parallel
                _, log_v, seconds_v = run(binary, args.model, taskfile, np_v, ctx_v, args.threads, extra)
                correct_v, accuracy_v = parse(log_v, len(items))
                all_correct.append(correct_v)
                runs.append({"name": name, "args": " ".join(["-np", str(np_v), "-c", str(ctx_v)] + extra), "how": how, "accuracy": accuracy_v,
                             "items_that_differ": [items[i]["id"] for i in range(len(items)) if correct[i] != correct_v[i]],
                             "seconds": round(seconds_v, 1)})
        stable = [all(c[i] == all_correct[0][i] for c in all_correct) for i in range(len(items))]
    shown = [os.path.basename(c) if c == binary else ("TASKS.bin" if c == taskfile else
             (os.path.basename(c) if c == args.model else c)) for c in cmd]
    result = {
        "model": os.path.basename(args.model),
        "model_sha256": sha256(args.model),
        "llama_cpp": version,
        "command": " ".join(shown),
        "tasks_file": os.path.relpath(os.path.abspath(args.tasks), REPO),
        "tasks_sha256": sha256(args.tasks),
        "question_format": QUESTION_FORMAT,
        "batching": batching,
        "noise": {
            "what": ("llama.cpp's own noise: the same tasks re-run with other batch shapes and attention settings "
                     "(same binary, model and threads). An item is 'stable' when every run marks it the same; the "
                     "others have their best two options close (0.002-0.27 nat of mean log-probability apart here, most under 0.13) "
                     "that llama.cpp's own arithmetic (Q8 activations, F16 K/V, kernel choice by batch size) "
                     "decides them. Compare an engine with the stable items and the accuracy, not item for item."),
            "runs": runs,
            "n_stable": sum(stable),
        },
        "rules": RULES,
        "items": [{"id": item["id"], "correct": ok, "stable": st} for item, ok, st in zip(items, correct, stable)],
        "n_items": len(items),
        "n_correct": sum(correct),
        "accuracy": accuracy,
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    print(f"{args.out}: {sum(correct)}/{len(items)} correct, accuracy {accuracy:.4f}% "
          f"({seconds:.1f} s one task per decode); {sum(stable)} items stable", file=sys.stderr)
    for r in runs[1:]:
        print(f"  {r['name']} ({r['args']}): accuracy {r['accuracy']:.4f}%, {len(r['items_that_differ'])} items differ "
              f"{r['items_that_differ']} ({r['seconds']:.1f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
