import Foundation
import Support

/// The human-readable part of an error body, however the server phrases it: OpenAI,
/// vLLM and llama-server send `{"error": {"message": …}}`, FastAPI (llama-cpp-python)
/// `{"detail": …}`, Ollama `{"error": "…"}`; anything else is taken as plain text. Cut to
/// one line of at most 300 characters, so a whole HTML error page cannot flood the screen.
enum ServerErrorText {
    static func extract(_ body: Data) -> String? {
        if let object = try? JSONSerialization.jsonObject(with: body), let text = message(in: object) {
            return oneLine(text)
        }
        let text = String(decoding: body.prefix(4096), as: UTF8.self)
        if text.lowercased().contains("<html") { return nil }
        return oneLine(text)
    }

    static func message(in object: Any) -> String? {
        guard let dict = object as? [String: Any] else { return nil }
        if let error = dict["error"] {
            if let text = error as? String { return text }
            if let inner = error as? [String: Any], let text = inner["message"] as? String { return text }
        }
        if let detail = dict["detail"] {
            if let text = detail as? String { return text }
            // FastAPI validation errors: [{"loc": […], "msg": "…"}]
            if let list = detail as? [[String: Any]] {
                let messages = list.compactMap { $0["msg"] as? String }
                if !messages.isEmpty { return messages.joined(separator: "; ") }
            }
        }
        if let text = dict["message"] as? String { return text }
        return nil
    }

    static func oneLine(_ text: String) -> String? {
        let line = OneLine.clean(text, controls: .joinedLines, limit: 299)
        return line.isEmpty ? nil : line
    }
}
