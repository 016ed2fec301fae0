#!/usr/bin/env python3
"""Record what PyTorch autograd computes when a LoRA adapter is TRAINED on the tiny random Gemma 3
models of the repository: the loss, the gradient of every LoRA parameter, and the adapter after
5 AdamW steps — an oracle fixture for the Swift in-process LoRA training (backward pass through
Gemma 3) that reads the same models from their GGUFs.

What it makes (Tests/Fixtures/training/)
----------------------------------------
text-initial/      PEFT `save_pretrained` folder of the INITIAL adapter for the text model of
                   Tools/make_tiny_gemma.py (Tests/Fixtures/tiny_gemma/tiny-gemma3.gguf):
                   adapter_model.safetensors (F32) + adapter_config.json (target_modules sorted,
                   `json.dumps(indent=2, sort_keys=True)`, so the bytes are deterministic); no README.
text.json          the examples (ids, labels), the loss, the gradient of every LoRA tensor (full
                   matrix, PEFT's saved name, same shape as the tensor), their global L2 norm, and a
                   5-step AdamW run: per step the learning rate used, the loss before the step, the
                   gradient norm before clipping, whether clipping triggered; the adapter after the
                   5 steps and the loss it gives.
vision-initial/    the same for the vision-language model of Tools/make_tiny_gemma_vision.py
                   (Tests/Fixtures/tiny_gemma_vision/text.gguf + mmproj-f32.gguf); LoRA on the
                   language model's projections only — the SigLIP tower and projector are frozen.
vision.json        as text.json; one example holds image 0 of tiny_gemma_vision/expected.json.
text-modules-initial/  the "text" case (same base model, examples, seeded LoRA init) with
                   LoraConfig(modules_to_save=["lm_head", "embed_tokens"]) as in the MedGemma
                   notebook: PEFT adds full trainable copies of the embedding
                   (Gemma3TextScaledWordEmbedding, looked up then scaled by sqrt(d); padding_idx 0)
                   and of the output head. They start equal to the (tied) base weight but are two
                   separate Parameters, so the output is no longer tied to the embedding. The
                   safetensors holds them, F32 [vocab, d], as `base_model.model.lm_head.weight` and
                   `base_model.model.model.embed_tokens.weight` next to the LoRA tensors.
text-modules.json  as text.json ("gradients" and "training.final" hold the LoRA tensors only), numbers
                   with 8 significant digits, plus: "modules_to_save", "modules_to_save_names",
                   "weight_tying" (base tied before wrapping, peft's ensure_weight_tying — its default,
                   False, is kept: what a user gets; peft then warns about tied weights — whether the
                   copies are tied after wrapping (they are not; if they were, the script stops),
                   embed_scale, padding_idx), "gradient_norm_parts" (LoRA / lm_head / embed_tokens;
                   "gradient_norm" is over all of them), "gradients_modules_to_save" (lm_head: the full
                   matrix; embed_tokens: {"rows": every distinct id of the examples, "values"} — every
                   other row's gradient is exactly 0, checked; ids that occur only as an example's
                   last token get a 0 row too, listed), and "training.final_modules_to_save" (the
                   full lm_head copy, the embed_tokens copy's used rows, and "embed_tokens_untouched":
                   rows 0, 1 and vocab-1, which never get a gradient and so only decay,
                   w * prod_k (1 - lr_k * weight_decay), with that factor and their initial and final
                   values, these with 9 digits: float32 round-trips, the decay can be checked exactly).
                   Clipping, weight decay and AdamW cover every trainable parameter, copies included.
All JSONs also carry "self_check" (the numbers of the checks below, and a note on comparing
the final adapter per tensor).

The adapters
------------
LoraConfig(r=4, lora_alpha=8, lora_dropout=0.0, task_type="CAUSAL_LM", init_lora_weights=False,
target_modules=[q,k,v,o,gate,up,down]_proj) (vision: the regex
`.*language_model.*\\.(q_proj|k_proj|v_proj|o_proj|gate_proj|up_proj|down_proj)`; text-modules:
plus modules_to_save=["lm_head", "embed_tokens"]), scale alpha / r = 2. After get_peft_model,
from a seeded numpy generator in sorted parameter-name order: lora_A ~ N(0, 1/fan_in),
lora_B ~ N(0, 0.05²) (B ≠ 0, so A's gradient is not zero); text-modules draws exactly the text
case's LoRA tensors (checked), its copies are left as PEFT makes them (= the base weight).

The loss (written into the JSON as "loss_definition")
-----------------------------------------------------
Every example is run through the PeftModel on its own (batch 1, no padding, float32, eval mode,
dropout 0). loss = Σ_examples Σ_{t ≥ 1, labels[t] ≠ −100} −log softmax(logits[t−1])[ids[t]]
divided by the number of such positions in the whole batch (token mean over the batch, not the
mean of per-example means: that is what transformers' own `labels=` loss gives per example; the
script prints both and the JSON records the per-example sums and counts).

Training: each of the 5 steps uses all examples as one batch: zero_grad, loss.backward(),
torch.nn.utils.clip_grad_norm_(trainable params, max_grad_norm) (coefficient
min(1, max_norm / (total_norm + 1e-6))), optimizer.step(), scheduler.step(), with
torch.optim.AdamW(lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01) and
transformers.get_linear_schedule_with_warmup(num_warmup_steps=1, num_training_steps=5): the
learning-rate factors are 0, 1, 0.75, 0.5, 0.25 — the FIRST step runs with lr = 0 (weights do
not move, not even by weight decay, but Adam's moments and step count advance).

Self-checks (fail loudly)
-------------------------
* the rebuilt base models reproduce the logits of tiny_gemma/expected.json and of every prompt of
  tiny_gemma_vision/expected.json to 1e-5 (same weights as the GGUFs);
* with the adapter's B zeroed, the PeftModel gives the base model's logits (the LoRA is additive);
* LoRA parameters are exactly the targeted ones (vision: none in the vision tower / projector)
  and are the only parameters that receive gradients (text-modules: they and the two copies);
* text-modules: the base model is tied before get_peft_model; afterwards the lm_head and
  embed_tokens copies are distinct Parameters that both require grad (else: STOP, no fixture),
  the frozen originals are still tied, the copies equal the base weight, the initial logits equal
  the plain LoRA model's (text case) to 1e-6 (recorded), the embedding copy's gradient is exactly
  0 outside the examples' ids, and after training the untouched rows equal initial * prod_k
  (1 - lr_k * weight_decay) (recorded: bit-equal to the float32 sequence of decays);
* central finite differences in float64 (a deep copy of the PeftModel cast to double) for 3
  randomly chosen LoRA scalars (text-modules: also 2 entries of the lm_head copy and 2 of the
  embed_tokens copy's row with the largest gradient, entries with |g| >= 0.1 max |g|) agree with
  float64 autograd to 1e-6 relative, and with the recorded float32 gradients to 1e-3; the
  float32 gradients agree with float64 autograd to 1e-4 per tensor (max |Δ| / max |g|; printed and recorded). transformers computes RMSNorm and
  the attention softmax in float32 even in a float64 model; `true_float64()` patches both so
  that the float64 run really is float64 (otherwise the finite differences are off by ~20 %);
* the per-example loss agrees with transformers' own `labels=` loss (sum / count);
* clipping triggers on the first steps but not on every step, and no gradient norm is within 5 %
  of max_grad_norm; every tensor moves by > 1e-2 of its max |value|; the same 5 steps run in
  float64 end within 1e-4 (per tensor, relative to its max) of the recorded float32 adapter;
* reloading the saved initial folder with `PeftModel.from_pretrained` onto a freshly rebuilt
  base model reproduces the loss exactly (bit-equal float32) (text-modules: with untied copies);
* everything is computed twice in-process and must give the same bytes (sha256 printed);
  the fixture is < 4 MB in all (sizes printed; text-modules.json alone is ~1.5 MB: two full
  512 x 48 matrices for the lm_head copy).

How to run (from the repository root; ~30 s, deterministic; one torch thread):
    python3 Tools/make_training_fixtures.py
Needs numpy, torch (CPU), transformers (written against 5.24.0), peft (0.21.2), safetensors, and
the generators Tools/make_tiny_gemma.py and Tools/make_tiny_gemma_vision.py (imported; their
fixtures must exist). Nothing is downloaded.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import os
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import peft  # noqa: E402
import safetensors  # noqa: E402
import torch  # noqa: E402
import transformers  # noqa: E402
from peft import LoraConfig, PeftModel, get_peft_model  # noqa: E402
from transformers import Gemma3ForConditionalGeneration, get_linear_schedule_with_warmup  # noqa: E402

import make_tiny_gemma as tt  # noqa: E402
import make_tiny_gemma_vision as tv  # noqa: E402

TEXT_DIR = Path("Tests/Fixtures/tiny_gemma")
VISION_DIR = Path("Tests/Fixtures/tiny_gemma_vision")
OUT_DIR = Path("Tests/Fixtures/training")

R, ALPHA = 4, 8
LORA_B_STD = 0.05
PROJECTIONS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
VISION_TARGET = r".*language_model.*\.(q_proj|k_proj|v_proj|o_proj|gate_proj|up_proj|down_proj)"
IGNORE = -100
# The cases, in this order (the index seeds the finite-difference picks). "text-modules" is "text"
# plus full trainable copies of the embedding and the output head (PEFT modules_to_save).
CASES = ("text", "vision", "text-modules")
MODULES_CASE = "text-modules"
TEXT_CASES = ("text", MODULES_CASE)
MODULES_TO_SAVE = ("lm_head", "embed_tokens")

LR, BETAS, EPS, WEIGHT_DECAY = 1e-2, (0.9, 0.999), 1e-8, 0.01
WARMUP, STEPS = 1, 5
# Chosen so that clipping triggers on the first steps and not on the last ones (both paths are
# exercised), every norm at least 5 % away from the threshold (asserted).
MAX_GRAD_NORM = {"text": 3.5, "vision": 7.0, MODULES_CASE: 3.5}
CLIP_MARGIN = 0.05

TEXT_ADAPTER_SEED, TEXT_DATA_SEED = 20261204, 20261205
VISION_ADAPTER_SEED, VISION_DATA_SEED = 20261206, 20261207
FD_SEED, FD_H = 20261208, 1e-5

LOSS_DEFINITION = (
    "Each example has ids (ids[0] = BOS) and labels of the same length (-100 = no loss, else labels[t] "
    "= ids[t]). Every example is run on its own (batch 1, no padding, float32, dropout 0) through "
    "the base model with the adapter (LoRA: y = W x + scale * B (A x), scale = alpha / r). "
    "loss = (sum over examples, sum over positions t >= 1 with labels[t] != -100, of "
    "-log softmax(logits[t-1])[ids[t]]) / (number of such positions in the whole batch): the "
    "token mean over the batch, NOT the mean of per-example means. Vision examples feed "
    "pixel_values (image bytes u -> u / 127.5 - 1, float32, 3x48x48) and token_type_ids "
    "(1 on the 36 image placeholders: the image block attends bidirectionally).")


def fail(msg: str) -> None:
    sys.exit(f"SELF-CHECK FAILED: {msg}")


# --------------------------------------------------------------------------------------
# Base models (rebuilt with the generators' own functions and seeds)
# --------------------------------------------------------------------------------------

def text_base():
    rng = np.random.default_rng(tt.SEED)
    return tt.build_model(tt.random_weights(rng))


def vision_base() -> Gemma3ForConditionalGeneration:
    torch.manual_seed(tv.SEED)
    model = Gemma3ForConditionalGeneration(tv.make_config()).to(torch.float32).eval()
    tv.randomize(model, np.random.default_rng(tv.SEED))
    return model


def vision_images(expected: dict) -> list[np.ndarray]:
    return [(np.asarray(im["bytes_chw"], dtype=np.float32).reshape(3, tv.IMAGE_SIZE, tv.IMAGE_SIZE)
             / np.float32(127.5) - np.float32(1)).astype(np.float32) for im in expected["images"]]


def check_text_base(model) -> float:
    exp = json.loads((TEXT_DIR / "expected.json").read_text())
    err = 0.0
    for s in exp["sequences"]:
        got, _ = tt.run_hf(model, s["ids"])
        err = max(err, float(np.max(np.abs(got - np.asarray(s["logits"], dtype=np.float32)))))
    print(f"text base model vs tiny_gemma/expected.json: max |Δlogit| = {err:.3g}")
    if not err <= 1e-5:
        fail(f"rebuilt text model differs from tiny_gemma/expected.json ({err})")
    return err


def check_vision_base(model, exp: dict, images) -> float:
    err = 0.0
    for p in exp["prompts"]:
        got = tv.hf_logits(model, p["ids"], p["token_types"], [images[i] for i in p["images"]])
        err = max(err, float(np.max(np.abs(got - np.asarray(p["logits"], dtype=np.float32)))))
    print(f"vision base model vs tiny_gemma_vision/expected.json: max |Δlogit| = {err:.3g}")
    if not err <= 1e-5:
        fail(f"rebuilt vision model differs from tiny_gemma_vision/expected.json ({err})")
    return err


# --------------------------------------------------------------------------------------
# Adapter
# --------------------------------------------------------------------------------------

def lora_config(case: str) -> LoraConfig:
    target = sorted(PROJECTIONS) if case in TEXT_CASES else VISION_TARGET
    extra = {"modules_to_save": list(MODULES_TO_SAVE)} if case == MODULES_CASE else {}
    return LoraConfig(r=R, lora_alpha=ALPHA, lora_dropout=0.0, target_modules=target,
                      task_type="CAUSAL_LM", init_lora_weights=False, **extra)


def saved_name(param_name: str) -> str:
    """In-memory PEFT name (…lora_A.default.weight, …lm_head.modules_to_save.default.weight) → the
    name save_pretrained writes (…lora_A.weight, …lm_head.weight)."""
    return (param_name.replace(".lora_A.default.", ".lora_A.").replace(".lora_B.default.", ".lora_B.")
            .replace(".modules_to_save.default.", "."))


def lora_params(pm) -> dict[str, torch.nn.Parameter]:
    """Saved name → parameter, sorted by name."""
    out = {saved_name(n): p for n, p in pm.named_parameters() if ".lora_" in n}
    return dict(sorted(out.items()))


def copy_params(pm) -> dict[str, torch.nn.Parameter]:
    """The full trainable copies of modules_to_save (none unless the case sets it): saved name →
    parameter, sorted by name."""
    out = {saved_name(n): p for n, p in pm.named_parameters() if ".modules_to_save.default." in n}
    return dict(sorted(out.items()))


def trainable_params(pm) -> dict[str, torch.nn.Parameter]:
    """Everything the optimiser updates: the LoRA tensors, then the modules_to_save copies."""
    return {**lora_params(pm), **copy_params(pm)}


def redraw(pm, seed: int) -> None:
    rng = np.random.default_rng(seed)
    with torch.no_grad():
        for name, p in lora_params(pm).items():
            shape = tuple(p.shape)
            if ".lora_A." in name:
                v = rng.standard_normal(shape) / np.sqrt(shape[1])
            else:
                v = LORA_B_STD * rng.standard_normal(shape)
            p.copy_(torch.from_numpy(v.astype(np.float32)))


# --------------------------------------------------------------------------------------
# Data and loss
# --------------------------------------------------------------------------------------

def text_examples() -> list[dict]:
    rng = np.random.default_rng(TEXT_DATA_SEED)
    out = []
    for n, prefix in ((12, 5), (20, 8), (9, 3)):
        ids = [tt.BOS_ID] + [int(t) for t in rng.integers(4, tt.VOCAB, size=n - 1)]
        labels = [IGNORE] * prefix + ids[prefix:]
        out.append({"ids": ids, "labels": labels, "image": None, "token_types": None})
    return out


def vision_examples(exp: dict) -> list[dict]:
    p = next(q for q in exp["prompts"] if q["name"] == "one image")
    ids, types = list(p["ids"]), list(p["token_types"])
    if p["images"] != [0] or ids.count(tv.EOI_ID) != 1:
        fail("unexpected 'one image' prompt")
    eoi = ids.index(tv.EOI_ID)
    labels = [IGNORE] * (eoi + 1) + ids[eoi + 1:]
    rng = np.random.default_rng(VISION_DATA_SEED)
    text_ids = [tv.BOS_ID] + [int(t) for t in rng.integers(4, tv.BOI_ID, size=9)]
    text_labels = [IGNORE] * 4 + text_ids[4:]
    return [{"ids": ids, "labels": labels, "image": 0, "token_types": types},
            {"ids": text_ids, "labels": text_labels, "image": None, "token_types": None}]


def forward_logits(pm, ex: dict, images, dtype=torch.float32) -> torch.Tensor:
    kw = {}
    if ex["image"] is not None:
        kw = {"pixel_values": torch.from_numpy(images[ex["image"]][None]).to(dtype),
              "token_type_ids": torch.tensor([ex["token_types"]])}
    out = pm(input_ids=torch.tensor([ex["ids"]]), use_cache=False, **kw)
    return out.logits[0]


def batch_loss(pm, examples, images, dtype=torch.float32, per_example: list | None = None) -> torch.Tensor:
    total, count = None, 0
    for ex in examples:
        logits = forward_logits(pm, ex, images, dtype)
        labels = torch.tensor(ex["labels"])
        keep = torch.nonzero(labels[1:] != IGNORE).flatten()  # target position t = keep + 1
        s = torch.nn.functional.cross_entropy(logits[:-1][keep], labels[1:][keep], reduction="sum")
        if per_example is not None:
            per_example.append((s.detach(), int(keep.numel())))
        total = s if total is None else total + s
        count += int(keep.numel())
    return total / count


def hf_label_loss(pm, ex: dict, images) -> float:
    """transformers' own loss (labels=) for one example: the mean over that example's tokens."""
    kw = {}
    if ex["image"] is not None:
        kw = {"pixel_values": torch.from_numpy(images[ex["image"]][None]),
              "token_type_ids": torch.tensor([ex["token_types"]])}
    with torch.no_grad():
        out = pm(input_ids=torch.tensor([ex["ids"]]), labels=torch.tensor([ex["labels"]]), use_cache=False, **kw)
    return float(out.loss)


@contextlib.contextmanager
def true_float64():
    """transformers computes Gemma3RMSNorm and the attention softmax in float32 even in a float64
    model (x.float(), softmax(dtype=float32)); that float32 rounding of parameter-dependent values
    would swamp a finite difference. Inside this context both keep the input's dtype. (The rotary
    cos/sin stay float32-rounded: constants, they do not depend on the parameters.)"""
    import transformers.models.gemma3.modeling_gemma3 as mg
    norm_forward, softmax = mg.Gemma3RMSNorm.forward, torch.nn.functional.softmax

    def norm64(self, x):
        if x.dtype != torch.float64:
            return norm_forward(self, x)
        return self._norm(x) * (1.0 + self.weight.to(torch.float64))

    def softmax64(x, dim=None, _stacklevel=3, dtype=None):
        if x.dtype == torch.float64 and dtype == torch.float32:
            dtype = torch.float64
        return softmax(x, dim=dim, _stacklevel=_stacklevel, dtype=dtype)

    mg.Gemma3RMSNorm.forward, torch.nn.functional.softmax = norm64, softmax64
    try:
        yield
    finally:
        mg.Gemma3RMSNorm.forward, torch.nn.functional.softmax = norm_forward, softmax


def gradients(pm, examples, images, dtype=torch.float32):
    params = trainable_params(pm)
    for p in params.values():
        p.grad = None
    loss = batch_loss(pm, examples, images, dtype)
    loss.backward()
    return loss.detach(), {n: p.grad.detach().clone() for n, p in params.items()}


def train(pm, examples, images, max_norm: float, dtype=torch.float32):
    """5 steps of AdamW + linear warmup schedule + global-norm clipping on the whole batch.
    Returns [(lr used, loss before the step, grad norm before clipping)], the first step's
    gradients, and the final trainable tensors (LoRA, then any modules_to_save copies)."""
    params = trainable_params(pm)
    plist = list(params.values())
    opt = torch.optim.AdamW(plist, lr=LR, betas=BETAS, eps=EPS, weight_decay=WEIGHT_DECAY)
    sched = get_linear_schedule_with_warmup(opt, num_warmup_steps=WARMUP, num_training_steps=STEPS)
    steps, first = [], None
    for _ in range(STEPS):
        opt.zero_grad(set_to_none=True)
        lr = opt.param_groups[0]["lr"]
        step_loss = batch_loss(pm, examples, images, dtype)
        step_loss.backward()
        if first is None:
            first = {n: p.grad.detach().clone() for n, p in params.items()}
        norm = float(torch.nn.utils.clip_grad_norm_(plist, max_norm))
        opt.step()
        sched.step()
        steps.append((lr, step_loss.detach(), norm))
    return steps, first, {n: p.detach().clone() for n, p in params.items()}


def float64_checks(case: str, pm, examples, images, loss, grads) -> dict:
    """float64 autograd vs the float32 gradients (all), and central finite differences for 3
    randomly chosen LoRA scalars vs float64 autograd (1e-6 relative); with modules_to_save also for
    2 entries of the lm_head copy and 2 entries of one used row of the embed_tokens copy (entries
    with |g| >= 0.1 max |g| of their tensor, so that the relative error means something). Run
    inside true_float64()."""
    pm64 = copy.deepcopy(pm).to(torch.float64)
    loss64, grads64 = gradients(pm64, examples, images, torch.float64)
    worst = max(float((g.double() - grads64[n]).abs().max() / grads64[n].abs().max()) for n, g in grads.items())
    print(f"[{case}] float32 vs float64 autograd: loss Δ {abs(loss.item() - loss64.item()):.3g}; "
          f"worst per-tensor max|Δg| / max|g64| = {worst:.3g}")
    if not worst <= 1e-4:
        fail(f"{case}: float32 gradients differ from float64 by {worst} (relative)")
    rng = np.random.default_rng(FD_SEED + CASES.index(case))
    names = [n for n in grads64 if ".lora_" in n]
    p64 = trainable_params(pm64)
    picks = [(n, tuple(int(rng.integers(0, s)) for s in p64[n].shape))
             for n in [names[int(i)] for i in rng.choice(len(names), size=3, replace=False)]]
    for n in copy_params(pm64):
        g = grads64[n].abs()
        if n.endswith("embed_tokens.weight"):  # one used row (the largest-gradient one), 2 columns
            row = int(g.max(dim=1).values.argmax())
            cols = torch.nonzero(g[row] >= 0.1 * g.max()).flatten().tolist()
            picks += [(n, (row, int(c))) for c in rng.choice(cols, size=2, replace=False)]
        else:
            big = torch.nonzero(g >= 0.1 * g.max()).tolist()
            picks += [(n, tuple(big[int(i)])) for i in rng.choice(len(big), size=2, replace=False)]
    rows = []
    for n, idx in picks:
        with torch.no_grad():
            orig = p64[n][idx].item()
            p64[n][idx] = orig + FD_H
            lp = float(batch_loss(pm64, examples, images, torch.float64))
            p64[n][idx] = orig - FD_H
            lm = float(batch_loss(pm64, examples, images, torch.float64))
            p64[n][idx] = orig
        fd = (lp - lm) / (2 * FD_H)
        a64, a32 = float(grads64[n][idx]), float(grads[n][idx])
        rel64, rel32 = abs(fd - a64) / abs(a64), abs(fd - a32) / abs(a64)
        print(f"[{case}] finite difference {n}{list(idx)}: fd {fd:.12g}, autograd f64 {a64:.12g} "
              f"(rel {rel64:.3g}), f32 {a32:.9g} (rel {rel32:.3g})")
        if not rel64 <= 1e-6:
            fail(f"{case}: finite difference disagrees with float64 autograd ({rel64})")
        if not rel32 <= 1e-3:
            fail(f"{case}: finite difference disagrees with float32 autograd ({rel32})")
        rows.append((n, idx, fd, a64, a32, rel64, rel32))
    return {"f32_vs_f64_grad_worst_rel": worst, "fd": rows}


# --------------------------------------------------------------------------------------
# Output helpers
# --------------------------------------------------------------------------------------

def matrix(t: torch.Tensor, digits: int = 9) -> list:
    a = t.detach().to(torch.float32).numpy()
    if digits == 9:
        return tv.rows(a)
    return [[float(f"{float(v):.{digits}g}") for v in r] for r in a]


def f9(x) -> float:
    return float(f"{float(x):.9g}")


def f8(x) -> float:
    return float(f"{float(x):.8g}")


def adapter_folder_bytes(pm, case: str) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        pm.save_pretrained(tmp)
        folder = Path(tmp)
        (folder / "README.md").unlink(missing_ok=True)
        cfg_path = folder / "adapter_config.json"
        cfg = json.loads(cfg_path.read_text())
        if isinstance(cfg.get("target_modules"), list):
            cfg["target_modules"] = sorted(cfg["target_modules"])
        cfg_path.write_text(json.dumps(cfg, indent=2, sort_keys=True) + "\n")
        files = {p.name: p.read_bytes() for p in sorted(folder.iterdir())}
    if sorted(files) != ["adapter_config.json", "adapter_model.safetensors"]:
        fail(f"{case}: save_pretrained wrote {sorted(files)}")
    return files


# --------------------------------------------------------------------------------------
# One case
# --------------------------------------------------------------------------------------

def build_case(case: str) -> tuple[dict[str, bytes], dict]:
    """Everything for one case: {relative path: bytes} and a summary for printing."""
    say = print
    torch.manual_seed(0)
    modules = case == MODULES_CASE
    num = f8 if modules else f9  # the new case is written with 8 significant digits (size)
    digits = 8 if modules else 9
    if case in TEXT_CASES:
        base = text_base()
        base_err = check_text_base(base)
        images: list = []
        examples = text_examples()
        adapter_seed = TEXT_ADAPTER_SEED
        make_base = text_base
    else:
        exp = json.loads((VISION_DIR / "expected.json").read_text())
        images = vision_images(exp)
        base = vision_base()
        base_err = check_vision_base(base, exp, images)
        examples = vision_examples(exp)
        adapter_seed = VISION_ADAPTER_SEED
        make_base = vision_base

    with torch.no_grad():
        base_logits = [forward_logits(base, ex, images).clone() for ex in examples]
    tying: dict = {}
    if modules:
        # Gemma 3 ties the output head to the embedding; modules_to_save must give two SEPARATE
        # trainable copies (the Swift trainer assumes so). peft 0.21 warns about tied weights
        # unless ensure_weight_tying=True; we keep its default (what a user gets) and record it.
        tied_before = base.lm_head.weight is base.model.embed_tokens.weight
        if not tied_before:
            fail(f"{case}: the rebuilt base model's lm_head is not tied to embed_tokens")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            pm = get_peft_model(base, lora_config(case))
        tie_warnings = sorted({str(w.message) for w in caught if "tie" in str(w.message).lower()})
        for w in tie_warnings:
            say(f"[{case}] peft warned: {w}")
        inner = pm.base_model.model
        lm_wrap, emb_wrap = inner.lm_head, inner.model.embed_tokens
        lm_copy = lm_wrap.modules_to_save["default"].weight
        emb_copy = emb_wrap.modules_to_save["default"].weight
        copies_tied = lm_copy is emb_copy or lm_copy.data_ptr() == emb_copy.data_ptr()
        ensure = pm.peft_config["default"].ensure_weight_tying
        say(f"[{case}] ensure_weight_tying = {ensure}; base tied before wrapping: {tied_before}; "
            f"copies tied after wrapping: {copies_tied}")
        if copies_tied:
            fail(f"{case}: STOP — the lm_head and embed_tokens copies are one shared Parameter "
                 f"(ensure_weight_tying={ensure}); the Swift trainer assumes separate copies")
        if not (lm_copy.requires_grad and emb_copy.requires_grad):
            fail(f"{case}: a modules_to_save copy does not require grad")
        originals_tied = lm_wrap.original_module.weight is emb_wrap.original_module.weight
        if not originals_tied or lm_wrap.original_module.weight.requires_grad:
            fail(f"{case}: the original (frozen) modules are no longer tied / are trainable")
        if not (torch.equal(lm_copy, lm_wrap.original_module.weight) and torch.equal(emb_copy, lm_copy)):
            fail(f"{case}: the copies do not start equal to the base weights")
        emb_module = emb_wrap.modules_to_save["default"]
        tying = {"base_tied_before_wrapping": tied_before, "ensure_weight_tying": ensure,
                 "copies_tied_after_wrapping": copies_tied, "originals_still_tied": originals_tied,
                 "peft_tie_warnings": tie_warnings,
                 "embed_module": type(emb_module).__name__,
                 "embed_scale": f8(emb_module.embed_scale), "padding_idx": emb_module.padding_idx}
    else:
        pm = get_peft_model(base, lora_config(case))
    redraw(pm, adapter_seed)
    pm.eval()
    lparams = lora_params(pm)
    cparams = copy_params(pm)
    params = trainable_params(pm)

    # Which modules got LoRA; only LoRA parameters (and the modules_to_save copies) are trainable.
    targeted = sorted({n.rsplit(".lora_", 1)[0] for n in lparams})
    want_modules = 7 * (tt.N_LAYERS if case in TEXT_CASES else tv.N_LAYERS)
    if len(targeted) != want_modules or any(n.rsplit(".", 1)[-1] not in PROJECTIONS for n in targeted):
        fail(f"{case}: LoRA on {len(targeted)} modules: {targeted}")
    if case == "vision" and any(("vision_tower" in n or "multi_modal_projector" in n or "language_model" not in n)
                                for n in targeted):
        fail("vision: LoRA outside the language model")
    want_copies = ["base_model.model.lm_head.weight", "base_model.model.model.embed_tokens.weight"] if modules else []
    if sorted(cparams) != want_copies:
        fail(f"{case}: modules_to_save copies are {sorted(cparams)}, expected {want_copies}")
    trainable = sorted(n for n, p in pm.named_parameters() if p.requires_grad)
    if sorted(saved_name(n) for n in trainable) != sorted(params):
        fail(f"{case}: trainable parameters are not exactly the LoRA ones (+ modules_to_save copies)")
    say(f"[{case}] LoRA on {len(targeted)} modules, {len(lparams)} tensors, "
        f"{sum(p.numel() for p in lparams.values())} scalars")
    if modules:
        say(f"[{case}] modules_to_save copies (saved names): "
            + ", ".join(f"{n} {list(p.shape)}" for n, p in cparams.items()))

    # B = 0 gives back the base model (the adapter is additive).
    zero_b = copy.deepcopy(pm)
    with torch.no_grad():
        for n, p in lora_params(zero_b).items():
            if ".lora_B." in n:
                p.zero_()
        err = max(float((forward_logits(zero_b, ex, images) - bl).abs().max())
                  for ex, bl in zip(examples, base_logits))
    say(f"[{case}] B = 0 → base logits: max |Δ| = {err:.3g}")
    if not err <= 1e-6:
        fail(f"{case}: B = 0 does not give the base model ({err})")
    del zero_b

    plain_err = None
    if modules:
        # At initialisation the copies equal the base weights: the same logits as the plain LoRA
        # model of the "text" case (same seeded LoRA init).
        plain = get_peft_model(text_base(), lora_config("text"))
        redraw(plain, adapter_seed)
        plain.eval()
        for n, p in lora_params(plain).items():
            if not torch.equal(p, lparams[n]):
                fail(f"{case}: LoRA init differs from the text case's at {n}")
        with torch.no_grad():
            plain_err = max(float((forward_logits(plain, ex, images) - forward_logits(pm, ex, images)).abs().max())
                            for ex in examples)
        say(f"[{case}] initial logits vs the plain LoRA model (text case): max |Δ| = {plain_err:.3g}")
        if not plain_err <= 1e-6:
            fail(f"{case}: with the copies the initial logits differ from the plain LoRA model's ({plain_err})")
        del plain

    initial = {n: p.detach().clone() for n, p in params.items()}
    folder = adapter_folder_bytes(pm, case)
    with safe_open_bytes(folder["adapter_model.safetensors"]) as saved:
        if sorted(saved) != sorted(params):
            fail(f"{case}: saved tensor names differ from the in-memory ones: "
                 f"{sorted(set(saved) ^ set(params))[:6]}")
        for n, t in saved.items():
            if t.dtype != torch.float32 or not torch.equal(t, initial[n]):
                fail(f"{case}: saved {n} differs from the in-memory tensor")
        if modules:
            say(f"[{case}] saved copies: " + ", ".join(f"{n} {t.dtype} {list(t.shape)}"
                                                      for n, t in saved.items() if n in cparams))

    # Loss and gradients (float32).
    per_ex: list = []
    loss = batch_loss(pm, examples, images, per_example=per_ex)
    for p in params.values():
        p.grad = None
    loss.backward()
    grads = {n: p.grad.detach().clone() for n, p in params.items()}
    if set(n for n, p in pm.named_parameters() if p.grad is not None) != \
            set(n for n, p in pm.named_parameters() if p.requires_grad):
        fail(f"{case}: gradients reached non-trainable parameters")
    gnorm = float(torch.sqrt(sum((g.double() ** 2).sum() for g in grads.values())))
    zero_grads = [n for n, g in grads.items() if float(g.abs().max()) == 0.0]
    if zero_grads:
        fail(f"{case}: zero gradient for {zero_grads[:4]}")
    sums = [float(s) for s, _ in per_ex]
    counts = [c for _, c in per_ex]
    mean_of_means = float(np.mean([s / c for s, c in zip(sums, counts)]))
    say(f"[{case}] loss (token mean over the batch) = {float(loss.detach()):.9g}; mean of per-example means "
        f"= {mean_of_means:.9g}; per-example CE sums {['%.6g' % s for s in sums]}, counts {counts}")
    say(f"[{case}] gradient global L2 norm = {gnorm:.6g}")
    emb_name = "base_model.model.model.embed_tokens.weight"
    lm_name = "base_model.model.lm_head.weight"
    used_ids = sorted({t for ex in examples for t in ex["ids"]})
    if modules:
        g_emb = grads[emb_name]
        others = [r for r in range(g_emb.shape[0]) if r not in set(used_ids)]
        if float(g_emb[others].abs().max()) != 0.0:
            fail(f"{case}: embed_tokens gradient is not zero on rows of unused ids")
        zero_used = [r for r in used_ids if float(g_emb[r].abs().max()) == 0.0]
        norms = {k: float(torch.sqrt(sum((grads[n].double() ** 2).sum() for n in names)))
                 for k, names in (("lora", list(lparams)), ("lm_head", [lm_name]), ("embed_tokens", [emb_name]))}
        say(f"[{case}] {len(used_ids)} distinct ids in the examples; embed_tokens gradient zero on all other rows; "
            f"used rows with an all-zero gradient: {zero_used}")
        say(f"[{case}] gradient norms: " + ", ".join(f"{k} {v:.6g}" for k, v in norms.items()))

    summary: dict = {"loss": loss.item(), "grad_norm": gnorm, "base_err": base_err}
    # transformers' own labels= loss, per example.
    hf = [hf_label_loss(pm, ex, images) for ex in examples]
    d = max(abs(h - s / c) for h, s, c in zip(hf, sums, counts))
    say(f"[{case}] transformers labels= loss per example {['%.7g' % h for h in hf]} vs sum/count: max |Δ| = {d:.3g}")
    if not d <= 1e-5:
        fail(f"{case}: transformers' labels= loss differs from the per-example CE mean ({d})")
    summary["hf_label_loss"] = hf
    summary["mean_of_means"] = mean_of_means

    # float64: autograd for all, finite differences for 3 random LoRA scalars (+ 4 copy entries).
    with true_float64():
        summary.update(float64_checks(case, pm, examples, images, loss, grads))

    # The saved folder is the oracle: reload onto a fresh base model.
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in folder.items():
            (Path(tmp) / name).write_bytes(data)
        with warnings.catch_warnings():
            if modules:
                warnings.simplefilter("ignore")  # the tied-weights warning again
            reloaded = PeftModel.from_pretrained(make_base(), tmp).eval()
        if modules:
            rc = copy_params(reloaded)
            if rc[lm_name] is rc[emb_name] or any(not torch.equal(rc[n], initial[n]) for n in rc):
                fail(f"{case}: reloaded copies are tied or differ from the saved ones")
        with torch.no_grad():
            l2 = batch_loss(reloaded, examples, images)
    say(f"[{case}] reloaded initial folder: loss {l2.item():.9g} (bit-equal: {bool(l2 == loss)})")
    if not torch.equal(l2, loss.detach()):
        fail(f"{case}: reloaded adapter gives loss {l2.item()} != {loss.item()}")
    del reloaded

    # Training: 5 AdamW steps on the whole batch.
    max_norm = MAX_GRAD_NORM[case]
    # The same run in float64, to see how well float32 pins the trajectory.
    pm64 = copy.deepcopy(pm).to(torch.float64)
    with true_float64():
        _, _, final64 = train(pm64, examples, images, max_norm, torch.float64)
    del pm64
    steps, first_grads, final = train(pm, examples, images, max_norm)
    if not torch.equal(steps[0][1], loss.detach()) or any(not torch.equal(first_grads[n], grads[n]) for n in grads):
        fail(f"{case}: first training step's loss/gradients differ from the recorded ones")
    per_step = []
    for k, (lr, step_loss, norm) in enumerate(steps):
        per_step.append({"lr": num(lr), "loss": num(step_loss.item()), "grad_norm": num(norm), "clipped": norm > max_norm})
        say(f"[{case}] step {k + 1}: lr {lr:.6g}, loss {step_loss.item():.9g}, grad norm {norm:.6g}"
            f"{' (clipped to ' + str(max_norm) + ')' if norm > max_norm else ''}")
    drift = max(float((final[n].double() - final64[n]).abs().max() / final64[n].abs().max()) for n in final)
    say(f"[{case}] final adapter, float32 vs float64 training: worst per-tensor max|Δw| / max|w| = {drift:.3g}")
    if not drift <= 1e-4:
        fail(f"{case}: the float32 trajectory departs from float64 by {drift}")
    summary["f32_vs_f64_final_worst_rel"] = drift
    if not per_step[0]["clipped"]:
        fail(f"{case}: clipping did not trigger on the first step")
    if all(s["clipped"] for s in per_step):
        fail(f"{case}: clipping triggered on every step (the unclipped path is not exercised)")
    near = [s["grad_norm"] for s in per_step if abs(s["grad_norm"] / max_norm - 1) < CLIP_MARGIN]
    if near:
        fail(f"{case}: gradient norms {near} within {CLIP_MARGIN:.0%} of max_grad_norm {max_norm}")
    min_move = min(float((final[n] - initial[n]).abs().max() / initial[n].abs().max()) for n in final)
    say(f"[{case}] smallest per-tensor max|Δw| / max|w0| after {STEPS} steps = {min_move:.3g}")
    if not min_move > 100 * 1e-4:
        fail(f"{case}: the adapter barely moved ({min_move})")
    with torch.no_grad():
        final_loss = float(batch_loss(pm, examples, images))
    say(f"[{case}] loss after {STEPS} steps = {final_loss:.9g}")
    summary.update(per_step=per_step, final_loss=final_loss, min_move=min_move)
    min_ratio = min(float(g.abs().min() / g.abs().max()) for n, g in grads.items() if n in lparams)
    small = sum(int((g.abs() < 1e-4 * g.abs().max()).sum()) for n, g in grads.items() if n in lparams)
    say(f"[{case}] smallest gradient entry / its tensor's max |g| = {min_ratio:.3g}; "
        f"{small} entries below 1e-4 of their tensor's max")

    untouched: dict = {}
    if modules:
        # Rows of ids absent from the examples get a zero gradient every step: Adam's m, v stay 0
        # and only the decoupled weight decay moves them, w *= (1 - lr_k * weight_decay) per step.
        rows0 = [r for r in (0, 1, tt.VOCAB - 1) if r not in set(used_ids)]
        lrs = [lr for lr, _, _ in steps]
        factor = float(np.prod([1.0 - lr * WEIGHT_DECAY for lr in lrs]))
        seq = initial[emb_name][rows0].clone()
        for lr in lrs:
            seq.mul_(1 - lr * WEIGHT_DECAY)
        got = final[emb_name][rows0]
        dec_err = float((got.double() - initial[emb_name][rows0].double() * factor).abs().max())
        dec_bit = bool(torch.equal(got, seq))
        say(f"[{case}] untouched embed rows {rows0}: final vs initial × {factor:.9g}: max |Δ| = {dec_err:.3g} "
            f"(bit-equal to sequential float32 decay: {dec_bit})")
        if not dec_err <= 1e-6 * float(initial[emb_name].abs().max()):
            fail(f"{case}: untouched embedding rows did not just decay ({dec_err})")
        # 9 digits here (float32 round-trips), so a test can check the decay bit for bit.
        untouched = {"rows": rows0, "decay_factor": f9(factor), "initial": matrix(initial[emb_name][rows0]),
                     "values": matrix(got), "max_abs_vs_initial_times_factor": f8(dec_err),
                     "bit_equal_to_sequential_f32_decay": dec_bit}

    fixture = {
        "generator": "Tools/make_training_fixtures.py",
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__,
                     "peft": peft.__version__, "numpy": np.__version__, "safetensors": safetensors.__version__},
        "base_model": ("Tests/Fixtures/tiny_gemma/tiny-gemma3.gguf" if case in TEXT_CASES else
                       "Tests/Fixtures/tiny_gemma_vision/text.gguf + mmproj-f32.gguf"),
        "adapter": f"{case}-initial",
        "r": R, "alpha": ALPHA, "scale": ALPHA / R,
        "target_modules": sorted(PROJECTIONS) if case in TEXT_CASES else VISION_TARGET,
    }
    if modules:
        fixture["modules_to_save"] = list(MODULES_TO_SAVE)
        fixture["modules_to_save_names"] = {"lm_head": lm_name, "embed_tokens": emb_name}
        fixture["weight_tying"] = tying
    fixture.update({
        "loss_definition": LOSS_DEFINITION,
        "examples": examples,
        "per_example_loss_sum": [num(s) for s in sums],
        "per_example_token_count": counts,
        "loss": num(loss.item()),
        "gradient_norm": num(gnorm),
        "gradients": {n: matrix(g, digits) for n, g in grads.items() if n in lparams},
    })
    if modules:
        fixture["gradient_norm_parts"] = {k: f8(v) for k, v in norms.items()}
        fixture["gradients_modules_to_save"] = {
            "lm_head": {"name": lm_name, "shape": list(grads[lm_name].shape), "values": matrix(grads[lm_name], digits)},
            "embed_tokens": {"name": emb_name, "shape": list(grads[emb_name].shape), "rows": used_ids,
                             "values": matrix(grads[emb_name][used_ids], digits),
                             "used_rows_with_zero_gradient": zero_used,
                             "note": "rows = every distinct id of the examples; the gradient of every other "
                                     "row is exactly 0 (checked). A row whose id occurs only as an example's "
                                     "last token gets 0 too (that position's logits are not in the loss)."},
        }
    notes = ("per step: zero_grad; loss over all examples (loss_definition); backward; "
             "torch.nn.utils.clip_grad_norm_(all LoRA params, max_grad_norm): total = global L2 "
             "norm, every grad *= min(1, max_grad_norm / (total + 1e-6)); AdamW step "
             "(w *= 1 - lr*weight_decay; m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; "
             "w -= lr * (m / (1 - b1^k)) / (sqrt(v / (1 - b2^k)) + eps), k = step number "
             "from 1); scheduler.step(). The lr factors are 0, 1, 0.75, 0.5, 0.25: step 1 has "
             "lr = 0 (no weight change) but still advances m, v and k.")
    if modules:
        notes = notes.replace("all LoRA params", "all trainable params: LoRA + the lm_head and embed_tokens copies") \
            + (" Weight decay applies to every trainable parameter, the copies included: embedding rows "
               "that never get a gradient change only by w *= prod_k (1 - lr_k * weight_decay) (m = v = 0, "
               "so the Adam term is 0 / (0 + eps) = 0); see final_modules_to_save.embed_tokens_untouched.")
    fixture["training"] = {
        "optimizer": f"torch.optim.AdamW(lr={LR}, betas={BETAS}, eps={EPS}, weight_decay={WEIGHT_DECAY})",
        "schedule": f"transformers.get_linear_schedule_with_warmup(optimizer, num_warmup_steps={WARMUP}, "
                    f"num_training_steps={STEPS})",
        "notes": notes,
        "max_grad_norm": max_norm,
        "steps": STEPS,
        "per_step": per_step,
        "final_loss": num(final_loss),
        "final": {n: matrix(t, digits) for n, t in final.items() if n in lparams},
    }
    if modules:
        fixture["training"]["final_modules_to_save"] = {
            "lm_head": {"name": lm_name, "shape": list(final[lm_name].shape), "values": matrix(final[lm_name], digits)},
            "embed_tokens": {"name": emb_name, "shape": list(final[emb_name].shape), "rows": used_ids,
                             "values": matrix(final[emb_name][used_ids], digits)},
            "embed_tokens_untouched": untouched,
        }
    fixture["self_check"] = {
        "base_logits_vs_existing_fixture_max_abs": num(base_err),
        "transformers_labels_loss_per_example": [num(h) for h in summary["hf_label_loss"]],
        "mean_of_per_example_means": num(mean_of_means),
        "f32_vs_f64_gradients_worst_per_tensor_rel": num(summary["f32_vs_f64_grad_worst_rel"]),
        "finite_differences_f64": [{"tensor": n, "index": list(i), "fd": num(fd), "autograd_f64": num(a64),
                                    "recorded_f32": num(a32), "rel_err_f64": num(r64)}
                                   for n, i, fd, a64, a32, r64, _ in summary["fd"]],
        "f32_vs_f64_final_adapter_worst_per_tensor_rel": num(drift),
        "smallest_gradient_entry_over_tensor_max": num(min_ratio),
        "note": "Relative errors are per tensor: max |a - b| / max |b|. Because step 1 runs with lr = 0 and "
                "the same gradient g, step 2 moves each entry by about lr * sign(g) (Adam normalises), so "
                "an implementation whose gradient flips the sign of a tiny entry (|g| ~ 1e-5 of the "
                "tensor's max) moves that entry by ~2 lr the other way: compare the final adapter per "
                "tensor, not per entry.",
    }
    if modules:
        fixture["self_check"]["initial_logits_vs_plain_lora_max_abs"] = f8(plain_err)
        fixture["self_check"]["b_zero_vs_base_logits_max_abs"] = f8(err)
        fixture["self_check"]["smallest_gradient_entry_over_tensor_max_note"] = \
            "over the LoRA tensors only (the embedding copy's gradient is 0 on unused rows)"
    files = {f"{case}-initial/{k}": v for k, v in folder.items()}
    files[f"{case}.json"] = (tv.dump(fixture) + "\n").encode()
    return files, summary


class safe_open_bytes:
    """Read a safetensors file given as bytes: {name: tensor}."""

    def __init__(self, data: bytes):
        self.data = data

    def __enter__(self):
        from safetensors.torch import load
        return load(self.data)

    def __exit__(self, *exc):
        return False


def main() -> None:
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    for p in (TEXT_DIR / "expected.json", VISION_DIR / "expected.json"):
        if not p.is_file():
            sys.exit(f"{p} is missing: run from the repository root (and the generators first)")
    print(f"torch {torch.__version__}, transformers {transformers.__version__}, peft {peft.__version__}")

    files: dict[str, bytes] = {}
    for case in CASES:
        first, _ = build_case(case)
        with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
            second, _ = build_case(case)  # every check runs again, silently
        if first != second:
            diff = sorted(k for k in set(first) | set(second) if first.get(k) != second.get(k))
            fail(f"{case}: two runs gave different bytes for {diff}")
        files.update(first)

    if OUT_DIR.exists():
        shutil.rmtree(OUT_DIR)
    total = 0
    for rel, data in sorted(files.items()):
        path = OUT_DIR / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        total += len(data)
        print(f"  {path}  {len(data):>8} B  sha256 {hashlib.sha256(data).hexdigest()}")
    print(f"deterministic: both runs gave the same bytes; {total} B in all")
    if total >= 4_000_000:
        fail(f"fixture too large ({total} B)")


if __name__ == "__main__":
    main()
