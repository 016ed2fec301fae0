#!/usr/bin/env python3
"""Write the llama.cpp perplexity oracle: Tests/Fixtures/perplexity/{corpus.txt,llamacpp.json}.

What it makes
-------------
corpus.txt      ~6.4 KB of English prose with a clinical flavour, written for this fixture
                (CORPUS below; no real patient, nothing copied). It tokenizes to 1322 tokens
                (BOS included): 10 chunks at --ctx 128, 2 chunks at --ctx 512. (8-12 KB of
                English would give 13-20 chunks at ctx 128; the chunk counts were preferred.)
llamacpp.json   for ctx 128 and ctx 512, what llama.cpp's own `llama-perplexity` reports:

    runs[i].ctx, .batch, .threads   the settings it was run with (-c, -b, -t)
    runs[i].chunks                  the number of chunks it evaluated
    runs[i].scored_per_chunk        tokens scored per chunk (= ctx - ctx/2 - 1)
    runs[i].ppl, .ppl_err           "Final estimate: PPL = X +/- Y"
    runs[i].per_chunk               the values it prints per chunk, "[k]X,": NOTE these are
                                    RUNNING perplexities over chunks 1..k, not chunk k alone
                                    (per_chunk[-1] == ppl up to rounding; 4 decimals)
    runs[i].per_chunk_mean_nll      the running mean NLL over chunks 1..k, 6 decimals, from a
                                    second run with --ppl-output-type 1
    runs[i].chunk_ppl               perplexity of chunk k ALONE, derived from
                                    per_chunk_mean_nll (exp of the mean NLL of that chunk's
                                    scored tokens; error < 1e-5 relative)
    runs[i].python_check            the same numbers recomputed in Python (llama-cpp-python,
                                    same llama.cpp commit, logits for every position) with the
                                    rules below, to prove the rules are what the tool does
    corpus.ids                      the token ids llama-perplexity evaluates: llama_tokenize of
                                    the file with ONE trailing "\\n" removed, add_special=true
                                    (BOS prepended), parse_special=false
    rules                           llama-perplexity's algorithm, stated precisely (RULES below)

How to run (from the repository root, ~3 minutes on 2 shared cores)
-------------------------------------------------------------------
    Tools/build-llama-cpp.sh                 # once: builds llama-perplexity (~13 min)
    python3 Tools/make_perplexity_fixture.py [--model PATH] [--perplexity PATH] [--threads N]

Needs the model (Tools/fetch-model.sh), llama-perplexity from Tools/build-llama-cpp.sh
(default ~/.cache/medgemma/llama.cpp/bin/llama-perplexity) and, for corpus.ids and
python_check, llama-cpp-python + numpy (the same llama.cpp commit the binary is built from;
the build script checks that). --no-python-check skips the Python recomputation.

The numbers are llama.cpp's, with its numerics: Q8 activations for the quantized matmuls and
flash attention "auto" (enabled on CPU; it keeps the K/V cache in F16). A float32 engine
should match ppl to within a few percent, not to 4 decimals; see the notes in the JSON.
"""

import argparse
import hashlib
import json
import math
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
CACHE = os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "medgemma")
DEFAULT_MODEL = os.path.join(CACHE, "models", "gemma-3-270m-q4_k_m.gguf")
DEFAULT_PERPLEXITY = os.path.join(os.environ.get("MEDGEMMA_LLAMA_CPP", os.path.join(CACHE, "llama.cpp")),
                                  "bin", "llama-perplexity")
OUT_DIR = os.path.join(REPO, "Tests", "Fixtures", "perplexity")

CTXS = (128, 512)
BATCH = 128

RULES = [
    "Source: tools/perplexity/perplexity.cpp, function perplexity() (the --ppl-stride 0 default path), llama.cpp 0c1e570 as vendored by llama-cpp-python 0.3.36.",
    "Text: the whole file is read as bytes; if it ends with '\\n', exactly ONE trailing '\\n' is removed (common/arg.cpp, -f). No escape processing (escape=false).",
    "Tokenize: tokens = llama_tokenize(whole text, add_special=true, parse_special=false): ONE BOS (id 2) at the very start of the stream for Gemma (add_bos=true, add_eos=false asserted); special-token text like <start_of_turn> is NOT parsed as special.",
    "Requirement: tokens.count >= 2*n_ctx, otherwise it errors out (PPL 0).",
    "Chunks: n_chunk = tokens.count / n_ctx (integer division; --chunks N caps it). Chunk i covers tokens[i*n_ctx ..< (i+1)*n_ctx], contiguous, no overlap; leftover tokens at the end are ignored.",
    "BOS: for every chunk the FIRST token of the chunk is replaced by BOS before decoding (chunk 0 already starts with the stream BOS). The replaced token is neither fed nor scored. The original token is restored in the array (it is never a scoring target anyway).",
    "Evaluation: per chunk the KV cache is cleared and the n_ctx tokens are decoded at positions 0..n_ctx-1 (a fresh sequence; nothing carries over between chunks).",
    "Scoring: first = n_ctx/2 (integer). Logits at positions j = first ..< n_ctx-1 predict token j+1, so the scored targets are chunk positions first+1 ... n_ctx-1: n_ctx - first - 1 tokens per chunk (63 at ctx 128, 255 at ctx 512). Positions 0..first-1 are context only; the last position's logits are not used.",
    "NLL per scored token: -(logit[t] - max - log(sum_v exp(logit[v] - max))) over the full vocabulary (float max, expf per term, sum in double).",
    "Result: nll = sum of all scored NLLs over all chunks, count = n_chunk*(n_ctx-first-1); PPL = exp(nll/count). Error: with m = nll/count and v = sum(nll^2)/count - m^2, ppl_err = PPL*sqrt(v/(count-1)) (printed as 'Final estimate: PPL = %.4f +/- %.5f').",
    "Printed per-chunk values '[k]X,' are RUNNING perplexities exp(nll/count) over chunks 1..k, not chunk k alone.",
    "Batch size: -b only changes how the chunk is fed, not what is computed. n_parallel = max(1, n_batch/n_ctx) sequences share one decode (n_seq chunks at once, the context is n_parallel*n_ctx cells but each chunk is its own sequence at positions 0..n_ctx-1); n_batch = min(n_batch, n_parallel*n_ctx); when n_batch < n_ctx a chunk is fed in ceil(n_ctx/n_batch) consecutive batches. It must hold that n_batch < n_ctx or n_batch % n_ctx == 0. Results differ at most by floating-point noise: on this corpus -b 64/128/512 at -c 128 and -b 128/512/2048 at -c 512 print identical numbers.",
]

NOTES = [
    "llama.cpp numerics: Q4_K/Q6_K/Q5_0/Q8_0 weights, with activations quantized to Q8_K (for the K-quants) or Q8_0 (for Q5_0/Q8_0) in the matmuls; flash_attn_type AUTO resolves to enabled on the CPU backend, with an F16 K/V cache. Expect a float32 engine to differ from ppl by up to a few percent (per-token logits differ by ~0.2-1.0 on this model, see Tests/Fixtures/logits).",
    "python_check recomputes everything from llama-cpp-python logits (logits_all=True, flash_attn=True, n_batch=128, same commit) with the rules above; its agreement with the binary (typically < 1e-3 relative) is the evidence that the rules are right.",
]

CORPUS = """\
Notes on the Bedside Examination

Before the stethoscope, physicians listened to the chest by pressing an ear directly against the patient. The practice was awkward for both parties, and it was often impossible with a patient who was frail, modest, or simply large. In 1816 a young French physician rolled a sheet of paper into a tube, placed one end over the heart of a patient, and found that the sounds were clearer than anything he had heard before. Within a few years the paper had become a wooden cylinder, and the wooden cylinder had become the emblem of the profession. The instrument changed, but the lesson did not: careful listening, repeated at every visit, reveals more than a single dramatic test.

The examination of the chest still begins with inspection. The clinician notes the rate and pattern of breathing, the use of accessory muscles, the colour of the lips and nail beds, and whether the patient can finish a sentence without pausing for air. Palpation follows. Tactile fremitus is increased over consolidated lung and decreased over a pleural effusion, because solid tissue carries vibration well while fluid and air do not. Percussion adds a third layer of information: a dull note suggests fluid or consolidation, and a hyperresonant note suggests trapped air, as in emphysema or a pneumothorax.

Only then does the clinician listen. Normal breath sounds are soft and rustling at the periphery, louder and more tubular over the trachea. Crackles, heard mainly on inspiration, may be fine, like hair rubbed between the fingers, or coarse, like the popping of bubbles. Wheezes are musical and continuous, produced by air forced through narrowed airways. A pleural rub sounds like leather creaking underfoot. None of these findings is diagnostic on its own; each is a clue to be weighed against the history, the vital signs, and the course of the illness.

A Case of Community-Acquired Pneumonia

A 68-year-old retired teacher presented to the emergency department with three days of fever, productive cough, and increasing breathlessness. She had a history of type 2 diabetes, controlled with metformin, and mild hypertension. On arrival her temperature was 38.9 °C, her pulse 112 beats per minute, her blood pressure 104/62 mmHg, and her respiratory rate 26 breaths per minute. Her oxygen saturation was 89% on room air and rose to 95% with two litres of oxygen by nasal cannula.

On examination she was alert but tired. There was dullness to percussion at the right base, with bronchial breathing and coarse crackles over the same area. The chest radiograph showed consolidation of the right lower lobe without an effusion. Her white cell count was 16.2 × 10^9/L, her C-reactive protein 184 mg/L, her creatinine 1.4 mg/dL, and her lactate 2.6 mmol/L. Blood cultures were drawn before the first dose of antibiotics, and a urinary antigen test for Legionella was sent.

The team calculated a severity score, which placed her in the moderate range, and admitted her to a general medical ward rather than the intensive care unit. She received intravenous ceftriaxone and oral azithromycin, balanced crystalloid at a careful rate, and regular review of her glucose. Metformin was held because of the acute kidney injury and the raised lactate, and a basal-bolus insulin regimen was started in its place.

By the second morning her fever had settled and her oxygen requirement had fallen. By the third day she was eating, walking to the bathroom, and saturating 94% on room air. Her creatinine returned to baseline. The blood cultures grew Streptococcus pneumoniae, sensitive to penicillin, and her antibiotics were narrowed to oral amoxicillin to complete five days of treatment in total. She was discharged on the fifth day with a plan for follow-up in the clinic and a repeat chest radiograph in six weeks.

Why the Details Matter

It is tempting to read a case like this as a simple story: infection, antibiotics, recovery. Yet each step rested on small decisions that could easily have gone another way. Drawing cultures before antibiotics allowed the team to narrow treatment with confidence. Holding metformin avoided a rare but dangerous complication. Choosing the ward over the intensive care unit depended on a structured score, but also on the judgement of a nurse who noticed that the patient was speaking in full sentences and asking sensible questions about her cat.

Good clinical work depends on such observations, and on writing them down clearly. A note that says "patient improving" tells the next clinician very little. A note that records the temperature curve, the oxygen requirement, the fluid balance, and the patient's own account of how she feels allows the reader to see the trend and to act on it. Clear notes are not a bureaucratic burden; they are part of the treatment.

Hand Hygiene and the Lesson of the Maternity Wards

In the 1840s a physician working in a large maternity hospital noticed that one of its two clinics had a far higher death rate from childbed fever than the other. The first clinic was staffed by doctors and students who also performed autopsies; the second was staffed by midwives who did not. After a colleague died of an illness resembling childbed fever following a cut during an autopsy, he concluded that something carried on the hands from the dissecting room was causing the deaths. He required everyone to wash their hands in a chlorinated solution before examining patients, and mortality in the first clinic fell sharply.

His conclusion was resisted for years, partly because it implied that physicians themselves were the cause of harm. Today the principle is taught on the first day of training, and yet adherence on busy wards still falls short. The modern approach treats hand hygiene as a system problem rather than a matter of individual virtue: alcohol-based rub at every bedside, regular audits with feedback, and leaders who model the behaviour they expect.

The World Health Organization describes five moments for hand hygiene: before touching a patient, before a clean or aseptic procedure, after exposure to body fluids, after touching a patient, and after touching the patient's surroundings. The list is short enough to remember and specific enough to audit. It reminds every member of the team — doctor, nurse, therapist, porter — that the hands which comfort and heal can also carry harm from one bed to the next.
"""

RUNNING_RE = re.compile(r"\[(\d+)\](-?[0-9.]+|nan|inf),")
FINAL_RE = re.compile(r"Final estimate: PPL = ([0-9.]+) \+/- ([0-9.]+)")
CHUNKS_RE = re.compile(r"calculating perplexity over (\d+) chunks, n_ctx=(\d+), batch_size=(\d+), n_seq=(\d+)")
# --ppl-output-type 1: "%8d  %.4lf  %4lf  %4lf" = chunk start, running ppl, running mean nll, its error
TYPE1_RE = re.compile(r"^\s*(\d+)\s+([0-9.]+)\s+([0-9.]+)\s+(-?[0-9.e+-]+|nan|-nan)\s*$", re.M)


def run_perplexity(binary, model, corpus, ctx, batch, threads, output_type):
    cmd = [binary, "-m", model, "-f", corpus, "-c", str(ctx), "-b", str(batch), "-t", str(threads)]
    if output_type:
        cmd += ["--ppl-output-type", str(output_type)]
    print("+ " + " ".join(cmd), file=sys.stderr)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:])
        sys.exit(f"llama-perplexity failed with exit status {proc.returncode}")
    return cmd, proc.stdout


def parse_run(log, log1, ctx):
    m = CHUNKS_RE.search(log)
    if not m or int(m.group(2)) != ctx:
        sys.exit(f"could not find the chunk count for ctx {ctx} in the llama-perplexity output")
    chunks, n_seq, batch = int(m.group(1)), int(m.group(4)), int(m.group(3))
    final = FINAL_RE.search(log)
    if not final:
        sys.exit(f"no 'Final estimate' line for ctx {ctx}")
    running = [(int(k), float(v)) for k, v in RUNNING_RE.findall(log)]
    if [k for k, _ in running] != list(range(1, chunks + 1)):
        sys.exit(f"expected per-chunk values [1]..[{chunks}] for ctx {ctx}, got {[k for k, _ in running]}")
    rows = TYPE1_RE.findall(log1)
    if [int(r[0]) for r in rows] != [i * ctx for i in range(chunks)]:
        sys.exit(f"unexpected --ppl-output-type 1 rows for ctx {ctx}: {rows}")
    final1 = FINAL_RE.search(log1)
    if not final1 or final1.groups() != final.groups():
        sys.exit(f"the two llama-perplexity runs disagree for ctx {ctx}: {final.groups()} vs "
                 f"{final1.groups() if final1 else None}")
    scored = ctx - ctx // 2 - 1
    mean_nll = [float(r[2]) for r in rows]
    chunk_ppl, prev = [], 0.0
    for k, m_k in enumerate(mean_nll, start=1):
        total = m_k * k * scored
        chunk_ppl.append(round(math.exp((total - prev) / scored), 4))
        prev = total
    return {
        "ctx": ctx,
        "batch": batch,
        "n_seq": n_seq,
        "chunks": chunks,
        "scored_per_chunk": scored,
        "ppl": float(final.group(1)),
        "ppl_err": float(final.group(2)),
        "per_chunk": [v for _, v in running],
        "per_chunk_mean_nll": mean_nll,
        "chunk_ppl": chunk_ppl,
    }


def probe_numerics(binary, model, corpus, threads):
    """One verbose single-chunk run: what flash_attn=auto resolved to and the K/V cache types."""
    cmd = [binary, "-m", model, "-f", corpus, "-c", "128", "-b", "128", "-t", str(threads),
           "--chunks", "1", "-v"]
    log = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout
    setting = re.search(r"llama_context: flash_attn\s*=\s*(\S+)", log)
    kv = re.search(r"K \((\w+)\):.*V \((\w+)\):", log)
    return {
        "flash_attn_setting": setting.group(1) if setting else None,
        "flash_attn_used": "FLASH_ATTN_EXT" in log,
        "kv_cache_types": list(kv.groups()) if kv else None,
    }


def tokenize(model, text):
    import llama_cpp
    llm = llama_cpp.Llama(model, vocab_only=True, verbose=False)
    return llm.tokenize(text.encode("utf-8"), add_bos=True, special=False)


def python_check(model, ids, ctx, batch, threads):
    """Recompute llama-perplexity's numbers from per-position logits, following RULES."""
    import llama_cpp
    import numpy as np
    llm = llama_cpp.Llama(model, n_ctx=ctx, n_batch=batch, n_ubatch=batch, n_threads=threads,
                          n_threads_batch=threads, logits_all=True, flash_attn=True, verbose=False)
    bos = llm.token_bos()
    first = ctx // 2
    n_chunk = len(ids) // ctx
    nlls, running, chunk_ppl = [], [], []
    for i in range(n_chunk):
        chunk = list(ids[i * ctx:(i + 1) * ctx])
        chunk[0] = bos
        llm.reset()
        llm.eval(chunk)
        logits = np.asarray(llm.scores[:ctx], dtype=np.float64)
        rows = logits[first:ctx - 1]
        targets = np.asarray(chunk[first + 1:ctx])
        mx = rows.max(axis=1, keepdims=True)
        lse = np.log(np.exp(rows - mx).sum(axis=1)) + mx[:, 0]
        nll = lse - rows[np.arange(len(targets)), targets]
        nlls.extend(nll.tolist())
        running.append(round(math.exp(sum(nlls) / len(nlls)), 4))
        chunk_ppl.append(round(math.exp(float(nll.mean())), 4))
    a = np.asarray(nlls)
    m = a.mean()
    ppl = math.exp(m)
    err = ppl * math.sqrt(((a * a).mean() - m * m) / (len(a) - 1))
    return {"ppl": round(ppl, 4), "ppl_err": round(err, 5), "per_chunk": running, "chunk_ppl": chunk_ppl}


def to_json(value, indent=0):
    """JSON with one key per line, but lists of numbers on one line."""
    pad = " " * (indent + 1)
    if isinstance(value, dict):
        items = [f"{pad}{json.dumps(k)}: {to_json(v, indent + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    if isinstance(value, list) and any(isinstance(v, (dict, list, str)) for v in value):
        return "[\n" + ",\n".join(pad + to_json(v, indent + 1) for v in value) + "\n" + " " * indent + "]"
    return json.dumps(value, ensure_ascii=False)


def llama_cpp_commit(binary):
    root = os.path.dirname(os.path.dirname(os.path.realpath(binary)))
    cache = os.path.join(root, "CMakeCache.txt")
    src = None
    if os.path.exists(cache):
        for line in open(cache):
            if line.startswith("CMAKE_HOME_DIRECTORY:"):
                src = line.split("=", 1)[1].strip()
    if src:
        try:
            return subprocess.check_output(["git", "-C", src, "rev-parse", "HEAD"], text=True,
                                           stderr=subprocess.DEVNULL).strip()
        except (OSError, subprocess.CalledProcessError):
            pass
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default=DEFAULT_MODEL)
    ap.add_argument("--perplexity", default=DEFAULT_PERPLEXITY, help="llama-perplexity binary")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out-dir", default=OUT_DIR)
    ap.add_argument("--no-python-check", action="store_true")
    args = ap.parse_args()
    if not os.path.exists(args.model):
        sys.exit(f"model not found: {args.model} (run Tools/fetch-model.sh)")
    if not os.access(args.perplexity, os.X_OK):
        sys.exit(f"llama-perplexity not found at {args.perplexity} (run Tools/build-llama-cpp.sh)")

    os.makedirs(args.out_dir, exist_ok=True)
    corpus_path = os.path.join(args.out_dir, "corpus.txt")
    data = CORPUS.encode("utf-8")
    with open(corpus_path, "wb") as f:
        f.write(data)
    text = CORPUS[:-1] if CORPUS.endswith("\n") else CORPUS   # what `-f` hands to the tokenizer

    ids = None
    try:
        ids = tokenize(args.model, text)
    except ImportError:
        print("llama-cpp-python not importable: corpus.ids and python_check left out", file=sys.stderr)

    runs = []
    for ctx in CTXS:
        cmd, log = run_perplexity(args.perplexity, args.model, corpus_path, ctx, BATCH, args.threads, 0)
        _, log1 = run_perplexity(args.perplexity, args.model, corpus_path, ctx, BATCH, args.threads, 1)
        run = parse_run(log, log1, ctx)
        run["threads"] = args.threads
        run["command"] = " ".join(["llama-perplexity", "-m", os.path.basename(args.model), "-f", "corpus.txt"]
                                  + cmd[5:])
        if ids is not None:
            if run["chunks"] != len(ids) // ctx:
                sys.exit(f"ctx {ctx}: llama-perplexity used {run['chunks']} chunks, but "
                         f"{len(ids)} tokens // {ctx} = {len(ids) // ctx}: tokenization differs")
            if not args.no_python_check:
                run["python_check"] = python_check(args.model, ids, ctx, BATCH, args.threads)
        runs.append(run)
        print(f"ctx {ctx}: {run['chunks']} chunks, PPL = {run['ppl']} +/- {run['ppl_err']}"
              + (f" (python check {run['python_check']['ppl']})" if "python_check" in run else ""),
              file=sys.stderr)

    try:
        from importlib.metadata import version
        lcp_version = version("llama-cpp-python")
    except Exception:
        lcp_version = None
    fixture = {
        "description": "llama.cpp llama-perplexity oracle for gemma-3-270m Q4_K_M on corpus.txt; "
                       "made by Tools/make_perplexity_fixture.py",
        "model": os.path.basename(args.model),
        "model_size_bytes": os.path.getsize(args.model),
        "llama_cpp_python_version": lcp_version,
        "llama_cpp_commit": llama_cpp_commit(args.perplexity),
        "llama_cpp_numerics": probe_numerics(args.perplexity, args.model, corpus_path, args.threads),
        "corpus": {
            "file": "corpus.txt",
            "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "trailing_newline_stripped": CORPUS.endswith("\n"),
            "n_tokens": len(ids) if ids is not None else None,
            "ids": ids,
        },
        "rules": RULES,
        "notes": NOTES,
        "runs": runs,
    }
    out = os.path.join(args.out_dir, "llamacpp.json")
    with open(out, "w") as f:
        f.write(to_json(fixture) + "\n")
    print(f"wrote {corpus_path} and {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
