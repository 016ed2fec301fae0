#!/usr/bin/env python3
"""Write Tests/Fixtures/logits/llamacpp_server_chat.json: what llama-cpp-python's server
answers to a two-turn greedy chat, for RemoteServerTests.testMultiTurnChat.

The test talks to `python -m llama_cpp.server --chat_format gemma --n_threads 2 --n_ctx 2048`
(Tests/TestSupport/OpenAIServer.swift) on the default model; this script asks the same
library (llama-cpp-python 0.3.36, the version Tools/install-test-server.sh installs) the
same two questions through `create_chat_completion`, which is what the server's
/v1/chat/completions calls: temperature 0 (greedy), 8 tokens per reply, the first reply
sent back as the assistant turn. Per turn it records the prompt and completion token counts
(the server's `usage`), the finish reason, the reply and, per step, the top-2 margin
(logprob[top1] - logprob[top2], equal to the logit margin), so a reader can see how far
each greedy step is from a tie. `second_alone` is the second question asked without the first
exchange: a reply that differs from the second turn's shows the test can tell a carried
history from a lost one.

Usage: ~/.cache/medgemma/server-venv/bin/python Tools/make_server_chat_fixture.py MODEL.gguf
"""
import json
import sys
from pathlib import Path

import llama_cpp
from llama_cpp import Llama

QUESTIONS = ["What is the capital of France? Answer in one sentence.", "And of Italy?"]
MAX_TOKENS = 8


def main():
    model = sys.argv[1]
    llm = Llama(model_path=model, n_ctx=2048, n_threads=2, chat_format="gemma", verbose=False, logits_all=True)
    messages, turns = [], []
    for question in QUESTIONS:
        messages.append({"role": "user", "content": question})
        r = llm.create_chat_completion(messages=messages, temperature=0, max_tokens=MAX_TOKENS,
                                       logprobs=True, top_logprobs=2)
        choice = r["choices"][0]
        reply = choice["message"]["content"]
        margins = [round(float(t["top_logprobs"][0]["logprob"] - t["top_logprobs"][1]["logprob"]), 3)
                   for t in choice["logprobs"]["content"]]
        turns.append({"question": question, "prompt_tokens": r["usage"]["prompt_tokens"],
                      "completion_tokens": r["usage"]["completion_tokens"],
                      "finish_reason": choice["finish_reason"], "reply": reply, "margins": margins})
        messages.append({"role": "assistant", "content": reply})
    alone = llm.create_chat_completion(messages=[{"role": "user", "content": QUESTIONS[1]}], temperature=0,
                                       max_tokens=MAX_TOKENS)["choices"][0]["message"]["content"]
    out = {"description": "llama-cpp-python create_chat_completion, chat_format gemma, greedy, "
                          f"{MAX_TOKENS} tokens per turn; the first reply is the second turn's assistant message",
           "llama_cpp_python_version": llama_cpp.__version__, "model": Path(model).name,
           "settings": {"n_ctx": 2048, "n_threads": 2, "temperature": 0, "max_tokens": MAX_TOKENS},
           "turns": turns, "second_alone": alone}
    path = Path(__file__).resolve().parent.parent / "Tests/Fixtures/logits/llamacpp_server_chat.json"
    path.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
