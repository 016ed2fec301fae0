extension DICOMSliceHeader {
    /// Reads the header of the file at `path`: nil when it is not a DICOM file or holds no
    /// image (a DICOMDIR, a structured report); an error naming the file when it is DICOM
    /// but cannot be read. Only the first `FileBytes.headerPrefix` bytes are read
    /// unless the header runs past them (or the data set is deflated).
    public static func read(path: String, maxBytes: Int = DICOMDecoder.defaultByteLimit) throws(DICOMError) -> DICOMSliceHeader? {
        switch try scan(path: path, maxBytes: maxBytes) {
        case .header(let header): return header
        case .notDICOM: return nil
        case .notAFile(let failure): throw .unreadable(source: path, reason: failure.reason(limit: maxBytes))
        }
    }

    /// What a folder scan finds at one entry: a slice's header, a file that is no DICOM
    /// image, or something that is no file at all (a subfolder, a FIFO), which a folder
    /// passes over rather than counting as an unreadable slice.
    enum ScanResult {
        case header(DICOMSliceHeader)
        case notDICOM
        case notAFile(FileBytes.Failure)
    }

    /// `read`, telling "not a file" apart by its kind (`FileBytes.Failure`).
    static func scan(path: String, maxBytes: Int) throws(DICOMError) -> ScanResult {
        let prefix: [UInt8], size: Int
        switch FileBytes.read(path: path, upTo: FileBytes.headerPrefix, limit: maxBytes) {
        case .success(let read): (prefix, size) = read
        case .failure(.tooLarge(let size)):
            throw .tooLarge(source: path, detail: "the file is \(size) bytes, over the limit of \(maxBytes) bytes")
        case .failure(let failure) where failure == .directory || failure == .notRegular:
            return .notAFile(failure)
        case .failure(let failure): throw .unreadable(source: path, reason: failure.reason(limit: maxBytes))
        }
        guard MedicalImage.sniff(prefix) == .dicom else { return .notDICOM }
        let inflatedLimit = DICOMDecoder.inflatedByteLimit(maxPixels: DICOMDecoder.defaultPixelLimit)
        let file: DICOMFile
        do throws(DICOMError) {
            file = try DICOMFile(bytes: prefix, source: path, maxInflatedBytes: inflatedLimit, headerOnly: true)
        } catch {
            guard case .truncated = error, size > prefix.count else { throw error }
            switch FileBytes.read(path: path, upTo: size, limit: maxBytes) {
            case .success(let read):
                file = try DICOMFile(bytes: read.bytes, source: path, maxInflatedBytes: inflatedLimit, headerOnly: true)
            case .failure(let failure): throw .unreadable(source: path, reason: failure.reason(limit: maxBytes))
            }
        }
        return try DICOMSliceHeader(dataSet: file.dataSet, path: path, explicitVR: file.transferSyntax.isExplicitVR).map(ScanResult.header) ?? .notDICOM
    }

    /// nil when the data set has no image (no Rows, Columns or Pixel Data).
    init?(dataSet: DICOMDataSet, path: String, explicitVR: Bool) throws(DICOMError) {
        guard let rows = dataSet.unsigned(.rows), let columns = dataSet.unsigned(.columns),
              dataSet.contains(.pixelData) else { return nil }
        guard rows > 0, columns > 0 else { throw .corrupt(source: path, detail: "image size \(columns)×\(rows) has no pixels") }
        var frames = 1
        if dataSet.contains(.numberOfFrames) {
            guard let value = dataSet.numbers(.numberOfFrames).first ?? nil, value >= 1, value <= Double(Int32.max),
                  value == value.rounded() else {
                throw .corrupt(source: path, detail: "Number of Frames (0028,0008) is not a positive integer")
            }
            frames = Int(value)
        }
        guard let bitsAllocated = dataSet.unsigned(.bitsAllocated) else {
            throw .corrupt(source: path, detail: "no Bits Allocated (0028,0100)")
        }
        func integer(_ tag: DICOMTag) -> Int? {
            guard let value = dataSet.numbers(tag).first ?? nil, abs(value) < 1e12 else { return nil }
            return Int(value.rounded())
        }
        var rescale = RescaleTransform(type: dataSet.string(.rescaleType))
        if let slope = dataSet.numbers(.rescaleSlope).first ?? nil { rescale.slope = slope }
        if let intercept = dataSet.numbers(.rescaleIntercept).first ?? nil { rescale.intercept = intercept }
        let function = VOIFunction(rawValue: dataSet.string(.voiLUTFunction) ?? "LINEAR") ?? .linear
        let enhanced = frames > 1 ? try EnhancedFrameGeometry(dataSet: dataSet, source: path, explicitVR: explicitVR, frames: frames) : nil
        let orientation = dataSet.finiteNumbers(.imageOrientationPatient, count: 6) ?? enhanced?.orientation

        self.path = path
        self.rows = rows
        self.columns = columns
        self.frames = frames
        self.samplesPerPixel = dataSet.unsigned(.samplesPerPixel) ?? 1
        self.bitsAllocated = bitsAllocated
        self.bitsStored = dataSet.unsigned(.bitsStored) ?? bitsAllocated
        self.isSigned = dataSet.unsigned(.pixelRepresentation) == 1
        self.photometric = dataSet.string(.photometricInterpretation) ?? "MONOCHROME2"
        self.modality = dataSet.string(.modality)
        self.seriesInstanceUID = dataSet.string(.seriesInstanceUID)
        self.seriesDescription = dataSet.string(.seriesDescription)
        self.seriesNumber = integer(.seriesNumber)
        self.instanceNumber = integer(.instanceNumber)
        self.position = dataSet.finiteNumbers(.imagePositionPatient, count: 3)
        self.framePositions = enhanced?.positions
        self.orientation = orientation.flatMap { SliceOrientation.normal(of: $0) == nil ? nil : $0 }
        self.pixelSpacing = dataSet.finiteNumbers(.pixelSpacing, count: 2) ?? enhanced?.pixelSpacing
        self.sliceThickness = (dataSet.numbers(.sliceThickness).first ?? nil) ?? enhanced?.sliceThickness
        self.spacingBetweenSlices = (dataSet.numbers(.spacingBetweenSlices).first ?? nil) ?? enhanced?.spacingBetweenSlices
        self.windows = DICOMDecoder.windows(of: dataSet, function: function)
        self.rescale = rescale
    }
}
