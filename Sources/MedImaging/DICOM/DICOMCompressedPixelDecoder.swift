/// Turns encapsulated pixel data into `PixelSamples`: frame by frame through the codec,
/// each frame checked against the geometry, the frames concatenated.
///
/// Memory: one frame's codestream is copied at a time, and the output is at most the
/// pixel count `DICOMPixelModule` already checked against the limit, reserved once.
enum DICOMCompressedPixelDecoder {
    static func decode(dataSet: DICOMDataSet, module: DICOMPixelModule, codec: DICOMFrameCodec,
                       source: String) throws(DICOMError) -> PixelSamples {
        guard let decoder = codec.decoder else {
            throw .unsupported(source: source, feature: "\(codec)")
        }
        let element = module.pixelData
        let encapsulated = try DICOMEncapsulatedPixelData(bytes: dataSet.bytes, from: element.valueOffset,
                                                          end: element.valueOffset + element.length, source: source)
        let ranges = try encapsulated.frameRanges(frames: module.frames, extended: try extendedOffsets(dataSet, source: source),
                                                  splitAtEOI: codec != .rle, bytes: dataSet.bytes)
        let geometry = module.frameGeometry
        let total = geometry.sampleCount * module.frames
        var eight: [UInt8] = [], sixteen: [UInt16] = []
        if geometry.bitsAllocated == 8 { eight.reserveCapacity(total) } else { sixteen.reserveCapacity(total) }
        for (index, frameRanges) in ranges.enumerated() {
            var frame: [UInt8] = []
            frame.reserveCapacity(frameRanges.reduce(0) { $0 + $1.count })
            for range in frameRanges { frame.append(contentsOf: dataSet.bytes[range]) }
            let samples = try decoder(frame, geometry, source)
            guard samples.count == geometry.sampleCount, samples.bitDepth == geometry.bitsAllocated else {
                throw .corrupt(source: source, detail: "frame \(index) decoded to \(samples.count) \(samples.bitDepth)-bit samples, "
                               + "\(geometry.sampleCount) \(geometry.bitsAllocated)-bit expected")
            }
            switch samples {
            case .eight(let values): eight.append(contentsOf: values)
            case .sixteen(let values): sixteen.append(contentsOf: values)
            }
        }
        return geometry.bitsAllocated == 8 ? .eight(eight) : .sixteen(sixteen)
    }

    /// The Extended Offset Table and its lengths when both are present (64-bit little-endian values).
    private static func extendedOffsets(_ dataSet: DICOMDataSet,
                                        source: String) throws(DICOMError) -> DICOMEncapsulatedPixelData.ExtendedOffsets? {
        guard let offsets = dataSet.value(.extendedOffsetTable), let lengths = dataSet.value(.extendedOffsetTableLengths) else {
            return nil
        }
        guard offsets.count % 8 == 0, lengths.count % 8 == 0 else {
            throw .corrupt(source: source, detail: "Extended Offset Table (7FE0,0001/0002) length is not a multiple of 8")
        }
        func values(_ raw: ArraySlice<UInt8>) -> [UInt64] {
            stride(from: raw.startIndex, to: raw.endIndex, by: 8).map { at in
                (0..<8).reduce(UInt64(0)) { $0 | UInt64(raw[at + $1]) << (8 * UInt64($1)) }
            }
        }
        return .init(offsets: values(offsets), lengths: values(lengths))
    }
}
