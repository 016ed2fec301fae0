#!/usr/bin/env python3
"""Chat-template image prompts for the tiny random Gemma 3 vision model of
Tools/make_tiny_gemma_vision.py, run through transformers' own `Gemma3Processor`: the oracle
for `medgemma logits --image … --chat [--image-first]` and `medgemma embed-image`.

The tiny model's own tokenizer has no chat tokens, so this script gives the SAME model (same
seed, same weights: it checks that transformers reproduces expected.json's "one image"
logits) a second vocabulary of the same size in which a chat prompt can be written, and
records what transformers makes of a question with an image after the text (the MedGemma
model card's order) and before it (as in some of Google's notebooks).

What it makes (Tests/Fixtures/tiny_gemma_vision/)
-------------------------------------------------
text-chat.gguf   text.gguf with its tokenizer replaced (tensors and every other key copied):
                 <pad> <eos> <bos> <unk> (ids 0-3), <start_of_turn> 4, <end_of_turn> 5 (control),
                 "\\n" 6, "\\n\\n" 7, "\\n\\n\\n" 8 (user-defined, as Gemma 3 has them), "▁" 9,
                 a-z 10-35, "?" 36, "." 37, "," 38, made-up fillers, and the image tokens at the
                 same ids as before: <start_of_image> 60, <end_of_image> 61, <image_soft_token> 62.
image0.png       expected.json's image 0 (48×48 RGB), so the command line reads the same pixels.
chat.json        for each placement: the chat text transformers' template rendered, the
                 processor's input_ids (image positions = 62) and the logits of the last position
                 (all 64); the processor's pixel_values checked against u / 127.5 − 1 and the
                 projected features of image0.png (= expected.json's image 0 features);
                 and the same two prompts' input_ids with the real gemma-3-270m vocabulary (read
                 from the default model's GGUF by transformers, <image_soft_token> = 262144)
                 and the 36-token tiny tower, for the image-token ids on a real vocabulary.

transformers' side: the tokenizer is a `tokenizers` BPE without merges (every normal piece is
one character), byte fallback, " " → "▁", and the specials and newline runs as added tokens
(matched longest first, as Gemma's tokenizer.json has them); the chat template implements
ENGINE.md §6 (C1-C6: content items in order, an image item → <start_of_image>); the
processor expands each <start_of_image> to "\\n\\n" <start_of_image> 36 × <image_soft_token>
<end_of_image> "\\n\\n" and returns token_type_ids, so the image block is bidirectional.

How to run (from the repository root; ~1 min, most of it reading the 270M GGUF's vocabulary):
    HF_HUB_OFFLINE=1 python3 Tools/make_tiny_gemma_vision_chat.py [--model ~/.cache/medgemma/models/gemma-3-270m-q4_k_m.gguf]
Needs what make_tiny_gemma_vision.py needs (not llama.cpp's source) plus Pillow.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_tiny_gemma_vision as tiny  # noqa: E402  (sets HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE)

import numpy as np  # noqa: E402
import gguf  # noqa: E402
import torch  # noqa: E402
import transformers  # noqa: E402
from PIL import Image  # noqa: E402
from tokenizers import AddedToken, Tokenizer, models, normalizers  # noqa: E402
from transformers import Gemma3ImageProcessor, Gemma3Processor, PreTrainedTokenizerFast  # noqa: E402

QUESTION = "what is in this image?"

# ENGINE.md §6 (C1-C6), written as a Jinja template for transformers' apply_chat_template.
CHAT_TEMPLATE = (
    "{{ bos_token }}"
    "{%- if messages[0]['role'] == 'system' -%}"
    "{%- set prefix = (messages[0]['content'] if messages[0]['content'] is string else messages[0]['content'][0]['text']) + '\n\n' -%}"
    "{%- set turns = messages[1:] -%}"
    "{%- else -%}{%- set prefix = '' -%}{%- set turns = messages -%}{%- endif -%}"
    "{%- for m in turns -%}"
    "{%- if (m['role'] == 'user') != (loop.index0 % 2 == 0) -%}{{ raise_exception('roles must alternate') }}{%- endif -%}"
    "{{ '<start_of_turn>' + ('model' if m['role'] == 'assistant' else m['role']) + '\n' + (prefix if loop.first else '') }}"
    "{%- if m['content'] is string -%}{{ m['content'] | trim }}"
    "{%- else -%}{%- for item in m['content'] -%}"
    "{%- if item['type'] == 'image' -%}{{ '<start_of_image>' }}{%- elif item['type'] == 'text' -%}{{ item['text'] | trim }}{%- endif -%}"
    "{%- endfor -%}{%- endif -%}"
    "{{ '<end_of_turn>\n' }}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{ '<start_of_turn>model\n' }}{%- endif -%}"
)

SPECIAL = {"boi_token": "<start_of_image>", "eoi_token": "<end_of_image>", "image_token": "<image_soft_token>"}


def chat_vocabulary() -> list[tuple[str, float, int]]:
    pieces = tiny.vocabulary()[:4]
    pieces += [("<start_of_turn>", 0.0, tiny.CONTROL), ("<end_of_turn>", 0.0, tiny.CONTROL)]
    pieces += [("\n" * n, 0.0, tiny.USER_DEFINED) for n in (1, 2, 3)]
    chars = ["\u2581"] + [chr(c) for c in range(ord("a"), ord("z") + 1)] + ["?", ".", ","]
    pieces += [(c, -float(len(pieces) + i), tiny.NORMAL) for i, c in enumerate(chars)]
    old = tiny.vocabulary()
    while len(pieces) < tiny.VOCAB:
        k = len(pieces)
        pieces.append(old[k] if k in (tiny.BOI_ID, tiny.EOI_ID, tiny.IMAGE_ID) else (f"\u2581x{k}", -float(k), tiny.NORMAL))
    assert [p[0] for p in pieces[60:63]] == ["<start_of_image>", "<end_of_image>", "<image_soft_token>"]
    return pieces


def hf_tokenizer(pieces: list[tuple[str, float, int]]) -> PreTrainedTokenizerFast:
    vocab = {text: i for i, (text, _, _) in enumerate(pieces)}
    tok = Tokenizer(models.BPE(vocab=vocab, merges=[], unk_token="<unk>", byte_fallback=True, fuse_unk=True))
    tok.normalizer = normalizers.Replace(" ", "\u2581")
    added = [AddedToken(t, special=(kind != tiny.USER_DEFINED or t.startswith("<")), normalized=False)
             for t, _, kind in pieces if kind in (tiny.CONTROL, tiny.UNKNOWN, tiny.USER_DEFINED)]
    tok.add_tokens(added)
    out = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<bos>", eos_token="<eos>", unk_token="<unk>",
                                  pad_token="<pad>", extra_special_tokens=SPECIAL)
    for name, text in SPECIAL.items():
        if getattr(out, name) != text or out.convert_tokens_to_ids(text) != vocab[text]:
            sys.exit(f"tokenizer: {name} not set up as intended")
    return out


def processor_for(tokenizer, seq_length: int, image_size: int) -> Gemma3Processor:
    images = Gemma3ImageProcessor(size={"height": image_size, "width": image_size}, image_mean=[0.5] * 3,
                                  image_std=[0.5] * 3, rescale_factor=1 / 255, resample=2, do_pan_and_scan=False)
    return Gemma3Processor(image_processor=images, tokenizer=tokenizer, chat_template=CHAT_TEMPLATE,
                           image_seq_length=seq_length)


def placements() -> dict[str, list[dict]]:
    text, image = {"type": "text", "text": QUESTION}, {"type": "image"}
    return {"after_text": [text, image], "image_first": [image, text]}


def prompt(processor, content: list[dict], picture: Image.Image) -> tuple[str, dict]:
    messages = [{"role": "user", "content": content}]
    text = processor.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    # The template writes <bos>: no second BOS from the tokenizer.
    inputs = processor(text=text, images=[picture], return_tensors="pt", add_special_tokens=False)
    return text, inputs


def write_text_gguf(src: Path, dst: Path, pieces: list[tuple[str, float, int]]) -> None:
    r = gguf.GGUFReader(str(src))
    arch = r.get_field("general.architecture").contents()
    w = gguf.GGUFWriter(str(dst), arch=arch)
    replaced = {"tokenizer.ggml.tokens": [p[0] for p in pieces], "tokenizer.ggml.scores": [p[1] for p in pieces],
                "tokenizer.ggml.token_type": [p[2] for p in pieces]}
    for field in r.fields.values():
        if field.name.startswith("GGUF.") or field.name == "general.architecture":
            continue
        value = replaced.get(field.name, field.contents())
        vtype = field.types[0]
        sub = field.types[-1] if vtype == gguf.GGUFValueType.ARRAY else None
        w.add_key_value(field.name, value, vtype, sub_type=sub)
    for t in r.tensors:
        w.add_tensor(t.name, np.array(t.data), raw_dtype=t.tensor_type)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    back = gguf.GGUFReader(str(dst))
    for a, b in zip(r.tensors, back.tensors):
        if a.name != b.name or list(a.shape) != list(b.shape) or a.data.tobytes() != b.data.tobytes():
            sys.exit(f"{dst.name}: tensor {a.name} not copied exactly")
    if [str(back.get_field("tokenizer.ggml.tokens").contents(i)) for i in range(len(pieces))] != [p[0] for p in pieces]:
        sys.exit(f"{dst.name}: vocabulary not written as intended")


def real_vocabulary_ids(model_path: Path) -> dict:
    """The two prompts' ids with gemma-3-270m's vocabulary and a 36-token image (mmproj-270m)."""
    with tempfile.TemporaryDirectory() as tmp:
        link = Path(tmp) / model_path.name
        os.symlink(model_path.resolve(), link)
        from transformers import AutoTokenizer
        tok = AutoTokenizer.from_pretrained(tmp, gguf_file=model_path.name, extra_special_tokens=SPECIAL)
    ids = {t: tok.convert_tokens_to_ids(t) for t in SPECIAL.values()}
    if ids != {"<start_of_image>": 255999, "<end_of_image>": 256000, "<image_soft_token>": 262144}:
        sys.exit(f"270M vocabulary: image tokens {ids}")
    proc = processor_for(tok, tiny.TOKENS_PER_IMAGE, tiny.IMAGE_SIZE)
    picture = Image.new("RGB", (tiny.IMAGE_SIZE, tiny.IMAGE_SIZE), (128, 128, 128))
    out = {"model": model_path.name, "sha256": hashlib.sha256(model_path.read_bytes()).hexdigest()}
    for name, content in placements().items():
        text, inputs = prompt(proc, content, picture)
        out[name] = {"text": text, "ids": inputs["input_ids"][0].tolist()}
    return out


def model_and_images(expected: dict):
    """The same model and images as make_tiny_gemma_vision.py (same seed, same draws), the images
    checked against expected.json's: (the model, its two images as CHW bytes)."""
    torch.manual_seed(tiny.SEED)
    rng = np.random.default_rng(tiny.SEED)
    model = tiny.Gemma3ForConditionalGeneration(tiny.make_config()).to(torch.float32).eval()
    tiny.randomize(model, rng)
    image_bytes = [rng.integers(0, 256, (3, tiny.IMAGE_SIZE, tiny.IMAGE_SIZE)) for _ in range(2)]
    for i, draw in enumerate(image_bytes):
        if draw.ravel().tolist() != expected["images"][i]["bytes_chw"]:
            sys.exit(f"image {i} differs from expected.json: not the same random draws")
    return model, image_bytes


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out-dir", default="Tests/Fixtures/tiny_gemma_vision")
    ap.add_argument("--model", default=str(Path.home() / ".cache/medgemma/models/gemma-3-270m-q4_k_m.gguf"))
    args = ap.parse_args()
    out_dir = Path(args.out_dir)
    expected = json.loads((out_dir / "expected.json").read_text())

    model, image_bytes = model_and_images(expected)
    one = expected["prompts"][0]
    images = [(u.astype(np.float32) / np.float32(127.5) - np.float32(1)).astype(np.float32) for u in image_bytes]
    again = tiny.hf_logits(model, one["ids"], one["token_types"], [images[i] for i in one["images"]])
    drift = float(np.max(np.abs(again - np.array(one["logits"], dtype=np.float32))))
    if drift > 1e-5:
        sys.exit(f"transformers does not reproduce expected.json's logits ({drift}): not the same model")

    pieces = chat_vocabulary()
    write_text_gguf(out_dir / "text.gguf", out_dir / "text-chat.gguf", pieces)
    picture = Image.fromarray(np.transpose(image_bytes[0], (1, 2, 0)).astype(np.uint8), "RGB")
    picture.save(out_dir / "image0.png")
    if not np.array_equal(np.asarray(Image.open(out_dir / "image0.png")), np.transpose(image_bytes[0], (1, 2, 0))):
        sys.exit("image0.png does not read back")

    processor = processor_for(hf_tokenizer(pieces), tiny.TOKENS_PER_IMAGE, tiny.IMAGE_SIZE)
    results = {}
    for name, content in placements().items():
        text, inputs = prompt(processor, content, Image.open(out_dir / "image0.png"))
        pixels = inputs["pixel_values"][0].numpy()
        pixel_error = float(np.max(np.abs(pixels - images[0])))
        if pixel_error > 1e-6:
            sys.exit(f"processor pixels differ from u / 127.5 - 1 by {pixel_error}")
        ids = inputs["input_ids"][0].tolist()
        if ids.count(tiny.IMAGE_ID) != tiny.TOKENS_PER_IMAGE or ids.count(tiny.UNK_ID):
            sys.exit(f"{name}: unexpected ids {ids}")
        with torch.no_grad():
            logits = model(**inputs, use_cache=False).logits[0, -1].numpy()
            features = model.model.get_image_features(inputs["pixel_values"], return_dict=True).pooler_output[0].numpy()
        feature_error = float(np.max(np.abs(features - np.array(expected["images"][0]["features"], dtype=np.float32))))
        if feature_error > 1e-6:
            sys.exit(f"image0.png features differ from expected.json's image 0 by {feature_error}")
        # Without token_type_ids the image block is causal: the fixture must notice.
        with torch.no_grad():
            causal = model(input_ids=inputs["input_ids"], pixel_values=inputs["pixel_values"], use_cache=False).logits[0, -1].numpy()
        results[name] = {"text": text, "ids": ids, "token_type_ids": inputs["token_type_ids"][0].tolist(),
                         "last_logits": tiny.f32s(logits),
                         "causal_image_block_max_change": float(np.max(np.abs(causal - logits)))}
        print(f"  {name}: {len(ids)} ids, argmax {int(np.argmax(logits))}, "
              f"causal-image ablation moves the last logits by {results[name]['causal_image_block_max_change']:.3g}")
    if results["after_text"]["ids"] == results["image_first"]["ids"]:
        sys.exit("the two placements give the same ids")

    fixture = {
        "description": "transformers' Gemma3Processor + chat template on the tiny vision model with text-chat.gguf's "
                       "vocabulary (see Tools/make_tiny_gemma_vision_chat.py).",
        "generator": "Tools/make_tiny_gemma_vision_chat.py",
        "versions": {"transformers": transformers.__version__, "torch": torch.__version__},
        "question": QUESTION,
        "image": "image0.png",
        "image_token": tiny.IMAGE_ID,
        "files": {f: hashlib.sha256((out_dir / f).read_bytes()).hexdigest() for f in ("text-chat.gguf", "image0.png")},
        "features": expected["images"][0]["features"],
        "prompts": results,
    }
    model_path = Path(args.model).expanduser()
    if model_path.is_file():
        fixture["real_vocabulary"] = real_vocabulary_ids(model_path)
    else:
        print(f"  {model_path} not found: no real-vocabulary ids")
    (out_dir / "chat.json").write_text(tiny.dump(fixture) + "\n")
    print(f"wrote {out_dir}: text-chat.gguf, image0.png, chat.json")


if __name__ == "__main__":
    main()
