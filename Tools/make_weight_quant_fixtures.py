#!/usr/bin/env python3
"""Write the weight-quantization fixtures for KernelsTests (Tests/KernelsTests/WeightQuantizeTests.swift).

Run by hand from the repository root when the fixture set changes:

    python3 Tools/make_weight_quant_fixtures.py

Needs numpy, the `gguf` package (0.19) and a C compiler, plus llama.cpp's source as
Tools/build-llama-cpp.sh unpacks it ($MEDGEMMA_LLAMA_CPP, default ~/.cache/medgemma/llama.cpp,
llama_cpp_python-VER/vendor/llama.cpp). No third-party code enters the repository: a
ten-line driver (below) is compiled here against that tree's ggml/src/ggml-quants.c and
calls llama.cpp's reference quantizers `quantize_row_{q5_0,q4_K,q6_K,q8_0}_ref` directly —
what `llama-quantize` runs when no importance matrix is given. It is built with
`-ffp-contract=off` and no `-march`, so no multiply-add is fused (the Swift port fuses none).

Everything lands in Tests/Fixtures/quant/weights/: one float32 input file per case and, per
type, the expected block bytes, named in manifest.json:
  - F16 and BF16: gguf-py's `gguf.quants.quantize` (numpy's round-to-nearest-even);
  - Q8_0: gguf-py's quantizer, asserted equal to the C reference's bytes;
  - Q5_0, Q4_K, Q6_K: the C reference's bytes.
Cases (seeded, so the files do not change between runs):
  - "weights": 8 × 256 Gaussian values of a projection's magnitude (σ 0.02);
  - "outliers": 8 × 256 Gaussian values with a few ×40 spikes and a block of uniform values;
  - "edges": an all-zero super-block, a constant one, one positive-only, one negative-only,
    one of tiny values (1e-8) and one with exact Q8_0 rounding ties.
"""
import glob
import json
import os
import subprocess
import tempfile

import numpy as np
import gguf
from gguf import GGMLQuantizationType as Q
from gguf.quants import quantize

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "quant", "weights")
LLAMA = os.environ.get("MEDGEMMA_LLAMA_CPP", os.path.expanduser("~/.cache/medgemma/llama.cpp"))

DRIVER = r"""
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ggml-quants.h"
/* ggml-quants.c refers to these; the reference quantizers never call them. */
void ggml_abort(const char *file, int line, const char *fmt, ...) { fprintf(stderr, "abort %s:%d\n", file, line); abort(); }
size_t ggml_row_size(enum ggml_type type, int64_t ne) { abort(); }
size_t ggml_type_size(enum ggml_type type) { abort(); }
const char * ggml_type_name(enum ggml_type type) { abort(); }
/* quant TYPE N < N float32 values > blocks */
int main(int argc, char **argv) {
    const char *t = argv[1]; long n = atol(argv[2]);
    float *x = malloc(n * 4); if (fread(x, 4, n, stdin) != (size_t)n) return 3;
    size_t bytes; void *y;
    if (!strcmp(t, "Q5_0")) { bytes = n / 32 * sizeof(block_q5_0); y = malloc(bytes); quantize_row_q5_0_ref(x, y, n); }
    else if (!strcmp(t, "Q4_K")) { bytes = n / 256 * sizeof(block_q4_K); y = malloc(bytes); quantize_row_q4_K_ref(x, y, n); }
    else if (!strcmp(t, "Q6_K")) { bytes = n / 256 * sizeof(block_q6_K); y = malloc(bytes); quantize_row_q6_K_ref(x, y, n); }
    else if (!strcmp(t, "Q8_0")) { bytes = n / 32 * sizeof(block_q8_0); y = malloc(bytes); quantize_row_q8_0_ref(x, y, n); }
    else return 2;
    fwrite(y, 1, bytes, stdout); return 0;
}
"""


def build_driver(tmp):
    trees = sorted(glob.glob(os.path.join(LLAMA, "llama_cpp_python-*", "vendor", "llama.cpp", "ggml")))
    if not trees:
        raise SystemExit(f"no llama.cpp source under {LLAMA}: run Tools/build-llama-cpp.sh first")
    ggml = trees[-1]
    src = os.path.join(tmp, "driver.c")
    with open(src, "w") as f:
        f.write(DRIVER)
    exe = os.path.join(tmp, "quant")
    subprocess.run(["cc", "-O2", "-ffp-contract=off", "-std=gnu11", "-I", os.path.join(ggml, "include"),
                    "-I", os.path.join(ggml, "src"), "-o", exe, src, os.path.join(ggml, "src", "ggml-quants.c"), "-lm"],
                   check=True)
    return exe, os.path.relpath(ggml, LLAMA)


def reference(exe, qtype, x):
    r = subprocess.run([exe, qtype, str(len(x))], input=x.astype("<f4").tobytes(), capture_output=True, check=True)
    return r.stdout


def cases():
    rng = np.random.default_rng(20261204)
    weights = (rng.standard_normal(8 * 256) * 0.02).astype(np.float32)
    outliers = rng.standard_normal(8 * 256).astype(np.float32)
    spikes = rng.choice(len(outliers), 12, replace=False)
    outliers[spikes] *= 40
    outliers[1024:1280] = rng.uniform(-3, 3, 256).astype(np.float32)
    ties = (np.arange(256, dtype=np.float32) - 128) * np.float32(0.5)   # amax 64 → d = 64/127: many x/d near .5
    ties[0] = -127.0                                                       # d = 1: exact ties k + 0.5
    ties[1:64] = np.arange(63, dtype=np.float32) - 31.5
    edges = np.concatenate([
        np.zeros(256, np.float32),
        np.full(256, 0.5, np.float32),
        rng.uniform(0.1, 2.0, 256).astype(np.float32),
        -rng.uniform(0.1, 2.0, 256).astype(np.float32),
        (rng.standard_normal(256) * 1e-8).astype(np.float32),
        ties,
    ])
    return {"weights": weights, "outliers": outliers, "edges": edges}


def main():
    os.makedirs(OUT, exist_ok=True)
    manifest = {"generator": "Tools/make_weight_quant_fixtures.py", "gguf": gguf.__version__ if hasattr(gguf, "__version__") else "0.19",
                "numpy": np.__version__, "cases": []}
    with tempfile.TemporaryDirectory() as tmp:
        exe, tree = build_driver(tmp)
        manifest["llama.cpp"] = tree
        for name, x in cases().items():
            x.astype("<f4").tofile(os.path.join(OUT, f"{name}.f32"))
            entry = {"name": name, "count": int(len(x)), "input": f"{name}.f32", "expected": {}}
            q8_py = quantize(x.reshape(1, -1), Q.Q8_0).tobytes()
            assert q8_py == reference(exe, "Q8_0", x), f"{name}: gguf-py and ggml disagree on Q8_0"
            expected = {
                "F16": quantize(x.reshape(1, -1), Q.F16).tobytes(),
                "BF16": quantize(x.reshape(1, -1), Q.BF16).tobytes(),
                "Q8_0": q8_py,
                "Q5_0": reference(exe, "Q5_0", x),
                "Q4_K": reference(exe, "Q4_K", x),
                "Q6_K": reference(exe, "Q6_K", x),
            }
            for t, blob in expected.items():
                file = f"{name}.{t.lower()}"
                with open(os.path.join(OUT, file), "wb") as f:
                    f.write(blob)
                entry["expected"][t] = file
            manifest["cases"].append(entry)
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
