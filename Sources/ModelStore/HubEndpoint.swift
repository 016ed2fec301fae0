import Foundation

/// A Hugging Face–compatible hub: `$HF_ENDPOINT` (a mirror, or our test hub), else the
/// public one, and the token sent to it. Builds the URLs the hub answers.
public struct HubEndpoint: Sendable, Equatable {
    public static let publicHub = "https://huggingface.co"

    public var base: String
    public var token: String?

    public init(base: String = HubEndpoint.publicHub, token: String? = nil) {
        self.base = base.hasSuffix("/") ? String(base.dropLast()) : base
        self.token = token
    }

    /// From `$HF_ENDPOINT` and `HubToken`.
    public init(environment: [String: String]) {
        let base = environment["HF_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 } ?? HubEndpoint.publicHub
        self.init(base: base, token: HubToken.find(environment: environment))
    }

    /// The repository's page, where a gated repository's terms are accepted.
    public func page(repo: String) -> String { "\(base)/\(repo)" }

    public func treeURL(repo: String, revision: String) -> String {
        "\(base)/api/models/\(repo)/tree/\(Self.escaped(revision))?recursive=true"
    }

    public func resolveURL(repo: String, revision: String, file: String) -> String {
        "\(base)/\(repo)/resolve/\(Self.escaped(revision))/\(file.split(separator: "/").map { Self.escaped(String($0)) }.joined(separator: "/"))"
    }

    static func escaped(_ part: String) -> String {
        part.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? part
    }
}
