/// A DICOM attribute tag (group, element), and the handful of tags this reader uses.
struct DICOMTag: Hashable, Sendable, CustomStringConvertible {
    let group: UInt16
    let element: UInt16

    init(_ group: UInt16, _ element: UInt16) {
        self.group = group
        self.element = element
    }

    /// "(0028,0010)", the way the standard writes tags.
    var description: String { "(\(Self.hex(group)),\(Self.hex(element)))" }

    private static func hex(_ value: UInt16) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    // File meta information (group 0002).
    static let transferSyntaxUID = DICOMTag(0x0002, 0x0010)

    // Item and delimiters: only valid inside sequences (and undefined-length values).
    static let item = DICOMTag(0xFFFE, 0xE000)
    static let itemDelimitation = DICOMTag(0xFFFE, 0xE00D)
    static let sequenceDelimitation = DICOMTag(0xFFFE, 0xE0DD)

    // Case-pane tags.
    static let specificCharacterSet = DICOMTag(0x0008, 0x0005)
    static let studyDate = DICOMTag(0x0008, 0x0020)
    static let sopInstanceUID = DICOMTag(0x0008, 0x0018)
    static let modality = DICOMTag(0x0008, 0x0060)
    static let studyDescription = DICOMTag(0x0008, 0x1030)
    static let seriesDescription = DICOMTag(0x0008, 0x103E)
    static let patientName = DICOMTag(0x0010, 0x0010)
    static let patientID = DICOMTag(0x0010, 0x0020)
    static let bodyPartExamined = DICOMTag(0x0018, 0x0015)
    static let studyInstanceUID = DICOMTag(0x0020, 0x000D)
    static let seriesInstanceUID = DICOMTag(0x0020, 0x000E)

    // Series and volumes: how slices are grouped and ordered, and their spacing.
    static let sliceThickness = DICOMTag(0x0018, 0x0050)
    static let spacingBetweenSlices = DICOMTag(0x0018, 0x0088)
    static let seriesNumber = DICOMTag(0x0020, 0x0011)
    static let instanceNumber = DICOMTag(0x0020, 0x0013)
    static let imagePositionPatient = DICOMTag(0x0020, 0x0032)
    static let imageOrientationPatient = DICOMTag(0x0020, 0x0037)
    static let pixelSpacing = DICOMTag(0x0028, 0x0030)
    // Enhanced multi-frame functional groups (PS3.3 C.7.6.16): per-frame positions.
    static let sharedFunctionalGroups = DICOMTag(0x5200, 0x9229)
    static let perFrameFunctionalGroups = DICOMTag(0x5200, 0x9230)
    static let planePositionSequence = DICOMTag(0x0020, 0x9113)
    static let planeOrientationSequence = DICOMTag(0x0020, 0x9116)
    static let pixelMeasuresSequence = DICOMTag(0x0028, 0x9110)

    // Image pixel module and the grayscale pipeline.
    static let samplesPerPixel = DICOMTag(0x0028, 0x0002)
    static let photometricInterpretation = DICOMTag(0x0028, 0x0004)
    static let planarConfiguration = DICOMTag(0x0028, 0x0006)
    static let numberOfFrames = DICOMTag(0x0028, 0x0008)
    static let rows = DICOMTag(0x0028, 0x0010)
    static let columns = DICOMTag(0x0028, 0x0011)
    static let bitsAllocated = DICOMTag(0x0028, 0x0100)
    static let bitsStored = DICOMTag(0x0028, 0x0101)
    static let highBit = DICOMTag(0x0028, 0x0102)
    static let pixelRepresentation = DICOMTag(0x0028, 0x0103)
    static let windowCenter = DICOMTag(0x0028, 0x1050)
    static let windowWidth = DICOMTag(0x0028, 0x1051)
    static let rescaleIntercept = DICOMTag(0x0028, 0x1052)
    static let rescaleSlope = DICOMTag(0x0028, 0x1053)
    static let rescaleType = DICOMTag(0x0028, 0x1054)
    static let windowExplanation = DICOMTag(0x0028, 0x1055)
    static let voiLUTFunction = DICOMTag(0x0028, 0x1056)
    static let extendedOffsetTable = DICOMTag(0x7FE0, 0x0001)
    static let extendedOffsetTableLengths = DICOMTag(0x7FE0, 0x0002)
    static let pixelData = DICOMTag(0x7FE0, 0x0010)
}
