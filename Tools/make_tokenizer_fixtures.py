#!/usr/bin/env python3
"""Reference token ids from llama.cpp for the GemmaTokenizer tests.

Run by hand (not part of the build or of `make test`):

    pip install llama-cpp-python          # builds llama.cpp; ~10 min on 2 cores
    python3 Tools/make_tokenizer_fixtures.py [MODEL.gguf]

MODEL defaults to the default model, $MEDGEMMA_MODEL or
~/.cache/medgemma/models/gemma-3-270m-q4_k_m.gguf. Only the vocabulary is loaded.

Reads   Tests/Fixtures/tokenizer/corpus.json    {"entries": [{"category", "text"}, ...]}
Writes  Tests/Fixtures/tokenizer/expected.json  with, for every corpus string, llama.cpp's
        ids in four modes (llama_tokenize's add_special × parse_special):
          bos_special, bos_nospecial, nobos_special, nobos_nospecial;
        "detokenize": llama_detokenize output (remove_special = false) for a sample of id
          sequences, with unparse_special false and true, as hex bytes (a sequence may end
          inside a UTF-8 character);
        "eog": every id llama.cpp treats as end of generation;
        "attributes": llama_token_attr of every token whose attribute is not plain NORMAL;
        plus the llama-cpp-python version and the model's file name and sha256.

The ids come straight from llama.cpp's C API (through llama-cpp-python's ctypes
bindings), not from llama-cpp-python's Python-side helpers: Llama.detokenize, for one,
strips a leading space after BOS, which llama.cpp itself does not do.
"""
import ctypes
import hashlib
import json
import os
import sys

import llama_cpp

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures", "tokenizer")
MODES = {
    "bos_special": (True, True),
    "bos_nospecial": (True, False),
    "nobos_special": (False, True),
    "nobos_nospecial": (False, False),
}


def default_model():
    if os.environ.get("MEDGEMMA_MODEL"):
        return os.environ["MEDGEMMA_MODEL"]
    models = os.environ.get("MEDGEMMA_MODELS") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "medgemma", "models")
    return os.path.join(models, "gemma-3-270m-q4_k_m.gguf")


def tokenize(vocab, data: bytes, add_special: bool, parse_special: bool):
    capacity = len(data) + 16
    while True:
        buf = (llama_cpp.llama_token * capacity)()
        n = llama_cpp.llama_tokenize(vocab, data, len(data), buf, capacity, add_special, parse_special)
        if n >= 0:
            return list(buf[:n])
        capacity = -n


def detokenize(vocab, ids, unparse_special: bool) -> bytes:
    arr = (llama_cpp.llama_token * max(len(ids), 1))(*ids)
    capacity = 64 + 64 * len(ids)
    while True:
        buf = ctypes.create_string_buffer(capacity)
        n = llama_cpp.llama_detokenize(vocab, arr, len(ids), buf, capacity, False, unparse_special)
        if n >= 0:
            return buf.raw[:n]
        capacity = -n


def main():
    model_path = sys.argv[1] if len(sys.argv) > 1 else default_model()
    with open(os.path.join(FIXTURES, "corpus.json"), encoding="utf-8") as f:
        corpus = json.load(f)["entries"]

    llm = llama_cpp.Llama(model_path=model_path, vocab_only=True, verbose=False)
    vocab = llama_cpp.llama_model_get_vocab(llm.model)
    n_vocab = llama_cpp.llama_vocab_n_tokens(vocab)

    entries = []
    for entry in corpus:
        data = entry["text"].encode("utf-8")
        row = {"category": entry["category"], "text": entry["text"]}
        for name, (add_special, parse_special) in MODES.items():
            row[name] = tokenize(vocab, data, add_special, parse_special)
        entries.append(row)

    # Detokenizer samples: every 4th corpus string (with BOS and specials), and sequences
    # that cut byte-fallback characters or mix token kinds.
    samples = [row["bos_special"] for row in entries[::4]]
    emoji = tokenize(vocab, "𓀀 𠀀🩻".encode("utf-8"), False, False)
    samples += [emoji[:k] for k in range(1, len(emoji) + 1)]
    samples += [
        [2, 105, 2364, 107, 9259, 106, 107],    # BOS, turn markers, newline
        [212, 203, 168, 255999, 256000, 5],       # </s> (user-defined + control), tags
        [0, 1, 2, 3, 4, 262143, 6000],             # control / unused tokens
        [138, 167, 255968, 236743, 236743],        # space runs, tab, lone "▁"
        [238 + 0xF0, 238 + 0x9F, 238 + 0xA9, 238 + 0xBA],  # 🩺 as bytes
        [238 + 0xE2, 238 + 0x82],                  # truncated 3-byte sequence
        [238 + 0x80, 238 + 0xFF, 238 + 0x00],      # invalid bytes, NUL
    ]
    detok = []
    for ids in samples:
        for unparse in (False, True):
            detok.append({"ids": ids, "render_special": unparse,
                          "bytes_hex": detokenize(vocab, ids, unparse).hex()})

    eog = [i for i in range(n_vocab) if llama_cpp.llama_vocab_is_eog(vocab, i)]
    attributes = {}
    for i in range(n_vocab):
        attr = int(llama_cpp.llama_vocab_get_attr(vocab, i))
        if attr != 4:  # LLAMA_TOKEN_ATTR_NORMAL
            attributes[str(i)] = attr

    sha = hashlib.sha256()
    with open(model_path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            sha.update(block)

    out = {
        "generator": "Tools/make_tokenizer_fixtures.py",
        "llama_cpp_python": llama_cpp.__version__,
        "model": os.path.basename(model_path),
        "model_sha256": sha.hexdigest(),
        "vocab_size": n_vocab,
        "bos": llama_cpp.llama_vocab_bos(vocab),
        "eos": llama_cpp.llama_vocab_eos(vocab),
        "eot": llama_cpp.llama_vocab_eot(vocab),
        "eog": eog,
        "attributes": attributes,
        "entries": entries,
        "detokenize": detok,
    }
    path = os.path.join(FIXTURES, "expected.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {path}: {len(entries)} strings x {len(MODES)} modes, {len(detok)} detokenizer samples")


if __name__ == "__main__":
    main()
