import MedImaging

/// One image of the study as the report's stamp records it: which file (by content hash),
/// how the picture was made from it, whether the model saw it, and for DICOM the
/// identifiers that tie the report to the exact study, series and instance in a PACS.
public struct StampedImage: Codable, Sendable, Equatable {
    /// Path relative to the study folder, as the case names it.
    public var file: String
    /// Hex sha256 of the file's bytes.
    public var sha256: String
    /// How the picture the model received was made ("window 400/40 (case preset); resized
    /// to 896×896 …"), or why the image was not sent.
    public var preparation: String
    /// False when the model saw only the case text (no vision part loaded).
    public var sentToModel: Bool
    public var studyInstanceUID: String?
    public var seriesInstanceUID: String?
    public var sopInstanceUID: String?

    public init(file: String, sha256: String, preparation: String, sentToModel: Bool,
                studyInstanceUID: String? = nil, seriesInstanceUID: String? = nil, sopInstanceUID: String? = nil) {
        self.file = file
        self.sha256 = sha256
        self.preparation = preparation
        self.sentToModel = sentToModel
        self.studyInstanceUID = studyInstanceUID
        self.seriesInstanceUID = seriesInstanceUID
        self.sopInstanceUID = sopInstanceUID
    }

    /// The UIDs come from the decoded image's metadata (nil for PNG and JPEG).
    public init(file: String, sha256: String, preparation: String, sentToModel: Bool, metadata: ImageMetadata?) {
        self.init(file: file, sha256: sha256, preparation: preparation, sentToModel: sentToModel,
                  studyInstanceUID: metadata?.studyInstanceUID, seriesInstanceUID: metadata?.seriesInstanceUID,
                  sopInstanceUID: metadata?.sopInstanceUID)
    }
}
