import Foundation
import FoundationNetworking

/// Where an OpenAI-compatible server is and how to talk to it: the API base URL (the
/// part before `/chat/completions`, e.g. `http://127.0.0.1:8000/v1`), the API key, and
/// how long to wait for the next byte.
///
/// Its description is the URL alone: the key never shows.
public struct RemoteEndpoint: Sendable, Equatable, CustomStringConvertible {
    /// The API base, without a trailing slash.
    public let baseURL: URL
    public var apiKey: APIKey?
    /// Seconds without a byte from the server before the request fails (CPU servers can
    /// take a while over a long prompt before their first token).
    public var timeout: TimeInterval

    /// Default `timeout`.
    public static let defaultTimeout: TimeInterval = 120

    public init(url text: String, apiKey: APIKey? = nil, timeout: TimeInterval = RemoteEndpoint.defaultTimeout) throws(RemoteError) {
        var trimmed = text.trimmingCharacters(in: .whitespaces)
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased() else {
            throw .invalidURL(text, reason: "not a URL")
        }
        guard scheme == "http" || scheme == "https" else {
            throw .invalidURL(text, reason: "the scheme must be http or https")
        }
        guard let host = components.host, !host.isEmpty else { throw .invalidURL(text, reason: "no host") }
        guard components.user == nil && components.password == nil else {
            throw .invalidURL("\(scheme)://…@\(host)", reason: "credentials do not belong in the URL; put the key in MEDGEMMA_API_KEY or a key file")
        }
        guard components.query == nil && components.fragment == nil else {
            throw .invalidURL(text, reason: "a query or fragment is not part of an API base")
        }
        guard let url = components.url else { throw .invalidURL(text, reason: "not a URL") }
        guard timeout > 0 else { throw .invalidURL(text, reason: "the timeout must be positive") }
        baseURL = url
        self.apiKey = apiKey
        self.timeout = timeout
    }

    public var description: String { baseURL.absoluteString }

    public var chatCompletionsURL: URL { URL(string: baseURL.absoluteString + "/chat/completions")! }
    public var modelsURL: URL { URL(string: baseURL.absoluteString + "/models")! }

    /// A request with the JSON and authorization headers set.
    func request(_ url: URL, method: String, body: Data? = nil, accept: String = "application/json") -> URLRequest {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = method
        request.setValue(accept, forHTTPHeaderField: "Accept")
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let apiKey { request.setValue(apiKey.authorization, forHTTPHeaderField: "Authorization") }
        return request
    }
}
