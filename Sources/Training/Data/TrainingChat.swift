import Foundation
import Gemma
import Support

/// One line of a training file: the Hugging Face chat `messages` format the MedGemma
/// notebook feeds TRL's `SFTTrainer` — roles system / user / assistant, `content` a string
/// or a list of `{"type": "text", "text": …}` and `{"type": "image", "image": PATH}` items
/// (a path relative to the file's folder).
public struct TrainingChat: Sendable, Equatable {
    public struct Turn: Sendable, Equatable {
        public let role: ChatMessage.Role
        public let text: String
        /// Image paths, resolved against the data file's folder.
        public let images: [String]
    }

    public let turns: [Turn]

    public init(turns: [Turn]) { self.turns = turns }

    /// Every line of the JSONL file at `path`; errors name the file and line.
    public static func read(path: String) throws -> [TrainingChat] {
        let bytes = try WholeFile.read(path: path, limit: 1 << 30)
        let folder = (path as NSString).deletingLastPathComponent
        var chats: [TrainingChat] = []
        for (n, line) in String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let text = line.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { continue }
            do {
                chats.append(try parse(Data(text.utf8), folder: folder))
            } catch {
                throw ChatExampleError("\(path):\(n + 1): \(error)")
            }
        }
        guard !chats.isEmpty else { throw ChatExampleError("\(path): no examples") }
        return chats
    }

    static func parse(_ data: Data, folder: String) throws -> TrainingChat {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ChatExampleError("not a JSON object")
        }
        guard let messages = object["messages"] as? [[String: Any]], !messages.isEmpty else {
            throw ChatExampleError("no \"messages\" list")
        }
        return TrainingChat(turns: try messages.enumerated().map { i, m in
            guard let roleName = m["role"] as? String, let role = ChatMessage.Role(rawValue: roleName == "model" ? "assistant" : roleName) else {
                throw ChatExampleError("message \(i + 1): role must be system, user or assistant")
            }
            var texts: [String] = [], images: [String] = []
            if let s = m["content"] as? String {
                texts = [s]
            } else if let items = m["content"] as? [[String: Any]] {
                for item in items {
                    switch item["type"] as? String {
                    case "text": texts.append(item["text"] as? String ?? "")
                    case "image":
                        guard let p = item["image"] as? String, !p.isEmpty else { throw ChatExampleError("message \(i + 1): an image item needs \"image\": PATH") }
                        images.append(p.hasPrefix("/") ? p : folder + "/" + p)
                    default: throw ChatExampleError("message \(i + 1): content items are {\"type\": \"text\"} or {\"type\": \"image\"}")
                    }
                }
            } else {
                throw ChatExampleError("message \(i + 1): content must be a string or a list of items")
            }
            return Turn(role: role, text: texts.joined(separator: "\n"), images: images)
        })
    }
}
