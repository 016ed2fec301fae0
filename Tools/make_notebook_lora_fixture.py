#!/usr/bin/env python3
"""Make a PEFT LoRA adapter configured exactly as Google's MedGemma fine-tuning notebook
configures it, for the TINY RANDOM Gemma 3 vision-language model of
Tools/make_tiny_gemma_vision.py, and record what PEFT's `PeftModel` computes with it: an oracle
fixture for the Swift engine applying such an adapter (text + vision LoRA, replaced embedding
and output matrices) to the GGUFs in Tests/Fixtures/tiny_gemma_vision/.

What it makes
-------------
Tests/Fixtures/peft/notebook/adapter_config.json       PEFT's `save_pretrained` config, with the
                                                        `target_modules` list sorted (PEFT writes
                                                        a set in hash order)
Tests/Fixtures/peft/notebook/adapter_model.safetensors  every tensor BF16 (as the notebook, which
                                                        trains in bf16, saves it); keys and the
                                                        {"format": "pt"} metadata as PEFT writes them
Tests/Fixtures/peft/notebook-expected.json             with the adapter: the SigLIP output
                                                        (post-LayerNorm last_hidden_state, 144×32)
                                                        and projector output (36×24) for each image
                                                        of tiny_gemma_vision/expected.json; the
                                                        logits at every position of each of its
                                                        prompts (same names, ids, images); the
                                                        logits of a text-only prompt; the last
                                                        logits of the chat prompt of
                                                        tiny_gemma_vision/chat.json (what
                                                        `medgemma logits --chat --image image0.png`
                                                        sends; text-chat.gguf); ablations.

The adapter
-----------
The base model is rebuilt with make_tiny_gemma_vision's own `make_config` / `randomize` (same
seed, same order), float32. `get_peft_model` with the notebook's
    LoraConfig(lora_alpha=16, lora_dropout=0.05, r=16, bias="none", target_modules="all-linear",
               task_type="CAUSAL_LM", modules_to_save=["lm_head", "embed_tokens"])
plus init_lora_weights=False. "all-linear" reaches every nn.Linear but the output layer: the
text q/k/v/o/gate/up/down projections and SigLIP's q/k/v/out projections and fc1/fc2 (the
Gemma 3 projector has no nn.Linear). The scale is lora_alpha / r = 1. Then, from a seeded numpy
generator (in parameter-name order), every lora_A is redrawn N(0, 1/fan_in) and every lora_B
N(0, 0.025²), so ‖ΔW‖ ≈ 0.1‖W‖ (logits move by O(1), not O(100)); the trained copies of
embed_tokens and lm_head (ModulesToSaveWrapper.modules_to_save["default"]) get independent
N(0, 0.05²) noise on top of the (tied) base embedding, so the output matrix is no longer the
input embedding. Every adapter value is rounded to BF16 before anything is computed, so the
BF16 file holds the oracle exactly. Dropout is off (eval).

Semantics the fixture pins (PEFT 0.21.2, transformers 5.24): each ModulesToSaveWrapper
deep-copies its own module, so the two replacements are separate tensors although the base
model ties lm_head to embed_tokens (ensure_weight_tying=False, the default; PEFT warns about it);
the replaced embed_tokens is still a Gemma3TextScaledWordEmbedding, so looked-up rows are
multiplied by sqrt(hidden) exactly as the base embedding's; the logits are the final hidden
state times the replaced lm_head matrix; the image rows are the projector output (not scaled).

Self-checks (fail loudly)
-------------------------
* the rebuilt base model reproduces every prompt's logits in tiny_gemma_vision/expected.json to
  1e-5 (the same weights as the GGUFs);
* the two replacement copies are distinct tensors; the replaced embedding scales by sqrt(d);
  the PeftModel's logits equal final-hidden-state · lm_head copyᵀ;
* the saved file has exactly the expected tensor names (printed), is < 200 KB, and reloading it
  with `PeftModel.from_pretrained` onto a freshly rebuilt float32 base model gives the in-memory
  logits to 1e-6 (the file, not the live model, is the oracle);
* ablations on the one-image prompt — vision LoRA zeroed, text LoRA zeroed, embed_tokens copy
  reset to the base embedding, lm_head copy reset to the base, and the output computed with the
  replaced embedding instead of the replaced lm_head — each move some logit by > 0.05 (50× the
  1e-3 test tolerance);
* the JSON is < 1.5 MB.

How to run (from the repository root; ~10 s, deterministic: same bytes every run):
    python3 Tools/make_notebook_lora_fixture.py
Needs numpy, torch (CPU), transformers (written against 5.24.0), peft (0.21.2), safetensors.
Nothing is downloaded.
"""

from __future__ import annotations

import copy
import json
import os
import re
import sys
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import peft  # noqa: E402
import torch  # noqa: E402
import transformers  # noqa: E402
from peft import LoraConfig, PeftModel, get_peft_model  # noqa: E402
from safetensors import safe_open  # noqa: E402
from safetensors.torch import save_file  # noqa: E402
from transformers import Gemma3ForConditionalGeneration  # noqa: E402

import make_tiny_gemma_vision as tg  # noqa: E402

BASE_DIR = Path("Tests/Fixtures/tiny_gemma_vision")
OUT_DIR = Path("Tests/Fixtures/peft/notebook")
EXPECTED = Path("Tests/Fixtures/peft/notebook-expected.json")
ADAPTER_SEED = 20251204
R, ALPHA = 16, 16
LORA_B_STD = 0.025
EMBED_NOISE_STD, LM_HEAD_NOISE_STD = 0.05, 0.05
TEXT_PROMPT = [tg.BOS_ID, 10, 11, 12, 13, 14, 15, 16]
ABLATION_MIN = 0.05
SAVED_NAME = re.compile(
    r"base_model\.model\.model\.language_model\.layers\.\d+\."
    r"(self_attn\.[qkvo]_proj|mlp\.(gate|up|down)_proj)\.lora_[AB]\.weight"
    r"|base_model\.model\.model\.vision_tower\.encoder\.layers\.\d+\."
    r"(self_attn\.(q|k|v|out)_proj|mlp\.fc[12])\.lora_[AB]\.weight"
    r"|base_model\.model\.lm_head\.weight"
    r"|base_model\.model\.model\.language_model\.embed_tokens\.weight")


def fail(msg: str) -> None:
    sys.exit(f"SELF-CHECK FAILED: {msg}")


def base_model() -> Gemma3ForConditionalGeneration:
    """The model of make_tiny_gemma_vision.py, rebuilt the same way (same seeds, same order)."""
    torch.manual_seed(tg.SEED)
    model = Gemma3ForConditionalGeneration(tg.make_config()).to(torch.float32).eval()
    tg.randomize(model, np.random.default_rng(tg.SEED))
    return model


def notebook_config() -> LoraConfig:
    return LoraConfig(lora_alpha=ALPHA, lora_dropout=0.05, r=R, bias="none", target_modules="all-linear",
                      task_type="CAUSAL_LM", modules_to_save=["lm_head", "embed_tokens"],
                      init_lora_weights=False)


def inner(pm: PeftModel) -> Gemma3ForConditionalGeneration:
    return pm.base_model.model


def logits(pm, ids, types=None, pixels=None) -> np.ndarray:
    kw = {}
    if pixels:
        kw = {"pixel_values": torch.from_numpy(np.stack(pixels)), "token_type_ids": torch.tensor([types])}
    with torch.no_grad():
        out = pm(input_ids=torch.tensor([ids]), use_cache=False, **kw)
    return out.logits[0].numpy().copy()


def logits_of(model, ids, types, pixels) -> np.ndarray:
    """The plain (un-adapted) transformers model's logits at every position."""
    with torch.no_grad():
        out = model(input_ids=torch.tensor([ids]), pixel_values=torch.from_numpy(np.stack(pixels)),
                    token_type_ids=torch.tensor([types]), use_cache=False)
    return out.logits[0].numpy().copy()


def features(pm, pixels: np.ndarray):
    with torch.no_grad():
        out = inner(pm).model.get_image_features(torch.from_numpy(pixels[None]), return_dict=True)
    return out.last_hidden_state[0].numpy().copy(), out.pooler_output[0].numpy().copy()


def saved_copy(pm, which: str) -> torch.nn.Module:
    m = inner(pm)
    wrapper = m.lm_head if which == "lm_head" else m.model.language_model.embed_tokens
    if type(wrapper).__name__ != "ModulesToSaveWrapper":
        fail(f"{which} is a {type(wrapper).__name__}, not a ModulesToSaveWrapper")
    return wrapper.modules_to_save["default"]


def perturb(pm) -> None:
    """Seeded, in name order: LoRA A ~ N(0, 1/fan_in), B ~ N(0, 0.025²); the two replacement copies
    get independent noise; then every adapter value is rounded to BF16."""
    rng = np.random.default_rng(ADAPTER_SEED)
    with torch.no_grad():
        for name, p in sorted(inner(pm).named_parameters()):
            shape = tuple(p.shape)
            if ".lora_A." in name:
                v = rng.standard_normal(shape) / np.sqrt(shape[1])
            elif ".lora_B." in name:
                v = LORA_B_STD * rng.standard_normal(shape)
            elif "embed_tokens.modules_to_save.default." in name:
                v = p.detach().numpy().astype(np.float64) + EMBED_NOISE_STD * rng.standard_normal(shape)
            elif "lm_head.modules_to_save.default." in name:
                v = p.detach().numpy().astype(np.float64) + LM_HEAD_NOISE_STD * rng.standard_normal(shape)
            else:
                continue
            p.copy_(torch.from_numpy(v.astype(np.float32)).bfloat16().float())


def adapter_params(pm) -> dict[str, torch.Tensor]:
    return {n: p for n, p in inner(pm).named_parameters() if ".lora_" in n or ".modules_to_save." in n}


def main() -> None:
    base = json.loads((BASE_DIR / "expected.json").read_text())
    images = [(np.asarray(im["bytes_chw"], dtype=np.float32).reshape(3, tg.IMAGE_SIZE, tg.IMAGE_SIZE)
               / np.float32(127.5) - np.float32(1)).astype(np.float32) for im in base["images"]]

    # 1. The base model is the GGUFs' model.
    model = base_model()
    for p in base["prompts"]:
        got = tg.hf_logits(model, p["ids"], p["token_types"], [images[i] for i in p["images"]])
        err = float(np.max(np.abs(got - np.asarray(p["logits"], dtype=np.float32))))
        print(f"base model, prompt {p['name']!r}: max |Δ| vs expected.json = {err:.3g}")
        if not err <= 1e-5:
            fail(f"rebuilt base model differs from tiny_gemma_vision/expected.json ({err})")
    base_emb = model.model.language_model.embed_tokens.weight.detach().clone()
    if model.lm_head.weight.data_ptr() != base_emb.data_ptr() and not torch.equal(model.lm_head.weight, base_emb):
        fail("base model's lm_head is not tied to embed_tokens")

    # The chat prompt `medgemma logits --chat --image image0.png` sends (tiny_gemma_vision/chat.json,
    # text-chat.gguf: the same weights with a chat vocabulary): the base model gives its logits.
    chat = json.loads((BASE_DIR / "chat.json").read_text())["prompts"]["after_text"]
    chat_base = logits_of(model, chat["ids"], chat["token_type_ids"], [images[0]])[-1]
    err = float(np.max(np.abs(chat_base - np.asarray(chat["last_logits"], dtype=np.float32))))
    print(f"base model, chat prompt: max |Δ| vs chat.json = {err:.3g}")
    if not err <= 1e-5:
        fail(f"the base model's chat-prompt logits differ from tiny_gemma_vision/chat.json ({err})")

    # 2. The notebook's adapter.
    torch.manual_seed(ADAPTER_SEED)
    pm = get_peft_model(model, notebook_config())
    perturb(pm)
    pm.eval()
    emb_copy, head_copy = saved_copy(pm, "embed_tokens"), saved_copy(pm, "lm_head")
    if emb_copy.weight.data_ptr() == head_copy.weight.data_ptr() or torch.equal(emb_copy.weight, head_copy.weight):
        fail("the embed_tokens and lm_head copies are the same tensor")
    if type(emb_copy).__name__ != "Gemma3TextScaledWordEmbedding":
        fail(f"embed_tokens copy is a {type(emb_copy).__name__}")
    with torch.no_grad():
        ids_t = torch.tensor([TEXT_PROMPT])
        looked_up = inner(pm).model.language_model.embed_tokens(ids_t)[0]
        want = emb_copy.weight[ids_t[0]] * torch.tensor(tg.D_TEXT ** 0.5, dtype=torch.float32)
        if float((looked_up - want).abs().max()) > 1e-6:
            fail("the replaced embedding does not scale by sqrt(d)")
        out = pm(input_ids=ids_t, use_cache=False, output_hidden_states=True)
        manual = out.hidden_states[-1][0] @ head_copy.weight.T
        if float((manual - out.logits[0]).abs().max()) > 1e-5:
            fail("logits are not final hidden state · lm_head copyᵀ")
        print(f"embed_tokens copy: {type(emb_copy).__name__}, embed_scale {float(emb_copy.embed_scale):.6g} "
              f"(sqrt({tg.D_TEXT}) = {tg.D_TEXT ** 0.5:.6g}); lm_head copy separate: "
              f"max |lm_head − embed| = {float((head_copy.weight - emb_copy.weight).abs().max()):.3g}")

    prompts = []
    for p in base["prompts"]:
        lg = logits(pm, p["ids"], p["token_types"], [images[i] for i in p["images"]])
        prompts.append({"name": p["name"], "ids": p["ids"], "logits": lg})
        d = float(np.max(np.abs(lg - np.asarray(p["logits"], dtype=np.float32))))
        print(f"adapter, prompt {p['name']!r}: max |logit| {float(np.abs(lg).max()):.3g}, max |Δ| vs base {d:.3g}")
    text_logits = logits(pm, TEXT_PROMPT)
    chat_logits = logits(pm, chat["ids"], chat["token_type_ids"], [images[0]])[-1]
    feats = [features(pm, im) for im in images]
    for k, (s, f) in enumerate(feats):
        b = base["images"][k]
        print(f"adapter, image {k}: max |Δ siglip| {float(np.abs(s - np.asarray(b['siglip_output'])).max()):.3g}, "
              f"max |Δ features| {float(np.abs(f - np.asarray(b['features'])).max()):.3g}")

    # 3. Ablations on the one-image prompt.
    first = base["prompts"][0]
    first_args = (first["ids"], first["token_types"], [images[i] for i in first["images"]])
    full = prompts[0]["logits"]

    def ablated(edit) -> float:
        m = copy.deepcopy(pm)
        with torch.no_grad():
            edit(m)
        return float(np.max(np.abs(logits(m, *first_args) - full)))

    def zero_lora(part):
        def edit(m):
            for n, p in adapter_params(m).items():
                if ".lora_B." in n and part in n:
                    p.zero_()
        return edit

    ablations = {
        "no_vision_lora": ablated(zero_lora(".vision_tower.")),
        "no_text_lora": ablated(zero_lora(".language_model.")),
        "no_embed_tokens_replacement": ablated(lambda m: saved_copy(m, "embed_tokens").weight.copy_(base_emb)),
        "no_lm_head_replacement": ablated(lambda m: saved_copy(m, "lm_head").weight.copy_(base_emb)),
        "lm_head_tied_to_replaced_embedding":
            ablated(lambda m: saved_copy(m, "lm_head").weight.copy_(saved_copy(m, "embed_tokens").weight)),
    }
    for name, d in ablations.items():
        print(f"  ablation {name:36s} max |Δlogit| = {d:.4g}")
        if not d > ABLATION_MIN:
            fail(f"fixture insensitive to {name} ({d})")

    # 4. Save: PEFT's folder, tensors as BF16 (exact after the rounding), config list sorted.
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    pm.save_pretrained(str(OUT_DIR))
    (OUT_DIR / "README.md").unlink()
    st = OUT_DIR / "adapter_model.safetensors"
    with safe_open(str(st), "pt") as f:
        meta = f.metadata()
        tensors = {k: f.get_tensor(k) for k in f.keys()}
    if meta != {"format": "pt"}:
        fail(f"PEFT wrote metadata {meta}")
    for k, t in tensors.items():
        if not torch.equal(t.bfloat16().float(), t.float()):
            fail(f"{k} is not BF16-representable")
    save_file({k: t.bfloat16().contiguous() for k, t in tensors.items()}, str(st), metadata={"format": "pt"})
    cfg_path = OUT_DIR / "adapter_config.json"
    cfg = json.loads(cfg_path.read_text())
    cfg["target_modules"] = sorted(cfg["target_modules"])
    cfg_path.write_text(json.dumps(cfg, indent=2, sort_keys=True) + "\n")

    names = sorted(tensors)
    other = [n for n in names if not SAVED_NAME.fullmatch(n)]
    lora_text = [n for n in names if ".language_model.layers." in n]
    lora_vision = [n for n in names if ".vision_tower." in n]
    print(f"saved {len(names)} tensors: {len(lora_text)} text LoRA, {len(lora_vision)} vision LoRA, "
          f"{len(names) - len(lora_text) - len(lora_vision)} other")
    for n in names:
        print(f"  {n} {list(tensors[n].shape)}")
    if other:
        fail(f"unexpected tensor names: {other}")
    want_count = 2 * (7 * tg.N_LAYERS + 6 * tg.V_LAYERS) + 2
    if len(names) != want_count:
        fail(f"{len(names)} tensors, want {want_count}")

    # 5. The file is the oracle: reload onto a fresh base model.
    reloaded = PeftModel.from_pretrained(base_model(), str(OUT_DIR)).eval()
    checks = [(logits(reloaded, p["ids"], p["token_types"], [images[i] for i in p["images"]]), q["logits"])
              for p, q in zip(base["prompts"], prompts)] + [(logits(reloaded, TEXT_PROMPT), text_logits)] \
        + [(logits(reloaded, chat["ids"], chat["token_type_ids"], [images[0]])[-1], chat_logits)]
    err = max(float(np.max(np.abs(a - b))) for a, b in checks)
    for (s, f), im in zip(feats, images):
        s2, f2 = features(reloaded, im)
        err = max(err, float(np.abs(s2 - s).max()), float(np.abs(f2 - f).max()))
    print(f"reloaded from the folder: max |Δ| vs in-memory = {err:.3g}")
    if not err <= 1e-6:
        fail(f"reloaded adapter differs from the in-memory one ({err})")

    fixture = {
        "generator": "Tools/make_notebook_lora_fixture.py",
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__,
                     "peft": peft.__version__},
        "lora": {"r": R, "alpha": ALPHA, "scale": ALPHA / R, "tensors": len(names)},
        "images": [{"siglip_output": tg.rows(s), "features": tg.rows(f)} for s, f in feats],
        "prompts": [{"name": p["name"], "ids": p["ids"], "logits": tg.rows(p["logits"])} for p in prompts],
        "text_prompt": {"ids": TEXT_PROMPT, "logits": tg.rows(text_logits)},
        "chat_prompt": {"ids": chat["ids"], "last_logits": [float(v) for v in chat_logits]},
        "ablations_max_abs_logit_change": ablations,
    }
    EXPECTED.write_text(tg.dump(fixture) + "\n")

    st_size, json_size = st.stat().st_size, EXPECTED.stat().st_size
    print(f"sizes: {st} {st_size} B, {cfg_path} {cfg_path.stat().st_size} B, {EXPECTED} {json_size} B")
    if st_size >= 200_000:
        fail(f"adapter file too large ({st_size})")
    if json_size >= 1_500_000:
        fail(f"expected JSON too large ({json_size})")


if __name__ == "__main__":
    main()
