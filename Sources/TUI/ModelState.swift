import Workstation

/// The model the workstation talks to: the chat's backend and the report's, what the
/// report's stamp says about the files, and a replacement being loaded (`:model FILE`).
/// Kept together because switching models replaces the backends at once.
struct ModelState {
    var backend: InferenceBackend
    /// The backend reports are drafted on: a sibling conversation of the chat's for the
    /// in-process engine, so the two do not evict each other's cache.
    private(set) var reportBackend: InferenceBackend
    /// Makes a backend for another model file (`:model FILE`); nil when switching is not offered.
    let loadBackend: (@Sendable (String) throws -> InferenceBackend)?
    /// The model files and their hashes, for the report's stamp (a server's model name
    /// once the chat moved to one).
    var provenance: ReportProvenance
    /// The configured server a heavy question may go to instead; nil when none is.
    let remote: RemoteBackendOffer?
    /// The models on this machine for the `:model` picker (read when it opens); nil when
    /// switching is not offered.
    let modelChoices: (@Sendable () -> [ModelChoice])?
    /// Downloads a known model by its short name, reporting to the job; returns its file.
    let pullModel: (@Sendable (String, ModelPullJob) throws -> String)?
    /// A download from the picker, running in the background.
    var pulling: ModelPullJob?
    /// A question to send once the backend being loaded is adopted (a series question
    /// the user sent to the remote backend).
    var pendingQuestion: (text: String, images: [ImageAttachment])?
    /// A model being loaded in the background; the loop adopts it when it is ready.
    var loading: ModelLoad?
    /// Whether background image encoding is held back for the user's work.
    var backgroundPaused = false
    /// Reads an adapter file, checks it against the in-process model and applies it beside
    /// the adapters already on (`:lora FILE SCALE`); nil when adapters are not offered.
    let applyAdapter: (@Sendable (String, Float, LocalEngineBackend) throws -> Void)?
    /// An adapter being read and applied in the background (its file name and the result).
    var adapterJob: AdapterJob?

    init(backend: InferenceBackend, loadBackend: (@Sendable (String) throws -> InferenceBackend)?,
         modelFiles: (model: String?, mmproj: String?), remote: RemoteBackendOffer? = nil,
         modelChoices: (@Sendable () -> [ModelChoice])? = nil, pullModel: (@Sendable (String, ModelPullJob) throws -> String)? = nil,
         applyAdapter: (@Sendable (String, Float, LocalEngineBackend) throws -> Void)? = nil) {
        self.backend = backend
        self.applyAdapter = applyAdapter
        self.loadBackend = loadBackend
        self.remote = remote
        self.modelChoices = modelChoices
        self.pullModel = pullModel
        reportBackend = Self.reportBackend(for: backend)
        provenance = ReportProvenance(model: modelFiles.model, mmproj: modelFiles.mmproj, servedModel: backend.displayName)
    }

    /// The in-process backend's image encoder, when the model has its vision part loaded.
    var imageEncoder: VisionEmbeddingProvider? {
        (backend as? LocalEngineBackend)?.images as? VisionEmbeddingProvider
    }

    /// Moves the chat and the report to a newly loaded model, and report stamps with them:
    /// an in-process model loaded from `path` is stamped with that file and the mmproj its
    /// encoder read; a server with its model's name (its files are not ours to hash).
    mutating func adopt(_ newBackend: InferenceBackend, loadedFrom path: String?) {
        backend = newBackend
        reportBackend = Self.reportBackend(for: newBackend)
        if let local = newBackend as? LocalEngineBackend, let path {
            let mmproj = (local.images as? VisionEmbeddingProvider)?.pipeline.encoder.file.path
            provenance = ReportProvenance(model: path, mmproj: mmproj, servedModel: newBackend.displayName)
        } else {
            provenance = ReportProvenance(model: nil, mmproj: nil, servedModel: newBackend.displayName)
        }
    }

    private static func reportBackend(for backend: InferenceBackend) -> InferenceBackend {
        (backend as? LocalEngineBackend)?.sibling() ?? backend
    }
}
