#!/usr/bin/env python3
"""Multiple-choice scoring speed beside llama.cpp, on the same model, task file and threads.

Ours:   `medgemma eval --scoring token-mean --limit N TASKS` (the release binary
        .build/release/medgemma, or $MEDGEMMA_BIN); its "N items in S s" line on standard
        error is the time (model loading not included).
Theirs: `llama-perplexity --multiple-choice` on the same N items written in its binary task
        format (Tools/make_llama_mc_fixture.py writes it), in the two ways it is run:
        `packed` (-np 64 -c 32: up to 16 four-option tasks per decode, its fastest) and
        `one-at-a-time` (-np 5 -c 64, what the correctness fixture uses). Its time is the
        whole process (model loading included: a few tenths of a second for these files,
        which favours us slightly on short runs; the summary says so).

The two run interleaved (ours, theirs, ours, theirs … ROUNDS rounds) so a busy moment hurts
both; the table gives the median items/s per tool and the ratio (> 1: ours is faster).

    Tools/bench_eval_vs_llama_cpp.py [--model M] [--tasks T] [--limit N] [--rounds R] [--threads 2]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_llama_mc_fixture as mc  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OURS_RE = re.compile(r"^(\d+) items in ([0-9.]+) s", re.M)


def ours(binary, model, tasks, limit):
    proc = subprocess.run([binary, "eval", "--model", model, "--scoring", "token-mean", "--limit", str(limit), tasks],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        sys.exit(f"medgemma eval failed: {proc.stderr[-2000:]}")
    found = OURS_RE.search(proc.stderr)
    if not found:
        sys.exit(f"no timing line in: {proc.stderr[-2000:]}")
    return int(found.group(1)) / float(found.group(2))


def theirs(binary, model, taskfile, limit, threads, n_parallel, ctx):
    _, log, seconds = mc.run(binary, model, taskfile, n_parallel, ctx, threads)
    mc.parse(log, limit)
    return limit / seconds


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default=mc.DEFAULT_MODEL)
    ap.add_argument("--tasks", default=mc.DEFAULT_TASKS)
    ap.add_argument("--limit", type=int, default=40)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="llama.cpp's -t (ours uses every core)")
    ap.add_argument("--llama-bin", default=mc.DEFAULT_BIN)
    args = ap.parse_args()
    medgemma = os.environ.get("MEDGEMMA_BIN") or os.path.join(REPO, ".build", "release", "medgemma")
    perplexity = os.path.join(args.llama_bin, "llama-perplexity")
    items = mc.read_tasks(args.tasks)[:args.limit]
    limit = len(items)
    results = {"medgemma eval": [], "llama.cpp packed": [], "llama.cpp one-at-a-time": []}
    with tempfile.TemporaryDirectory() as tmp:
        taskfile = os.path.join(tmp, "tasks.bin")
        mc.write_binary(items, taskfile)
        for r in range(args.rounds):
            results["medgemma eval"].append(ours(medgemma, args.model, args.tasks, limit))
            results["llama.cpp packed"].append(theirs(perplexity, args.model, taskfile, limit, args.threads, 64, 32))
            results["llama.cpp one-at-a-time"].append(theirs(perplexity, args.model, taskfile, limit, args.threads, 5, mc.CTX_PER_SEQ))
            print(f"round {r + 1}: " + ", ".join(f"{k} {v[-1]:.2f}" for k, v in results.items()), file=sys.stderr)
    mine = statistics.median(results["medgemma eval"])
    print(f"{os.path.basename(args.model)}, {limit} items of {os.path.basename(args.tasks)}, {args.threads} threads, "
          f"median of {args.rounds} rounds (llama.cpp's time includes loading the model)\n")
    print("| tool | items/s | ours ÷ theirs |\n|---|---|---|")
    for name, values in results.items():
        median = statistics.median(values)
        ratio = "—" if name == "medgemma eval" else f"{mine / median:.2f}"
        print(f"| {name} | {median:.2f} (min {min(values):.2f}, max {max(values):.2f}) | {ratio} |")


if __name__ == "__main__":
    main()
