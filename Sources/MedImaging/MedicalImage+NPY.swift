/// A `MedicalImage` as pydicom's `pixel_array` would hold it, in `.npy` form.
extension MedicalImage {
    /// The stored samples as `.npy` bytes (see `NPYEncoder`) in pydicom's shape:
    /// (rows, columns) for one frame, (frames, rows, columns) for several, with a last
    /// axis of 3 for RGB. `frame` picks one frame; `keepFrameAxis` keeps the first axis
    /// even for one frame (a series of one slice is still (1, rows, columns)).
    public func npyBytes(frame: Int? = nil, keepFrameAxis: Bool = false) -> [UInt8] {
        var shape = [height, width] + (channels == .rgb ? [3] : [])
        let range: Range<Int>
        if let frame {
            precondition(frame >= 0 && frame < frameCount, "frame \(frame) does not exist")
            range = frame * samplesPerFrame ..< (frame + 1) * samplesPerFrame
            if keepFrameAxis { shape.insert(1, at: 0) }
        } else {
            range = 0 ..< pixels.count
            if frameCount > 1 || keepFrameAxis { shape.insert(frameCount, at: 0) }
        }
        return NPYEncoder.encode(pixels, range: range, signed: metadata.isSigned, shape: shape)
    }
}
