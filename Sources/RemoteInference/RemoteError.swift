/// Everything that can go wrong talking to a remote server, each as one line that says
/// what happened and, where there is one, what to do. The server's own error text is
/// quoted when it sent one; the API key never appears (`APIKey.redacting`).
public enum RemoteError: Error, Equatable, CustomStringConvertible {
    case invalidURL(String, reason: String)
    case connectionRefused(server: String)
    case hostNotFound(host: String)
    case tls(server: String, detail: String)
    case timedOut(server: String, seconds: Int)
    /// The connection broke before the reply began.
    case connectionLost(server: String)
    case network(server: String, detail: String)
    /// A non-2xx answer; `message` is the server's own text, if any.
    case http(status: Int, message: String?, sentKey: Bool)
    /// The event stream broke the protocol (not JSON, an unexpected shape).
    case malformedStream(String)
    /// The stream ended before the reply did (no finish reason, no `[DONE]`).
    case cutOff(tokens: Int, detail: String)
    /// An error object inside the event stream.
    case serverError(String)
    case noModels(server: String)
    case ambiguousModel([String])
    case imageEncoding(String)

    public var description: String {
        switch self {
        case .invalidURL(let url, let reason):
            return "'\(url)' is not a server address: \(reason) (e.g. http://127.0.0.1:8000/v1)"
        case .connectionRefused(let server):
            return "cannot connect to \(server): connection refused (is the server running and listening on that port?)"
        case .hostNotFound(let host):
            return "cannot find the server '\(host)' (DNS lookup failed; check the host name)"
        case .tls(let server, let detail):
            return "TLS failed with \(server): \(detail) (a self-signed or expired certificate, or http:// meant instead of https://)"
        case .timedOut(let server, let seconds):
            return "\(server) did not answer within \(seconds) s (timed out; raise 'timeout' in the config for slow servers)"
        case .connectionLost(let server):
            return "the connection to \(server) was lost before the reply began"
        case .network(let server, let detail):
            return "network error talking to \(server): \(detail)"
        case .http(let status, let message, let sentKey):
            let reason = Self.reason(status)
            let said = "\(status) \(reason)" + (message.flatMap { $0 == reason ? nil : ": \($0)" } ?? "")
            switch status {
            case 401, 403:
                return sentKey
                    ? "the server refused the API key (\(said)); check MEDGEMMA_API_KEY or the key file"
                    : "the server wants an API key (\(said)); set MEDGEMMA_API_KEY or api-key-file in the config"
            case 404:
                return "not found on the server (\(said)); the URL should be the API base such as http://127.0.0.1:8000/v1, "
                    + "and the model one the server serves ('medgemma backends check URL' lists them)"
            case 429:
                return "the server is busy (\(said)); try again later"
            case 500...599:
                return "the server failed (\(said))"
            default:
                return "the server answered \(said)"
            }
        case .malformedStream(let detail):
            return "the server sent a malformed event stream: \(detail)"
        case .cutOff(let tokens, let detail):
            return "the reply was cut off after \(tokens) token\(tokens == 1 ? "" : "s") (\(detail)); what arrived is kept, regenerate to try again"
        case .serverError(let message):
            return "the server reported an error: \(message)"
        case .noModels(let server):
            return "\(server) serves no models (GET /models listed none)"
        case .ambiguousModel(let names):
            return "the server serves \(names.count) models (\(names.joined(separator: ", "))): choose one with --remote-model NAME"
        case .imageEncoding(let detail):
            return "cannot prepare the image for the server: \(detail)"
        }
    }

    /// Failures worth another try before the first token: nothing was generated, and the
    /// server may well answer in a moment (starting up, overloaded, behind a restarting proxy).
    public var isRetryable: Bool {
        switch self {
        case .connectionRefused: return true
        case .http(let status, _, _): return [429, 502, 503, 504].contains(status)
        default: return false
        }
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 413: return "Payload Too Large"
        case 422: return "Unprocessable Entity"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return "HTTP error"
        }
    }
}
