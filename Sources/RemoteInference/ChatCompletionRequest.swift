import Foundation
import Gemma
import Workstation

/// The body of `POST /chat/completions`, streamed: the history as OpenAI messages (the
/// system instruction first, user images as `image_url` data URLs where the in-process
/// template puts them: after the turn's text, or labelled before it), and the sampling settings under the names
/// vLLM, llama-server, llama-cpp-python and Ollama read.
///
/// Settings left at their "off" value are not sent, so a server that does not know a
/// field never sees it: min-p 0, penalties off.
struct ChatCompletionRequest: Encodable {
    struct Message: Encodable {
        var role: String
        var content: Content
    }

    enum Content: Encodable {
        case text(String)
        /// Text and image items in order (images as data URLs).
        case parts([Part])

        func encode(to encoder: Encoder) throws {
            switch self {
            case .text(let text):
                var container = encoder.singleValueContainer()
                try container.encode(text)
            case .parts(let parts):
                var container = encoder.unkeyedContainer()
                for part in parts {
                    switch part {
                    case .text(let text): try container.encode(["type": "text", "text": text])
                    case .imageURL(let url): try container.encode(ImagePart(image_url: .init(url: url)))
                    }
                }
            }
        }
    }

    enum Part {
        case text(String)
        case imageURL(String)
    }

    struct ImagePart: Encodable {
        struct URLField: Encodable { var url: String }
        var type = "image_url"
        var image_url: URLField
    }

    struct StreamOptions: Encodable { var include_usage = true }

    var model: String
    var messages: [Message]
    var stream = true
    var stream_options = StreamOptions()
    var max_tokens: Int
    var temperature: Double
    var top_p: Double
    /// -1 keeps all tokens (vLLM's and llama.cpp's "off").
    var top_k: Int
    var seed: UInt32
    var min_p: Double?
    var presence_penalty: Double?
    var frequency_penalty: Double?
    /// vLLM's name; llama.cpp's servers call it `repeat_penalty`.
    var repetition_penalty: Double?
    var repeat_penalty: Double?

    /// `imageURL` gives each attachment's data URL (the model-size PNG).
    init(model: String, messages history: [BackendMessage], settings: GenerationSettings,
         imageURL: (ImageAttachment) throws -> String) rethrows {
        self.model = model
        var messages: [Message] = []
        if let system = settings.system, !system.isEmpty, history.first?.role != .system {
            messages.append(Message(role: "system", content: .text(system)))
        }
        for message in history {
            let content: Content = message.images.isEmpty ? .text(message.text) : .parts(try Self.parts(of: message, imageURL: imageURL))
            messages.append(Message(role: message.role.rawValue, content: content))
        }
        self.messages = messages
        let s = settings.sampling
        max_tokens = settings.maxTokens
        temperature = Self.decimal(max(0, s.temperature))
        top_p = Self.decimal(s.topP)
        top_k = s.topK > 0 ? s.topK : -1
        // llama.cpp's seed is 32 bits; larger seeds keep their low bits.
        seed = UInt32(truncatingIfNeeded: s.seed)
        min_p = s.minP > 0 ? Self.decimal(s.minP) : nil
        presence_penalty = s.presencePenalty != 0 ? Self.decimal(s.presencePenalty) : nil
        frequency_penalty = s.frequencyPenalty != 0 ? Self.decimal(s.frequencyPenalty) : nil
        repetition_penalty = s.repetitionPenalty != 1 ? Self.decimal(s.repetitionPenalty) : nil
        repeat_penalty = repetition_penalty
    }

    /// The turn's items in the in-process template's order (`BackendMessage
    /// .hasLabelledImages`): the text then the pictures, or each label and its picture
    /// then the text.
    static func parts(of message: BackendMessage, imageURL: (ImageAttachment) throws -> String) rethrows -> [Part] {
        guard message.hasLabelledImages else {
            return [.text(message.text)] + (try message.images.map { .imageURL(try imageURL($0)) })
        }
        var parts: [Part] = []
        for image in message.images {
            if let label = image.label { parts.append(.text(label)) }
            parts.append(.imageURL(try imageURL(image)))
        }
        return parts + [.text(message.text)]
    }

    /// The Float as the user typed it (0.7, not 0.699999988079071).
    static func decimal(_ value: Float) -> Double { Double("\(value)") ?? Double(value) }

    func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
