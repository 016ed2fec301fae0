import Foundation
import Gemma
import Workstation

/// An OpenAI-compatible chat completions server as a backend: vLLM, llama.cpp's
/// llama-server, llama-cpp-python's server, Ollama. Each reply is one streamed
/// `POST /chat/completions` carrying the whole history (the server keeps no state between
/// requests; its own prefix cache makes follow-ups cheap). Images go as PNG data URLs of
/// what the model sees (`RemoteImageEncoder`); the API key only in the request header.
public final class RemoteBackend: InferenceBackend, @unchecked Sendable {
    public let endpoint: RemoteEndpoint
    /// The model name sent in requests (as `GET /models` lists it).
    public let model: String
    public let contextSize: Int?
    /// Side of the square picture sent for an image (the vision encoder's input size).
    public let imageSize: Int
    public let retry: RetryPolicy

    private let lock = NSLock()
    /// Data URLs by attachment key: a chat resends its images with every request.
    private var imageURLs: [String: String] = [:]
    private var lastContextUsed = 0

    /// MedGemma's and Gemma 3's vision input size.
    public static let defaultImageSize = 896

    public init(endpoint: RemoteEndpoint, model: String, contextSize: Int? = nil,
                imageSize: Int = RemoteBackend.defaultImageSize, retry: RetryPolicy = .standard) {
        self.endpoint = endpoint
        self.model = model
        self.contextSize = contextSize
        self.imageSize = imageSize
        self.retry = retry
    }

    /// A backend for `endpoint`; without a model name, the server's only model (a server
    /// with several asks the user to choose). Asks `GET /models` only when needed.
    public static func connect(_ endpoint: RemoteEndpoint, model: String?, imageSize: Int = defaultImageSize,
                               retry: RetryPolicy = .standard) throws(RemoteError) -> RemoteBackend {
        if let model { return RemoteBackend(endpoint: endpoint, model: model, imageSize: imageSize, retry: retry) }
        let models = try listModels(endpoint)
        guard let only = models.first else { throw .noModels(server: endpoint.description) }
        guard models.count == 1 else { throw .ambiguousModel(models.map(\.id)) }
        return RemoteBackend(endpoint: endpoint, model: only.id, contextSize: only.contextSize, imageSize: imageSize, retry: retry)
    }

    /// The server's `GET /models`.
    public static func listModels(_ endpoint: RemoteEndpoint) throws(RemoteError) -> [RemoteModel] {
        let (status, body) = try HTTPTransfer.fetch(endpoint.request(endpoint.modelsURL, method: "GET"), endpoint: endpoint)
        guard (200..<300).contains(status) else {
            let message = ServerErrorText.extract(body).map { endpoint.apiKey?.redacting($0) ?? $0 }
            throw .http(status: status, message: message, sentKey: endpoint.apiKey != nil)
        }
        return try RemoteModel.list(from: body)
    }

    /// "medgemma-27b-it · http://host:8000/v1" (a model named by a path shows its file name).
    public var displayName: String {
        let short = model.hasPrefix("/") ? (model as NSString).lastPathComponent : model
        return "\(short) · \(endpoint)"
    }

    /// The server decides; one without a vision part answers with its own error.
    public var acceptsImages: Bool { true }

    public func reply(to messages: [BackendMessage], settings: GenerationSettings,
                      onEvent: @escaping @Sendable (GenerationEvent) -> Void) -> GenerationHandle {
        let handle = GenerationHandle()
        var body = Data()
        var failure: RemoteError?
        do {
            let request = try ChatCompletionRequest(model: model, messages: messages, settings: settings) { image in
                try dataURL(for: image)
            }
            body = try request.json()
        } catch let error as RemoteError {
            failure = error
        } catch {
            failure = .imageEncoding("\(error)")
        }
        let reply = RemoteReply(endpoint: endpoint, body: body, retry: retry, contextSize: contextSize,
                                contextBaseline: lock.withLock { lastContextUsed }, handle: handle, onEvent: onEvent,
                                onUsage: { [weak self] used in self?.lock.withLock { self?.lastContextUsed = used } })
        if let failure { reply.fail(failure) } else { reply.begin() }
        return handle
    }

    private func dataURL(for image: ImageAttachment) throws(RemoteError) -> String {
        if let known = lock.withLock({ imageURLs[image.key] }) { return known }
        let url = try RemoteImageEncoder.dataURL(of: image.picture, size: imageSize)
        lock.withLock { imageURLs[image.key] = url }
        return url
    }
}
