#!/usr/bin/env python3
"""Check that a PEFT folder written by `medgemma finetune --peft DIR` loads in peft itself.

    python Tools/check_peft_folder.py DIR            # adapter trained on Tests/Fixtures/tiny_gemma/tiny-gemma3.gguf
    python Tools/check_peft_folder.py --vision DIR   # ... on Tests/Fixtures/tiny_gemma_vision/text.gguf

The tiny base model is rebuilt in PyTorch as Tools/make_training_fixtures.py rebuilds it (the
generators' own functions and seeds: the same weights as the GGUF), then
`PeftModel.from_pretrained(base, DIR)` loads the folder. Checks, each failing loudly:

* peft reads adapter_config.json as a LoRA with the folder's r, lora_alpha and lora_dropout;
* loading reports no unexpected keys (a tensor name peft does not place) and every LoRA
  parameter peft creates is in the file (no missing LoRA keys: target_modules wraps exactly
  the modules trained, not, say, the SigLIP tower's q_proj as well);
* every LoRA parameter of the loaded model equals the file's tensor exactly;
* the adapter changes the logits when B is not zero (it is applied), and with the adapter
  disabled the logits are the base model's.

Needs torch, transformers, peft, safetensors and numpy (not needed by `make test`).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from peft import PeftModel  # noqa: E402
from safetensors.torch import load_file  # noqa: E402
from transformers import Gemma3ForConditionalGeneration  # noqa: E402

import make_tiny_gemma as tt  # noqa: E402
import make_tiny_gemma_vision as tv  # noqa: E402


def fail(msg: str) -> None:
    sys.exit(f"CHECK FAILED: {msg}")


def base(vision: bool):
    if vision:
        torch.manual_seed(tv.SEED)
        model = Gemma3ForConditionalGeneration(tv.make_config()).to(torch.float32).eval()
        tv.randomize(model, np.random.default_rng(tv.SEED))
        return model
    return tt.build_model(tt.random_weights(np.random.default_rng(tt.SEED))).eval()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--vision", action="store_true", help="the adapter is for the tiny vision model")
    args = ap.parse_args()

    config = json.loads((args.folder / "adapter_config.json").read_text())
    saved = load_file(str(args.folder / "adapter_model.safetensors"))
    pm = PeftModel.from_pretrained(base(args.vision), str(args.folder)).eval()
    lc = pm.peft_config["default"]
    if (lc.peft_type.value, lc.r, lc.lora_alpha, lc.lora_dropout) != ("LORA", config["r"], config["lora_alpha"], config["lora_dropout"]):
        fail(f"peft read {lc.peft_type} r={lc.r} alpha={lc.lora_alpha} dropout={lc.lora_dropout}, the file says {config}")

    live = {n.replace(".default", ""): p for n, p in pm.named_parameters() if "lora_" in n}
    missing = sorted(set(live) - set(saved))
    unexpected = sorted(set(saved) - set(live))
    if missing:
        fail(f"{len(missing)} LoRA parameters peft created are not in the file, e.g. {missing[:3]}")
    if unexpected:
        fail(f"{len(unexpected)} tensors of the file peft did not place, e.g. {unexpected[:3]}")
    for name, p in live.items():
        if not torch.equal(p.detach(), saved[name]):
            fail(f"{name}: the loaded parameter differs from the file")

    vocab = pm.get_input_embeddings().weight.shape[0]
    ids = torch.tensor([[2] + [int(i) for i in np.random.default_rng(1).integers(3, vocab, 11)]])
    with torch.no_grad():
        adapted = pm(input_ids=ids).logits
        with pm.disable_adapter():
            plain = pm(input_ids=ids).logits
        reference = base(args.vision)(input_ids=ids).logits
    if not torch.equal(plain, reference):
        fail("with the adapter disabled the logits are not the base model's")
    trained = any(bool(t.abs().max() > 0) for n, t in saved.items() if "lora_B" in n)
    change = float((adapted - plain).abs().max())
    if trained and change == 0:
        fail("B is not zero but the adapter does not change the logits")
    print(f"OK: {args.folder}: {len(live)} LoRA tensors ({len(live) // 2} pairs) loaded by peft with no missing or "
          f"unexpected keys, values exact; r={lc.r} alpha={lc.lora_alpha} dropout={lc.lora_dropout} "
          f"targets={lc.target_modules}; max |logit change| = {change:.3g}")


if __name__ == "__main__":
    main()
