/// The plane geometry an enhanced multi-frame file (enhanced CT and MR, PS3.3 C.7.6.16)
/// keeps in its functional groups instead of top-level attributes: orientation and pixel
/// spacing shared by all frames, and each frame's own position.
///
/// With the per-frame positions a multi-frame volume sorts along its normal like a folder
/// of slices — scanners do write frames out of spatial order (several stacks, or a
/// reversed acquisition) — and its spacing is checked the same way.
struct EnhancedFrameGeometry {
    /// Image Position (Patient) of every frame, in frame order; nil unless every frame has one.
    var positions: [[Double]]?
    var orientation: [Double]?
    var pixelSpacing: [Double]?
    var spacingBetweenSlices: Double?
    var sliceThickness: Double?

    init(dataSet: DICOMDataSet, source: String, explicitVR: Bool, frames: Int) throws(DICOMError) {
        let parser = DICOMDataSetParser(bytes: dataSet.bytes, source: source)
        func item(_ tag: DICOMTag, in elements: [DICOMTag: DICOMElement]) throws(DICOMError) -> DICOMDataSet? {
            try parser.firstItem(tag, in: elements, explicitVR: explicitVR).map { DICOMDataSet(bytes: dataSet.bytes, elements: $0) }
        }
        if let shared = try item(.sharedFunctionalGroups, in: dataSet.elements) {
            orientation = try item(.planeOrientationSequence, in: shared.elements)?.finiteNumbers(.imageOrientationPatient, count: 6)
            if let measures = try item(.pixelMeasuresSequence, in: shared.elements) {
                pixelSpacing = measures.finiteNumbers(.pixelSpacing, count: 2)
                spacingBetweenSlices = measures.numbers(.spacingBetweenSlices).first ?? nil
                sliceThickness = measures.numbers(.sliceThickness).first ?? nil
            }
        }
        guard let perFrame = dataSet.elements[.perFrameFunctionalGroups] else { return }
        var positions: [[Double]] = []
        for range in try parser.items(of: perFrame, explicitVR: explicitVR, limit: frames) {
            let elements = try parser.parse(from: range.lowerBound, to: range.upperBound, explicitVR: explicitVR)
            if orientation == nil {
                orientation = try item(.planeOrientationSequence, in: elements)?.finiteNumbers(.imageOrientationPatient, count: 6)
            }
            guard let position = try item(.planePositionSequence, in: elements)?.finiteNumbers(.imagePositionPatient, count: 3) else { break }
            positions.append(position)
        }
        self.positions = positions.count == frames ? positions : nil
    }
}
