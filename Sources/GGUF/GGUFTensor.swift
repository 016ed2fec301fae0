/// A zero-copy view of one tensor's bytes inside the mapped file. It keeps the mapping
/// alive, so a view can outlive the `GGUFFile` that produced it.
public struct GGUFTensor: @unchecked Sendable {
    public let info: GGUFTensorInfo
    public let data: UnsafeRawBufferPointer
    let storage: MappedFile

    init(info: GGUFTensorInfo, storage: MappedFile) {
        self.info = info
        self.storage = storage
        let base = storage.bytes.baseAddress.map { $0 + info.fileOffset }
        self.data = UnsafeRawBufferPointer(start: info.byteCount == 0 ? nil : base, count: info.byteCount)
    }

    public var name: String { info.name }
    public var type: GGMLType { info.type }
    public var shape: [Int] { info.shape }

    /// The raw bytes of row `r`.
    public func row(_ r: Int) -> UnsafeRawBufferPointer {
        precondition(r >= 0 && r < info.rowCount, "row \(r) out of range for \(info.name)")
        let n = info.rowBytes
        return UnsafeRawBufferPointer(rebasing: data[(r * n)..<(r * n + n)])
    }
}
