import Foundation

/// One entry of a server's `GET /models`: the name to put in requests and, when the server
/// says (vLLM's `max_model_len`), the context size.
public struct RemoteModel: Sendable, Equatable {
    public var id: String
    public var contextSize: Int?

    public init(id: String, contextSize: Int? = nil) {
        self.id = id
        self.contextSize = contextSize
    }

    /// Parses `{"data": [{"id": …}, …]}`.
    static func list(from body: Data) throws(RemoteError) -> [RemoteModel] {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
              let data = object["data"] as? [[String: Any]] else {
            throw .malformedStream("GET /models did not answer with a model list")
        }
        return data.compactMap { entry in
            guard let id = entry["id"] as? String else { return nil }
            return RemoteModel(id: id, contextSize: entry["max_model_len"] as? Int)
        }
    }
}
