/// Token texts that llama.cpp recognises by their spelling when it loads a vocabulary
/// (GGUF files carry no per-token "end of turn" flag). Such a token gains the CONTROL
/// attribute if it lacks it, which matters for encoding: a CONTROL token is matched as one
/// token only when special tokens are parsed. In the Gemma 3 vocabulary this touches
/// `<end_of_turn>` (106, already CONTROL) and `</s>` (212, USER_DEFINED + CONTROL).
enum SpecialTokenTexts {
    /// End-of-turn texts; the first one found (lowest id) is the EOT token when the file
    /// has no `tokenizer.ggml.eot_token_id`.
    static let endOfTurn: Set<String> = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|end_of_text|>",
        "<EOT>", "_<EOT>", "[EOT]", "<｜end▁of▁sentence｜>", "<end_of_utterance>",
    ]

    /// End-of-message texts (EOM token when the file has no `tokenizer.ggml.eom_token_id`).
    static let endOfMessage: Set<String> = ["<|eom_id|>"]

    /// Fill-in-the-middle texts: marked CONTROL; the pad / repo / file-separator kinds also
    /// end generation.
    static let fillInMiddle: Set<String> = [
        "<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>", "▁<PRE>",
        "<|code_prefix|>", "<|prefix|>",
        "<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>", "▁<SUF>",
        "<|code_suffix|>", "<|suffix|>",
        "<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>", "▁<MID>",
        "<|code_middle|>", "<|middle|>",
    ]
    static let fillInMiddleEndsGeneration: Set<String> = [
        "<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]",
        "<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>",
        "<|file_sep|>",
    ]

    /// Texts that end generation (and are forced to CONTROL).
    static let endOfGeneration: Set<String> = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>",
        "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]",
        "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>",
        "<｜end▁of▁sentence｜>", "[e~[",
    ]
}
