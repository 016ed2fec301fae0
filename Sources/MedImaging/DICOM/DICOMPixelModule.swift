/// The Image Pixel module attributes, read and checked before any pixel memory exists.
///
/// Every size is validated here — against the pixel limit and against the bytes the
/// pixel data element really holds — so the decoder that follows allocates at most
/// what the file already contains.
struct DICOMPixelModule: Sendable {
    let rows: Int
    let columns: Int
    let frames: Int
    let samplesPerPixel: Int
    let photometric: Photometric
    /// 0: RGBRGB…; 1: RRR…GGG…BBB… per frame (only meaningful for RGB).
    let planarConfiguration: Int
    let bitsAllocated: Int
    let bitsStored: Int
    let isSigned: Bool
    /// Where the pixel data value starts in the file bytes.
    let pixelDataOffset: Int
    /// The pixel data element (for encapsulated data, its items).
    let pixelData: DICOMElement
    /// Photometric Interpretation as the file writes it: "YBR_FULL_422" where a codec
    /// turns it into RGB (`photometric` is then `.rgb`).
    let storedPhotometric: String

    /// What each frame of encapsulated pixel data must decode to.
    var frameGeometry: DICOMFrameGeometry {
        DICOMFrameGeometry(rows: rows, columns: columns, samplesPerPixel: samplesPerPixel, bitsAllocated: bitsAllocated,
                           bitsStored: bitsStored, isSigned: isSigned, photometricInterpretation: storedPhotometric)
    }

    /// Bytes one frame takes in the file.
    var frameBytes: Int { rows * columns * samplesPerPixel * (bitsAllocated / 8) }

    /// Native and RLE photometric interpretations that pydicom's `pixel_array` turns into RGB,
    /// and so do we (`NativeYBR`); 8-bit only, as `YBRFullToRGB`.
    static let nativeYBR: Set<String> = ["YBR_FULL", "YBR_FULL_422"]

    /// `codec` is the encapsulated syntax's codec, nil for native pixel data.
    init(dataSet: DICOMDataSet, source: String, maxPixels: Int, codec: DICOMFrameCodec? = nil) throws(DICOMError) {
        guard let rows = dataSet.unsigned(.rows), let columns = dataSet.unsigned(.columns) else {
            throw .corrupt(source: source, detail: "no Rows (0028,0010) or Columns (0028,0011): not an image")
        }
        guard rows > 0, columns > 0 else {
            throw .corrupt(source: source, detail: "image size \(columns)×\(rows) has no pixels")
        }
        let frames: Int
        if dataSet.contains(.numberOfFrames) {
            guard let value = dataSet.numbers(.numberOfFrames).first ?? nil, value >= 1, value <= Double(Int32.max),
                  value == value.rounded() else {
                throw .corrupt(source: source, detail: "Number of Frames (0028,0008) is not a positive integer")
            }
            frames = Int(value)
        } else {
            frames = 1
        }
        // Checked before anything else about the pixels: a hostile header stops here.
        let (framePixels, overflow1) = rows.multipliedReportingOverflow(by: columns)
        let (totalPixels, overflow2) = framePixels.multipliedReportingOverflow(by: frames)
        guard !overflow1, !overflow2, totalPixels <= maxPixels else {
            throw .tooLarge(source: source, detail: "\(columns)×\(rows) pixels × \(frames) frame(s) exceeds the limit of \(maxPixels) pixels")
        }

        let samples = dataSet.unsigned(.samplesPerPixel) ?? 1
        let photometricText = dataSet.string(.photometricInterpretation) ?? (samples == 3 ? "RGB" : "MONOCHROME2")
        let toRGB = codec.map { $0.decodesToRGB.contains(photometricText) } ?? Self.nativeYBR.contains(photometricText)
        let decodedPhotometric = toRGB ? Photometric.rgb.rawValue : photometricText
        guard let photometric = Photometric(rawValue: decodedPhotometric) else {
            throw .unsupported(source: source, feature: "photometric interpretation \(photometricText)")
        }
        guard samples == (photometric == .rgb ? 3 : 1) else {
            throw .corrupt(source: source, detail: "\(samples) samples per pixel do not fit \(photometricText)")
        }
        guard let bitsAllocated = dataSet.unsigned(.bitsAllocated) else {
            throw .corrupt(source: source, detail: "no Bits Allocated (0028,0100)")
        }
        guard bitsAllocated == 8 || bitsAllocated == 16 else {
            throw .unsupported(source: source, feature: "\(bitsAllocated) bits allocated (only 8 and 16)")
        }
        let bitsStored = dataSet.unsigned(.bitsStored) ?? bitsAllocated
        guard bitsStored >= 1, bitsStored <= bitsAllocated else {
            throw .corrupt(source: source, detail: "\(bitsStored) bits stored in \(bitsAllocated) bits allocated")
        }
        if codec == nil || codec == .rle, toRGB {
            guard bitsAllocated == 8 else {
                throw .unsupported(source: source, feature: "\(photometricText) with \(bitsAllocated) bits allocated (only 8)")
            }
            guard photometricText != "YBR_FULL_422" || columns % 2 == 0 else {
                throw .unsupported(source: source, feature: "YBR_FULL_422 with an odd number of columns (\(columns))")
            }
        }
        let representation = dataSet.unsigned(.pixelRepresentation) ?? 0
        guard representation <= 1 else {
            throw .corrupt(source: source, detail: "pixel representation \(representation) (must be 0 or 1)")
        }
        // YBR_FULL_422 is always pixel by pixel (PS3.3 C.7.6.3.1.3), whatever the attribute says.
        let planar = photometric == .rgb && photometricText != "YBR_FULL_422" ? (dataSet.unsigned(.planarConfiguration) ?? 0) : 0
        guard planar <= 1 else {
            throw .corrupt(source: source, detail: "planar configuration \(planar) (must be 0 or 1)")
        }

        guard let pixelData = dataSet.elements[.pixelData] else {
            throw .corrupt(source: source, detail: "no pixel data (7FE0,0010)")
        }
        if codec != nil {
            // Frame sizes are checked frame by frame against each codestream's own header.
            guard pixelData.isEncapsulated else {
                throw .corrupt(source: source, detail: "pixel data is not encapsulated in a compressed transfer syntax")
            }
        } else {
            let bytesPerPixel = photometricText == "YBR_FULL_422" ? 2 : samples * bitsAllocated / 8
            let (needed, overflow3) = totalPixels.multipliedReportingOverflow(by: bytesPerPixel)
            guard !overflow3, pixelData.length >= needed else {
                throw .truncated(source: source, detail: "pixel data holds \(pixelData.length) bytes, "
                                 + "\(columns)×\(rows)×\(frames) frame(s) of \(samples)×\(bitsAllocated)-bit samples need \(needed)")
            }
        }

        self.rows = rows
        self.columns = columns
        self.frames = frames
        self.samplesPerPixel = samples
        self.photometric = photometric
        self.planarConfiguration = planar
        self.bitsAllocated = bitsAllocated
        self.bitsStored = bitsStored
        self.isSigned = representation == 1
        self.pixelDataOffset = pixelData.valueOffset
        self.pixelData = pixelData
        self.storedPhotometric = photometricText
    }
}
