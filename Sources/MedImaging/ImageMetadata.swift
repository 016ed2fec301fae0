/// What is known about an image besides its pixels: how to interpret the stored values
/// and the descriptive tags a case pane shows.
///
/// Holds no patient identifiers (those live in `ProtectedIdentifiers`), so the whole
/// value is safe to show, log or pass to the model.
public struct ImageMetadata: Sendable, Equatable {
    public var format: ImageFormat
    /// Significant bits per stored sample (8 for PNG/JPEG 8-bit; 12 for many CT/MR).
    public var bitsStored: Int
    /// Whether stored values are two's-complement signed (DICOM Pixel Representation 1).
    public var isSigned: Bool
    public var photometric: Photometric
    /// Modality LUT (identity for PNG/JPEG).
    public var rescale: RescaleTransform
    /// Windows from the file, first = default; empty when the file has none.
    public var windows: [VOIWindow]
    public var voiFunction: VOIFunction

    // Case-pane tags (DICOM only; nil for PNG/JPEG or when absent).
    public var modality: String?
    public var bodyPart: String?
    /// Study Date as stored (DICOM DA, "YYYYMMDD").
    public var studyDate: String?
    public var studyDescription: String?
    public var seriesDescription: String?
    public var studyInstanceUID: String?
    public var seriesInstanceUID: String?
    public var sopInstanceUID: String?
    public var transferSyntaxUID: String?

    public init(format: ImageFormat, bitsStored: Int, isSigned: Bool = false, photometric: Photometric,
                rescale: RescaleTransform = .identity, windows: [VOIWindow] = [], voiFunction: VOIFunction = .linear,
                modality: String? = nil, bodyPart: String? = nil, studyDate: String? = nil,
                studyDescription: String? = nil, seriesDescription: String? = nil,
                studyInstanceUID: String? = nil, seriesInstanceUID: String? = nil,
                sopInstanceUID: String? = nil, transferSyntaxUID: String? = nil) {
        self.format = format
        self.bitsStored = bitsStored
        self.isSigned = isSigned
        self.photometric = photometric
        self.rescale = rescale
        self.windows = windows
        self.voiFunction = voiFunction
        self.modality = modality
        self.bodyPart = bodyPart
        self.studyDate = studyDate
        self.studyDescription = studyDescription
        self.seriesDescription = seriesDescription
        self.studyInstanceUID = studyInstanceUID
        self.seriesInstanceUID = seriesInstanceUID
        self.sopInstanceUID = sopInstanceUID
        self.transferSyntaxUID = transferSyntaxUID
    }
}

extension ImageMetadata {
    /// The DICOM transfer syntax's name ("Explicit VR Little Endian"), nil for PNG/JPEG.
    public var transferSyntaxName: String? { transferSyntaxUID.map(DICOMTransferSyntax.name(of:)) }
}
