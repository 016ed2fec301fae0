#!/usr/bin/env python3
"""Write Tests/Fixtures/lora/export/gemma-3-270m-rank8-random.gguf: a random rank-8 LoRA
adapter for the real gemma-3-270m, in llama.cpp's GGUF LoRA format, for the `medgemma export`
tests (Tests/MedgemmaCLITests/ExportCommandTests.swift).

Run by hand from the repository root (needs numpy and the `gguf` package, 0.19):

    python3 Tools/make_export_lora_fixture.py

It is not a trained adapter — PEFT starts B at zero, which would change nothing — but
seeded Gaussian A and B on all seven projections of all 18 layers, sized so the update moves
the model's perplexity on Tests/Fixtures/perplexity/corpus.txt by some tens of percent: a
merge that drops, doubles or misplaces an update is then plain in the numbers. alpha = 16,
so llama.cpp and this engine scale each update by 16 / 8 = 2. A and B are F16, as
`convert_lora_to_gguf.py --outtype f16` writes them.
"""
import os

import numpy as np
import gguf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "lora", "export", "gemma-3-270m-rank8-random.gguf")

LAYERS, D, Q, KV, FF, RANK, ALPHA = 18, 640, 1024, 256, 2048, 8, 16.0
# (projection, inputs, outputs) as the GGUF weights have them (ne = [inputs, outputs]).
PROJECTIONS = [("attn_q", D, Q), ("attn_k", D, KV), ("attn_v", D, KV), ("attn_output", Q, D),
               ("ffn_gate", D, FF), ("ffn_up", D, FF), ("ffn_down", FF, D)]
# The std of B: with A ~ N(0, 1/inputs), each update's entries have std ≈ 2·σ·√8/√inputs.
SIGMA_B = 0.012


def main():
    rng = np.random.default_rng(17)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    w = gguf.GGUFWriter(OUT, "gemma3")
    w.add_string("general.type", "adapter")
    w.add_string("general.name", "gemma-3-270m rank-8 random (export test)")
    w.add_string("adapter.type", "lora")
    w.add_float32("adapter.lora.alpha", ALPHA)
    for layer in range(LAYERS):
        for name, inputs, outputs in PROJECTIONS:
            a = (rng.standard_normal((RANK, inputs)) / np.sqrt(inputs)).astype(np.float16)   # ne [inputs, rank]
            b = (rng.standard_normal((outputs, RANK)) * SIGMA_B).astype(np.float16)         # ne [rank, outputs]
            w.add_tensor(f"blk.{layer}.{name}.weight.lora_a", a)
            w.add_tensor(f"blk.{layer}.{name}.weight.lora_b", b)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
