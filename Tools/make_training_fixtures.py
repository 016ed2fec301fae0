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
Both JSONs also carry "self_check" (the numbers of the checks below, and a note on comparing
the final adapter per tensor).

The adapters
------------
LoraConfig(r=4, lora_alpha=8, lora_dropout=0.0, task_type="CAUSAL_LM", init_lora_weights=False,
target_modules=[q,k,v,o,gate,up,down]_proj) (vision: the regex
`.*language_model.*\\.(q_proj|k_proj|v_proj|o_proj|gate_proj|up_proj|down_proj)`), scale
alpha / r = 2. After get_peft_model, from a seeded numpy generator in sorted parameter-name
order: lora_A ~ N(0, 1/fan_in), lora_B ~ N(0, 0.05²) (B ≠ 0, so A's gradient is not zero).

The loss (written into the JSON as "loss_definition")
-----------------------------------------------------
Every example is run through the PeftModel on its own (batch 1, no padding, float32, eval mode,
dropout 0). loss = Σ_examples Σ_{t ≥ 1, labels[t] ≠ −100} −log softmax(logits[t−1])[ids[t]]
divided by the number of such positions in the whole batch (token mean over the batch, not the
mean of per-example means: that is what transformers' own `labels=` loss gives per example; the
script prints both and the JSON records the per-example sums and counts).

Training: each of the 5 steps uses all examples as one batch: zero_grad, loss.backward(),
torch.nn.utils.clip_grad_norm_(lora params, max_grad_norm) (coefficient
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
  and are the only parameters that receive gradients;
* central finite differences in float64 (a deep copy of the PeftModel cast to double) for 3
  randomly chosen LoRA scalars agree with float64 autograd to 1e-6 relative, and with the
  recorded float32 gradients to 1e-3; the float32 gradients agree with float64 autograd to
  1e-4 per tensor (max |Δ| / max |g|; printed and recorded). transformers computes RMSNorm and
  the attention softmax in float32 even in a float64 model; `true_float64()` patches both so
  that the float64 run really is float64 (otherwise the finite differences are off by ~20 %);
* the per-example loss agrees with transformers' own `labels=` loss (sum / count);
* clipping triggers on the first steps but not on every step, and no gradient norm is within 5 %
  of max_grad_norm; every tensor moves by > 1e-2 of its max |value|; the same 5 steps run in
  float64 end within 1e-4 (per tensor, relative to its max) of the recorded float32 adapter;
* reloading the saved initial folder with `PeftModel.from_pretrained` onto a freshly rebuilt
  base model reproduces the loss exactly (bit-equal float32);
* everything is computed twice in-process and must give the same bytes (sha256 printed);
  the fixture is < 2 MB in all (sizes printed).

How to run (from the repository root; ~10 s, deterministic; one torch thread):
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

LR, BETAS, EPS, WEIGHT_DECAY = 1e-2, (0.9, 0.999), 1e-8, 0.01
WARMUP, STEPS = 1, 5
# Chosen so that clipping triggers on the first steps and not on the last ones (both paths are
# exercised), every norm at least 5 % away from the threshold (asserted).
MAX_GRAD_NORM = {"text": 3.5, "vision": 7.0}
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
    target = sorted(PROJECTIONS) if case == "text" else VISION_TARGET
    return LoraConfig(r=R, lora_alpha=ALPHA, lora_dropout=0.0, target_modules=target,
                      task_type="CAUSAL_LM", init_lora_weights=False)


def saved_name(param_name: str) -> str:
    """In-memory PEFT name (…lora_A.default.weight) → the name save_pretrained writes."""
    return param_name.replace(".lora_A.default.", ".lora_A.").replace(".lora_B.default.", ".lora_B.")


def lora_params(pm) -> dict[str, torch.nn.Parameter]:
    """Saved name → parameter, sorted by name."""
    out = {saved_name(n): p for n, p in pm.named_parameters() if ".lora_" in n}
    return dict(sorted(out.items()))


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
    params = lora_params(pm)
    for p in params.values():
        p.grad = None
    loss = batch_loss(pm, examples, images, dtype)
    loss.backward()
    return loss.detach(), {n: p.grad.detach().clone() for n, p in params.items()}


def train(pm, examples, images, max_norm: float, dtype=torch.float32):
    """5 steps of AdamW + linear warmup schedule + global-norm clipping on the whole batch.
    Returns [(lr used, loss before the step, grad norm before clipping)], the first step's
    gradients, and the final LoRA tensors."""
    params = lora_params(pm)
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
    randomly chosen LoRA scalars vs float64 autograd (1e-6 relative). Run inside true_float64()."""
    pm64 = copy.deepcopy(pm).to(torch.float64)
    loss64, grads64 = gradients(pm64, examples, images, torch.float64)
    worst = max(float((g.double() - grads64[n]).abs().max() / grads64[n].abs().max()) for n, g in grads.items())
    print(f"[{case}] float32 vs float64 autograd: loss Δ {abs(loss.item() - loss64.item()):.3g}; "
          f"worst per-tensor max|Δg| / max|g64| = {worst:.3g}")
    if not worst <= 1e-4:
        fail(f"{case}: float32 gradients differ from float64 by {worst} (relative)")
    rng = np.random.default_rng(FD_SEED + (0 if case == "text" else 1))
    names = list(grads64)
    p64 = lora_params(pm64)
    rows = []
    for n in [names[int(i)] for i in rng.choice(len(names), size=3, replace=False)]:
        idx = tuple(int(rng.integers(0, s)) for s in p64[n].shape)
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

def matrix(t: torch.Tensor) -> list:
    return tv.rows(t.detach().to(torch.float32).numpy())


def f9(x) -> float:
    return float(f"{float(x):.9g}")


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
    if case == "text":
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
    pm = get_peft_model(base, lora_config(case))
    redraw(pm, adapter_seed)
    pm.eval()
    params = lora_params(pm)

    # Which modules got LoRA; only LoRA parameters are trainable.
    targeted = sorted({n.rsplit(".lora_", 1)[0] for n in params})
    want_modules = 7 * (tt.N_LAYERS if case == "text" else tv.N_LAYERS)
    if len(targeted) != want_modules or any(n.rsplit(".", 1)[-1] not in PROJECTIONS for n in targeted):
        fail(f"{case}: LoRA on {len(targeted)} modules: {targeted}")
    if case == "vision" and any(("vision_tower" in n or "multi_modal_projector" in n or "language_model" not in n)
                                for n in targeted):
        fail("vision: LoRA outside the language model")
    trainable = sorted(n for n, p in pm.named_parameters() if p.requires_grad)
    if len(trainable) != len(params) or any(".lora_" not in n for n in trainable):
        fail(f"{case}: trainable parameters are not exactly the LoRA ones")
    say(f"[{case}] LoRA on {len(targeted)} modules, {len(params)} tensors, "
        f"{sum(p.numel() for p in params.values())} scalars")

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

    initial = {n: p.detach().clone() for n, p in params.items()}
    folder = adapter_folder_bytes(pm, case)
    with safe_open_bytes(folder["adapter_model.safetensors"]) as saved:
        if sorted(saved) != sorted(params):
            fail(f"{case}: saved tensor names differ from the in-memory ones: "
                 f"{sorted(set(saved) ^ set(params))[:6]}")
        for n, t in saved.items():
            if t.dtype != torch.float32 or not torch.equal(t, initial[n]):
                fail(f"{case}: saved {n} differs from the in-memory tensor")

    # Loss and gradients (float32).
    per_ex: list = []
    loss = batch_loss(pm, examples, images, per_example=per_ex)
    for p in params.values():
        p.grad = None
    loss.backward()
    grads = {n: p.grad.detach().clone() for n, p in params.items()}
    if set(n for n, p in pm.named_parameters() if p.grad is not None) != \
            set(n for n, p in pm.named_parameters() if ".lora_" in n):
        fail(f"{case}: gradients reached non-LoRA parameters")
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

    summary: dict = {"loss": loss.item(), "grad_norm": gnorm, "base_err": base_err}
    # transformers' own labels= loss, per example.
    hf = [hf_label_loss(pm, ex, images) for ex in examples]
    d = max(abs(h - s / c) for h, s, c in zip(hf, sums, counts))
    say(f"[{case}] transformers labels= loss per example {['%.7g' % h for h in hf]} vs sum/count: max |Δ| = {d:.3g}")
    if not d <= 1e-5:
        fail(f"{case}: transformers' labels= loss differs from the per-example CE mean ({d})")
    summary["hf_label_loss"] = hf
    summary["mean_of_means"] = mean_of_means

    # float64: autograd for all, finite differences for 3 random scalars.
    with true_float64():
        summary.update(float64_checks(case, pm, examples, images, loss, grads))

    # The saved folder is the oracle: reload onto a fresh base model.
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in folder.items():
            (Path(tmp) / name).write_bytes(data)
        reloaded = PeftModel.from_pretrained(make_base(), tmp).eval()
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
        per_step.append({"lr": f9(lr), "loss": f9(step_loss.item()), "grad_norm": f9(norm), "clipped": norm > max_norm})
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
    min_ratio = min(float(g.abs().min() / g.abs().max()) for g in grads.values())
    small = sum(int((g.abs() < 1e-4 * g.abs().max()).sum()) for g in grads.values())
    say(f"[{case}] smallest gradient entry / its tensor's max |g| = {min_ratio:.3g}; "
        f"{small} entries below 1e-4 of their tensor's max")

    fixture = {
        "generator": "Tools/make_training_fixtures.py",
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__,
                     "peft": peft.__version__, "numpy": np.__version__, "safetensors": safetensors.__version__},
        "base_model": ("Tests/Fixtures/tiny_gemma/tiny-gemma3.gguf" if case == "text" else
                       "Tests/Fixtures/tiny_gemma_vision/text.gguf + mmproj-f32.gguf"),
        "adapter": f"{case}-initial",
        "r": R, "alpha": ALPHA, "scale": ALPHA / R,
        "target_modules": sorted(PROJECTIONS) if case == "text" else VISION_TARGET,
        "loss_definition": LOSS_DEFINITION,
        "examples": examples,
        "per_example_loss_sum": [f9(s) for s in sums],
        "per_example_token_count": counts,
        "loss": f9(loss.item()),
        "gradient_norm": f9(gnorm),
        "gradients": {n: matrix(g) for n, g in grads.items()},
        "training": {
            "optimizer": f"torch.optim.AdamW(lr={LR}, betas={BETAS}, eps={EPS}, weight_decay={WEIGHT_DECAY})",
            "schedule": f"transformers.get_linear_schedule_with_warmup(optimizer, num_warmup_steps={WARMUP}, "
                        f"num_training_steps={STEPS})",
            "notes": "per step: zero_grad; loss over all examples (loss_definition); backward; "
                     "torch.nn.utils.clip_grad_norm_(all LoRA params, max_grad_norm): total = global L2 "
                     "norm, every grad *= min(1, max_grad_norm / (total + 1e-6)); AdamW step "
                     "(w *= 1 - lr*weight_decay; m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; "
                     "w -= lr * (m / (1 - b1^k)) / (sqrt(v / (1 - b2^k)) + eps), k = step number "
                     "from 1); scheduler.step(). The lr factors are 0, 1, 0.75, 0.5, 0.25: step 1 has "
                     "lr = 0 (no weight change) but still advances m, v and k.",
            "max_grad_norm": max_norm,
            "steps": STEPS,
            "per_step": per_step,
            "final_loss": f9(final_loss),
            "final": {n: matrix(t) for n, t in final.items()},
        },
    }
    fixture["self_check"] = {
        "base_logits_vs_existing_fixture_max_abs": f9(base_err),
        "transformers_labels_loss_per_example": [f9(h) for h in summary["hf_label_loss"]],
        "mean_of_per_example_means": f9(mean_of_means),
        "f32_vs_f64_gradients_worst_per_tensor_rel": f9(summary["f32_vs_f64_grad_worst_rel"]),
        "finite_differences_f64": [{"tensor": n, "index": list(i), "fd": f9(fd), "autograd_f64": f9(a64),
                                    "recorded_f32": f9(a32), "rel_err_f64": f9(r64)}
                                   for n, i, fd, a64, a32, r64, _ in summary["fd"]],
        "f32_vs_f64_final_adapter_worst_per_tensor_rel": f9(drift),
        "smallest_gradient_entry_over_tensor_max": f9(min_ratio),
        "note": "Relative errors are per tensor: max |a - b| / max |b|. Because step 1 runs with lr = 0 and "
                "the same gradient g, step 2 moves each entry by about lr * sign(g) (Adam normalises), so "
                "an implementation whose gradient flips the sign of a tiny entry (|g| ~ 1e-5 of the "
                "tensor's max) moves that entry by ~2 lr the other way: compare the final adapter per "
                "tensor, not per entry.",
    }
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
    for case in ("text", "vision"):
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
    if total >= 2_000_000:
        fail(f"fixture too large ({total} B)")


if __name__ == "__main__":
    main()
