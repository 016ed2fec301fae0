import Support

/// Why a pull failed, each as one line that names the repository, file or URL and the problem.
public enum ModelStoreError: Error, CustomStringConvertible, Equatable {
    /// 401/403: the repository is gated (MedGemma's own are); its terms are accepted on `termsPage`.
    case gated(repo: String, status: Int, url: String, termsPage: String, tokenSent: Bool)
    /// 404 on a file or a repository.
    case notFound(what: String, url: String)
    /// Another HTTP status, after the retries `HubClient` allows.
    case http(status: Int, url: String, message: String)
    /// The connection failed or dropped too many times.
    case transport(url: String, message: String)
    /// The bytes received do not hash to what the hub publishes; nothing was kept.
    case checksumMismatch(file: String, expected: String, actual: String)
    /// Not enough free space for what is still to be downloaded.
    case noSpace(folder: String, needed: Int64, free: Int64)
    /// The repository has no file that fits what was asked.
    case noMatchingFile(repo: String, detail: String)
    /// The hub's answer could not be read.
    case badAnswer(url: String, detail: String)
    /// A file or folder on this machine could not be written.
    case io(path: String, detail: String)
    /// `REPO[:FILE]` is not a repository name.
    case badName(String)
    /// The user stopped the download; the partial file is kept for the next pull.
    case cancelled(partial: String)

    public var description: String {
        switch self {
        case let .gated(repo, status, url, page, tokenSent):
            let token = tokenSent
                ? "the token sent has no access to it"
                : "no token was sent (set HF_TOKEN or write it to ~/.cache/huggingface/token)"
            return "\(repo) is gated (\(status) from \(url)): accept its terms at \(page); \(token)"
        case let .notFound(what, url):
            return "\(what) not found (404 from \(url))"
        case let .http(status, url, message):
            return "\(status) from \(url)" + (message.isEmpty ? "" : ": \(message)")
        case let .transport(url, message):
            return "\(url): \(message)"
        case let .checksumMismatch(file, expected, actual):
            return "\(file): sha256 \(actual) is not the hub's \(expected); the download was deleted, nothing was kept"
        case let .noSpace(folder, needed, free):
            return "\(folder): not enough free space (\(Format.bytes(Int(needed))) needed, \(Format.bytes(Int(free))) free)"
        case let .noMatchingFile(repo, detail):
            return "\(repo): \(detail)"
        case let .badAnswer(url, detail):
            return "\(url): \(detail)"
        case let .io(path, detail):
            return "\(path): \(detail)"
        case let .cancelled(partial):
            return "download cancelled; \(partial) is kept: pull again to continue"
        case let .badName(name):
            return "'\(name)' is not a model name or a repository (ORG/NAME, or ORG/NAME:FILE)"
        }
    }
}
