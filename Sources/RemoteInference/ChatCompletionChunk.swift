/// One `data:` event of a streamed chat completion. Only what the workstation uses is
/// decoded; every field is optional because servers differ (the first chunk of vLLM and
/// llama-cpp-python carries only the role; usage comes in a last chunk with no choices
/// when `stream_options.include_usage` is honoured; llama-server adds `timings`).
struct ChatCompletionChunk: Decodable {
    struct Choice: Decodable {
        struct Delta: Decodable {
            var content: String?
        }
        var delta: Delta?
        var finish_reason: String?
    }

    struct Usage: Decodable {
        var prompt_tokens: Int?
        var completion_tokens: Int?
    }

    /// llama-server's own measurements.
    struct Timings: Decodable {
        var prompt_n: Int?
        var prompt_ms: Double?
        var predicted_n: Int?
        var predicted_ms: Double?
    }

    /// An error reported inside the stream (vLLM does this when generation fails):
    /// `{"message": …}` or, from Ollama, a plain string.
    struct ErrorBody: Decodable {
        var message: String?

        init(from decoder: Decoder) throws {
            if let text = try? decoder.singleValueContainer().decode(String.self) {
                message = text
                return
            }
            enum Keys: String, CodingKey { case message }
            message = try decoder.container(keyedBy: Keys.self).decodeIfPresent(String.self, forKey: .message)
        }
    }

    var choices: [Choice]?
    var usage: Usage?
    var timings: Timings?
    var error: ErrorBody?
}
