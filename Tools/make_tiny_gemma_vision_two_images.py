#!/usr/bin/env python3
"""Two labelled pictures in one user turn on the tiny random Gemma 3 vision model, run through
transformers' own `Gemma3Processor`: the oracle for several images in one question (`ask
--image A --image B`, "compare with prior"), as Tools/make_tiny_gemma_vision_chat.py is for one.

The turn's content items are [text LABEL_A, image 0, text LABEL_B, image 1, text QUESTION]: each
picture after its label, then the question — the order the workstation sends labelled pictures
in (ChatMessage.imageLabels, ENGINE.md C5). The processor expands each <start_of_image> to
"\\n\\n" <start_of_image> 36 × <image_soft_token> <end_of_image> "\\n\\n", and each image is its
own bidirectional block (token_type_ids), attended causally by everything after it.

What it makes (Tests/Fixtures/tiny_gemma_vision/), leaving chat.json and text-chat.gguf as they are
-----------------------------------------------------------------------------------------------
image1.png       expected.json's image 1 (48×48 RGB), the second random draw.
two_images.json  the chat text transformers' template rendered, the processor's input_ids (image
                 positions = 62), token_type_ids and the 64 logits of the last position; the same
                 logits with the two pictures swapped (the order must matter) and with the image
                 blocks causal (the blocks must be run whole).

How to run (from the repository root, after make_tiny_gemma_vision_chat.py; a few seconds):
    HF_HUB_OFFLINE=1 python3 Tools/make_tiny_gemma_vision_two_images.py
Needs what make_tiny_gemma_vision_chat.py needs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_tiny_gemma_vision_chat as chat  # noqa: E402
from make_tiny_gemma_vision_chat import tiny  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import transformers  # noqa: E402
from PIL import Image  # noqa: E402

LABELS = ["first image.", "second image."]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out-dir", default="Tests/Fixtures/tiny_gemma_vision")
    args = ap.parse_args()
    out_dir = Path(args.out_dir)
    expected = json.loads((out_dir / "expected.json").read_text())

    model, image_bytes = chat.model_and_images(expected)
    picture = Image.fromarray(np.transpose(image_bytes[1], (1, 2, 0)).astype(np.uint8), "RGB")
    picture.save(out_dir / "image1.png")
    if not np.array_equal(np.asarray(Image.open(out_dir / "image1.png")), np.transpose(image_bytes[1], (1, 2, 0))):
        sys.exit("image1.png does not read back")
    pictures = [Image.open(out_dir / "image0.png"), Image.open(out_dir / "image1.png")]

    processor = chat.processor_for(chat.hf_tokenizer(chat.chat_vocabulary()), tiny.TOKENS_PER_IMAGE, tiny.IMAGE_SIZE)
    content = [{"type": "text", "text": LABELS[0]}, {"type": "image"},
               {"type": "text", "text": LABELS[1]}, {"type": "image"},
               {"type": "text", "text": chat.QUESTION}]
    messages = [{"role": "user", "content": content}]
    text = processor.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)

    def run(images, causal=False):
        inputs = processor(text=text, images=images, return_tensors="pt", add_special_tokens=False)
        with torch.no_grad():
            if causal:
                out = model(input_ids=inputs["input_ids"], pixel_values=inputs["pixel_values"], use_cache=False)
            else:
                out = model(**inputs, use_cache=False)
        return inputs, out.logits[0, -1].numpy()

    inputs, logits = run(pictures)
    ids = inputs["input_ids"][0].tolist()
    if ids.count(tiny.IMAGE_ID) != 2 * tiny.TOKENS_PER_IMAGE or ids.count(tiny.UNK_ID):
        sys.exit(f"unexpected ids {ids}")
    _, swapped = run(pictures[::-1])
    _, causal = run(pictures, causal=True)
    fixture = {
        "description": "transformers' Gemma3Processor + chat template on the tiny vision model with text-chat.gguf's "
                       "vocabulary, two labelled images in one user turn (see Tools/make_tiny_gemma_vision_two_images.py).",
        "generator": "Tools/make_tiny_gemma_vision_two_images.py",
        "versions": {"transformers": transformers.__version__, "torch": torch.__version__},
        "labels": LABELS,
        "question": chat.QUESTION,
        "images": ["image0.png", "image1.png"],
        "image_token": tiny.IMAGE_ID,
        "files": {f: hashlib.sha256((out_dir / f).read_bytes()).hexdigest() for f in ("text-chat.gguf", "image0.png", "image1.png")},
        "text": text,
        "ids": ids,
        "token_type_ids": inputs["token_type_ids"][0].tolist(),
        "last_logits": tiny.f32s(logits),
        "swapped_images_max_change": float(np.max(np.abs(swapped - logits))),
        "causal_image_blocks_max_change": float(np.max(np.abs(causal - logits))),
    }
    (out_dir / "two_images.json").write_text(tiny.dump(fixture) + "\n")
    print(f"  {len(ids)} ids, argmax {int(np.argmax(logits))}; swapping the pictures moves the last logits by "
          f"{fixture['swapped_images_max_change']:.3g}, causal image blocks by {fixture['causal_image_blocks_max_change']:.3g}")
    print(f"wrote {out_dir}: image1.png, two_images.json")


if __name__ == "__main__":
    main()
