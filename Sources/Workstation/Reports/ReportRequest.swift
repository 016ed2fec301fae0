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
        precondition(images.isEmpty || images.count == imageNumbers.count, "one picture per image number, or none")
        self.init(caseFile: caseFile, imageNumbers: imageNumbers,
                  pictures: images.isEmpty ? [] : images.map { [$0] }, seriesSizes: [:], sampling: sampling)
    }

    /// A report whose case images may be series: `pictures[k]` are the pictures of image
    /// `imageNumbers[k]` — one for an image file, the chosen slices (already labelled
    /// "Slice i/n (z = … mm):", `SeriesQuestion`) for a folder entry, whose slice count is
    /// `seriesSizes[number]`. With more than one picture in all, each is introduced by
    /// its image's label ("Image 2 (ct):"), a slice's label following it.
    public init(caseFile: CaseFile, imageNumbers: [Int], pictures: [[ImageAttachment]], seriesSizes: [Int: Int],
                sampling: GenerationSettings) {
        precondition(!imageNumbers.isEmpty && (pictures.isEmpty || pictures.count == imageNumbers.count),
                     "pictures for each image number, or none")
        var settings = sampling
        settings.system = ReportPrompt.system(for: caseFile)
        self.settings = settings
        self.imageNumbers = imageNumbers
        let shown = Dictionary(uniqueKeysWithValues: zip(imageNumbers, pictures).compactMap { number, group in
            seriesSizes[number].map { (number, (shown: group.count, total: $0)) }
        })
        userPrompt = ReportPrompt.user(for: caseFile, imageNumbers: imageNumbers, imageAttached: !pictures.isEmpty, slices: shown)
        let all = pictures.joined().count
        images = zip(imageNumbers, pictures).flatMap { number, group in
            group.map { picture in
                guard all > 1 else { return picture }
                let image = ReportPrompt.label(for: caseFile, imageNumber: number)
                // One series alone: its slice labels already say which picture is which.
                if imageNumbers.count == 1, let slice = picture.label { return picture.labelled(slice) }
                return picture.labelled(picture.label.map { image + " " + $0 } ?? image)
            }
        }
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
