/// A zero-copy view of one tensor's bytes inside the mapped file. It keeps the mapping
/// alive, so a view can outlive the `GGUFFile` that produced it.
public struct GGUFTensor: @unchecked Sendable {
    public let info: GGUFTensorInfo
    public let data: UnsafeRawBufferPointer
    /// What keeps `data` alive: the GGUF file's mapping, or another reader's.
    let storage: AnyObject

    init(info: GGUFTensorInfo, storage: MappedFile) {
        self.info = info
        self.storage = storage
        let base = storage.bytes.baseAddress.map { $0 + info.fileOffset }
        self.data = UnsafeRawBufferPointer(start: info.byteCount == 0 ? nil : base, count: info.byteCount)
    }

    /// A matrix another file format holds in a GGML type's layout — a safetensors F32/F16/
    /// BF16 matrix an adapter brings in place of the embedding is the same bytes as GGUF's —
    /// so every kernel takes it as it is. `bytes` must stay valid while `owner` lives, and be
    /// exactly `shape`'s rows of `type`.
    public init(name: String, type: GGMLType, shape: [Int], bytes: UnsafeRawBufferPointer, owner: AnyObject) {
        let info = GGUFTensorInfo(name: name, shape: shape, type: type, fileOffset: 0, byteCount: bytes.count)
        precondition(!shape.isEmpty && shape.allSatisfy { $0 > 0 } && info.rowBytes * info.rowCount == bytes.count,
                     "GGUFTensor \(name): \(bytes.count) bytes are not \(shape) of \(type)")
        self.info = info
        self.storage = owner
        self.data = bytes
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
