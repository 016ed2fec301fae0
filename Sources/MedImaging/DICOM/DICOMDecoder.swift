/// Reads DICOM Part 10 files into a `MedicalImage`.
///
/// Supported: Implicit and Explicit VR Little Endian, Deflated Explicit VR Little Endian (zlib),
/// and the encapsulated syntaxes whose `DICOMFrameCodec` has a decoder (RLE Lossless, JPEG
/// Baseline and Extended, JPEG Lossless, JPEG-LS, JPEG 2000); MONOCHROME1, MONOCHROME2 and RGB (planar configuration 0 or 1; YBR_FULL and
/// YBR_FULL_422 decoded to RGB, from JPEG or, 8-bit, native and RLE); 8 or 16 bits allocated with any bits stored; signed
/// pixels; rescale; windows; multi-frame. Other transfer syntaxes, colour models and bit
/// depths are refused with an error naming what is missing.
public enum DICOMDecoder {
    /// Default ceiling on rows × columns × frames (100 million, as for PNG).
    public static let defaultPixelLimit = 100_000_000
    /// Default ceiling on the file size (2 GiB): the file is read into memory once.
    public static let defaultByteLimit = 1 << 31

    /// Decodes the DICOM file at `path`.
    public static func decode(path: String, maxPixels: Int = defaultPixelLimit,
                              maxBytes: Int = defaultByteLimit) throws(DICOMError) -> MedicalImage {
        switch FileBytes.read(path: path, limit: maxBytes) {
        case .success(let bytes):
            return try decode(bytes: bytes, source: path, maxPixels: maxPixels)
        case .failure(.tooLarge(let size)):
            throw .tooLarge(source: path, detail: "the file is \(size) bytes, over the limit of \(maxBytes) bytes")
        case .failure(let failure):
            throw .unreadable(source: path, reason: failure.reason(limit: maxBytes))
        }
    }

    /// Decodes DICOM bytes held in memory; `source` names them in error messages.
    public static func decode(bytes: [UInt8], source: String = "<memory>",
                              maxPixels: Int = defaultPixelLimit) throws(DICOMError) -> MedicalImage {
        let file = try DICOMFile(bytes: bytes, source: source, maxInflatedBytes: inflatedByteLimit(maxPixels: maxPixels))
        let dataSet = file.dataSet
        let codec = file.transferSyntax.codec
        let module = try DICOMPixelModule(dataSet: dataSet, source: source, maxPixels: maxPixels, codec: codec)
        let pixels: PixelSamples
        if let codec {
            pixels = try DICOMCompressedPixelDecoder.decode(dataSet: dataSet, module: module, codec: codec, source: source)
        } else {
            pixels = DICOMPixelDecoder.decode(bytes: dataSet.bytes, module: module)
        }
        let metadata = try metadata(of: dataSet, module: module, transferSyntaxUID: file.transferSyntaxUID, source: source)
        let identifiers = ProtectedIdentifiers(patientName: dataSet.string(.patientName), patientID: dataSet.string(.patientID))
        return MedicalImage(width: module.columns, height: module.rows, frameCount: module.frames,
                            channels: module.photometric == .rgb ? .rgb : .gray, pixels: pixels,
                            metadata: metadata, identifiers: identifiers)
    }

    /// The most a deflated data set may expand to: the largest pixel data the pixel limit
    /// allows (RGB, 16-bit) plus 64 MiB for the other attributes.
    static func inflatedByteLimit(maxPixels: Int) -> Int {
        let (pixelBytes, overflow) = max(maxPixels, 0).multipliedReportingOverflow(by: 6)
        let (limit, overflow2) = pixelBytes.addingReportingOverflow(64 << 20)
        return overflow || overflow2 ? Int.max : limit
    }

    static func metadata(of dataSet: DICOMDataSet, module: DICOMPixelModule, transferSyntaxUID: String,
                         source: String) throws(DICOMError) -> ImageMetadata {
        var rescale = RescaleTransform(type: dataSet.string(.rescaleType))
        if dataSet.contains(.rescaleSlope) || dataSet.contains(.rescaleIntercept) {
            let slope = dataSet.numbers(.rescaleSlope).first ?? 1
            let intercept = dataSet.numbers(.rescaleIntercept).first ?? 0
            guard let slope, let intercept else {
                throw .corrupt(source: source, detail: "Rescale Slope or Intercept (0028,1053/1052) is not a number")
            }
            rescale.slope = slope
            rescale.intercept = intercept
        }
        let functionText = dataSet.string(.voiLUTFunction) ?? "LINEAR"
        let function = VOIFunction(rawValue: functionText) ?? .linear
        return ImageMetadata(
            format: .dicom, bitsStored: module.bitsStored, isSigned: module.isSigned, photometric: module.photometric,
            rescale: rescale, windows: windows(of: dataSet, function: function), voiFunction: function,
            modality: dataSet.string(.modality), bodyPart: dataSet.string(.bodyPartExamined),
            studyDate: dataSet.string(.studyDate), studyDescription: dataSet.string(.studyDescription),
            seriesDescription: dataSet.string(.seriesDescription),
            studyInstanceUID: dataSet.string(.studyInstanceUID), seriesInstanceUID: dataSet.string(.seriesInstanceUID),
            sopInstanceUID: dataSet.string(.sopInstanceUID), transferSyntaxUID: transferSyntaxUID)
    }

    /// Window Center/Width pairs in file order. Pairs that do not parse, or whose width the
    /// function cannot use (LINEAR needs ≥ 1, the others > 0), are dropped: they are presets,
    /// and a bad one should not make the image unreadable.
    static func windows(of dataSet: DICOMDataSet, function: VOIFunction) -> [VOIWindow] {
        let centers = dataSet.numbers(.windowCenter), widths = dataSet.numbers(.windowWidth)
        let explanations = dataSet.strings(.windowExplanation)
        return (0 ..< min(centers.count, widths.count)).compactMap { index in
            guard let center = centers[index], let width = widths[index],
                  function == .linear ? width >= 1 : width > 0 else { return nil }
            let explanation = index < explanations.count && !explanations[index].isEmpty ? explanations[index] : nil
            return VOIWindow(center: center, width: width, explanation: explanation)
        }
    }
}
