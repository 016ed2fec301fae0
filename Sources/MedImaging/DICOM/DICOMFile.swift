/// The structure of a DICOM Part 10 file: preamble, "DICM", file meta information
/// (group 0002, always explicit VR little endian), then the data set in the transfer
/// syntax the meta information names.
struct DICOMFile: Sendable {
    let transferSyntaxUID: String
    let transferSyntax: DICOMTransferSyntax
    /// The data set; its bytes are the file's, or the inflated ones for the deflated syntax.
    let dataSet: DICOMDataSet

    /// Offset of the "DICM" marker.
    static let markerOffset = 128

    /// `maxInflatedBytes` caps a deflated data set once expanded (see `DICOMInflater`).
    /// `headerOnly` stops at the pixel data element (see `DICOMDataSetParser.stopsAtPixelData`),
    /// so `bytes` may be just the start of the file.
    init(bytes: [UInt8], source: String, maxInflatedBytes: Int, headerOnly: Bool = false) throws(DICOMError) {
        guard !bytes.isEmpty else { throw .empty(source: source) }
        let marker: [UInt8] = Array("DICM".utf8)
        if bytes.count < Self.markerOffset + 4 {
            // A short file is only "truncated" if what it has could be the start of a DICOM file.
            let preambleOnly = bytes.count <= Self.markerOffset
            let markerPrefix = !preambleOnly && Array(bytes[Self.markerOffset...]) == Array(marker.prefix(bytes.count - Self.markerOffset))
            if preambleOnly || markerPrefix {
                throw .truncated(source: source, detail: "the file is \(bytes.count) bytes, shorter than the 132-byte preamble and marker")
            }
            throw .notDICOM(source: source)
        }
        guard Array(bytes[Self.markerOffset ..< Self.markerOffset + 4]) == marker else { throw .notDICOM(source: source) }

        let parser = DICOMDataSetParser(bytes: bytes, source: source)
        let meta = try parser.parseGroup(0x0002, from: Self.markerOffset + 4, to: bytes.count)
        let metaSet = DICOMDataSet(bytes: bytes, elements: meta.elements)
        guard let uid = metaSet.string(.transferSyntaxUID) else {
            if meta.end >= bytes.count {
                throw .truncated(source: source, detail: "the file ends inside the file meta information")
            }
            throw .corrupt(source: source, detail: "the file meta information has no transfer syntax UID (0002,0010)")
        }
        transferSyntaxUID = uid
        let syntax = try DICOMTransferSyntax.resolve(uid: uid, source: source)
        transferSyntax = syntax
        switch syntax {
        case .implicitLittleEndian, .explicitLittleEndian, .encapsulated:
            let dataSetParser = DICOMDataSetParser(bytes: bytes, source: source, encapsulated: syntax.codec != nil,
                                                   stopsAtPixelData: headerOnly)
            let elements = try dataSetParser.parse(from: meta.end, to: bytes.count, explicitVR: syntax.isExplicitVR)
            dataSet = DICOMDataSet(bytes: bytes, elements: elements)
        case .deflatedExplicitLittleEndian:
            let inflated: [UInt8]
            do throws(DICOMInflater.Failure) {
                inflated = try DICOMInflater.inflate(bytes, from: meta.end, limit: maxInflatedBytes)
            } catch {
                switch error {
                case .truncated:
                    throw .truncated(source: source, detail: "the deflated data set ends early")
                case .tooLarge:
                    throw .tooLarge(source: source, detail: "the deflated data set expands past \(maxInflatedBytes) bytes")
                case .corrupt(let detail):
                    throw .corrupt(source: source, detail: "deflated data set: \(detail)")
                }
            }
            let inflatedParser = DICOMDataSetParser(bytes: inflated, source: source, stopsAtPixelData: headerOnly)
            dataSet = DICOMDataSet(bytes: inflated, elements: try inflatedParser.parse(from: 0, to: inflated.count, explicitVR: true))
        }
    }
}
