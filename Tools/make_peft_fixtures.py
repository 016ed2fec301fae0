#!/usr/bin/env python3
"""Write small PEFT LoRA adapter folders for AdaptersTests, with the key list and a digest of
every tensor's values, as the `peft` package saves them.

Run by hand from the repository root (needs torch, transformers, peft and safetensors; the
Swift code never uses them):

    python3 Tools/make_peft_fixtures.py

Each folder under Tests/Fixtures/peft/ is `save_pretrained` of `get_peft_model` on a tiny
random Gemma 3 (vocab 512, hidden 48, 2 layers, 4 heads / 2 KV heads, head_dim 16,
intermediate 64) with LoraConfig(r=4, lora_alpha=8, target_modules="all-linear") and
init_lora_weights=False (B is not zero, so values are worth comparing):

  * causal-all-linear: Gemma3ForCausalLM, float32;
  * causal-modules-to-save: the same in float16 with use_rslora and
    modules_to_save=["lm_head", "embed_tokens"];
  * vision-all-linear: Gemma3ForConditionalGeneration with a tiny SigLIP tower (hidden 32,
    1 layer, image 28, patch 14, no pooling head, as Gemma 3's), in bfloat16 with
    modules_to_save=["lm_head", "embed_tokens"] — what Google's MedGemma fine-tuning
    notebook does; all-linear then reaches the vision tower too.

expected.json gives, per folder, the versions used and per tensor its dtype, shape, the
sha256 of its values as float32 little-endian bytes, and its first values.
"""
import hashlib
import json
import os

import numpy as np
import peft
import safetensors
import torch
import transformers
from peft import LoraConfig, get_peft_model
from safetensors import safe_open
from transformers import (Gemma3Config, Gemma3ForCausalLM, Gemma3ForConditionalGeneration,
                          Gemma3TextConfig, SiglipVisionConfig)

OUT = "Tests/Fixtures/peft"
TEXT = dict(vocab_size=512, hidden_size=48, num_hidden_layers=2, num_attention_heads=4,
            num_key_value_heads=2, head_dim=16, intermediate_size=64)


def causal():
    return Gemma3ForCausalLM(Gemma3TextConfig(**TEXT))


def conditional():
    vision = SiglipVisionConfig(hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                                intermediate_size=64, image_size=28, patch_size=14, vision_use_head=False)
    config = Gemma3Config(text_config=Gemma3TextConfig(**TEXT).to_dict(), vision_config=vision.to_dict(),
                          mm_tokens_per_image=4)
    return Gemma3ForConditionalGeneration(config)


def make(name, model, dtype, **lora):
    torch.manual_seed(17)
    model = model.to(dtype)
    config = LoraConfig(r=4, lora_alpha=8, target_modules="all-linear", init_lora_weights=False, **lora)
    folder = os.path.join(OUT, name)
    get_peft_model(model, config).save_pretrained(folder)
    os.remove(os.path.join(folder, "README.md"))   # PEFT's model-card template, nothing to test
    tensors = {}
    with safe_open(os.path.join(folder, "adapter_model.safetensors"), "pt") as f:
        for key in f.keys():
            t = f.get_tensor(key)
            values = t.to(torch.float32).flatten().numpy().astype("<f4")
            tensors[key] = {
                "dtype": {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16"}[t.dtype],
                "shape": list(t.shape),
                "sha256": hashlib.sha256(values.tobytes()).hexdigest(),
                "first": [float(v) for v in values[:4]],
            }
    size = os.path.getsize(os.path.join(folder, "adapter_model.safetensors"))
    assert size < 200_000, (name, size)
    return {"tensors": tensors, "bytes": size}


def main():
    os.makedirs(OUT, exist_ok=True)
    expected = {
        "versions": {"peft": peft.__version__, "transformers": transformers.__version__,
                     "torch": torch.__version__, "safetensors": safetensors.__version__},
        "folders": {
            "causal-all-linear": make("causal-all-linear", causal(), torch.float32),
            "causal-modules-to-save": make("causal-modules-to-save", causal(), torch.float16,
                                           use_rslora=True, modules_to_save=["lm_head", "embed_tokens"]),
            "vision-all-linear": make("vision-all-linear", conditional(), torch.bfloat16,
                                      modules_to_save=["lm_head", "embed_tokens"]),
        },
    }
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")
    for name, folder in expected["folders"].items():
        print(name, folder["bytes"], "bytes,", len(folder["tensors"]), "tensors")


if __name__ == "__main__":
    main()
