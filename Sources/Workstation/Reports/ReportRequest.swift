/// One request for a draft report: the settings (with the case as system instruction),
/// the user prompt, and the image attached to it.
///
/// The TUI and `medgemma report` both send it through a `ChatSession` on the current
/// `InferenceBackend` (so the remote backend works too): the reply streaming into the
/// session's last entry is the draft.
public struct ReportRequest: Sendable {
    public let settings: GenerationSettings
    public let userPrompt: String
    public let images: [ImageAttachment]
    /// The case image the report is about, 1-based (the first of `imageNumbers`).
    public var imageNumber: Int { imageNumbers[0] }
    /// The case images the report is about, 1-based, in the order they are attached.
    public let imageNumbers: [Int]

    /// - Parameters:
    ///   - sampling: the session's sampling and length; its system instruction is replaced
    ///     by the case context.
    ///   - image: the picture of case image `imageNumber`, or nil to write from the text only.
    public init(caseFile: CaseFile, imageNumber: Int, image: ImageAttachment?, sampling: GenerationSettings) {
        self.init(caseFile: caseFile, imageNumbers: [imageNumber], images: image.map { [$0] } ?? [], sampling: sampling)
    }

    /// A report about several case images (`imageNumbers`, at least one): `images` are
    /// their pictures in the same order (or none, to write from the text only); with more
    /// than one, each carries its "Image N (file):" label (`ReportPrompt.label`).
    public init(caseFile: CaseFile, imageNumbers: [Int], images: [ImageAttachment], sampling: GenerationSettings) {
        precondition(!imageNumbers.isEmpty && (images.isEmpty || images.count == imageNumbers.count),
                     "one picture per image number, or none")
        var settings = sampling
        settings.system = ReportPrompt.system(for: caseFile)
        self.settings = settings
        self.imageNumbers = imageNumbers
        userPrompt = ReportPrompt.user(for: caseFile, imageNumbers: imageNumbers, imageAttached: !images.isEmpty)
        self.images = images.count > 1
            ? zip(imageNumbers, images).map { $1.labelled(ReportPrompt.label(for: caseFile, imageNumber: $0)) }
            : images
    }

    /// Starts the report as a new conversation on `session` (its transcript is cleared;
    /// use a session of its own so the chat is not lost). The draft is then the text of
    /// the session's last `.model` entry (`draftText(in:)`).
    public func start(on session: ChatSession) throws(ChatSession.SessionError) {
        try session.clear()
        session.settings = settings
        try session.send(userPrompt, images: images)
    }

    /// The draft so far: the text of the last model entry, nil before the first token.
    public static func draftText(in snapshot: ChatSession.Snapshot) -> String? {
        snapshot.entries.last { $0.role == .model }?.text
    }
}
