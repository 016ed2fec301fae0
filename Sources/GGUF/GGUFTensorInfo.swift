/// One entry of the tensor table: name, shape (ggml order, fastest dimension first),
/// type and where its bytes are.
public struct GGUFTensorInfo: Sendable, Equatable {
    public let name: String
    /// ggml `ne`: `shape[0]` is the contiguous row length.
    public let shape: [Int]
    public let type: GGMLType
    /// Offset of the data from the start of the file (data_start + relative offset).
    public let fileOffset: Int
    public let byteCount: Int

    public var elementCount: Int { shape.reduce(1, *) }
    /// Length of one row (`ne[0]`).
    public var rowLength: Int { shape[0] }
    /// Number of rows (product of every dimension after the first).
    public var rowCount: Int { shape.dropFirst().reduce(1, *) }
    public var rowBytes: Int { type.rowBytes(count: rowLength)! }
}
