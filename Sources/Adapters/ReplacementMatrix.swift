import GGUF
import Kernels
import SafeTensors

/// A whole weight matrix an adapter brings in place of the model's (`ReplacedModule`),
/// `rows × columns` (vocabulary × hidden for both kinds).
///
/// Left in the file, mapped and in its own F32/F16/BF16: for MedGemma 4B an embedding is
/// 262 144 × 2 560, 1.3 GB as the bf16 the notebook saves and twice that as floats; a
/// prompt reads only its tokens' rows of it, and the output product reads the bf16 as
/// the kernels read a BF16 GGUF weight. `tensor` is that view, typed as GGML's F32/F16/
/// BF16 (the same bytes: PyTorch's row-major `[vocab, hidden]` is GGML's ne `[hidden, vocab]`).
public struct ReplacementMatrix: Sendable {
    public let rows: Int
    public let columns: Int
    public let tensor: GGUFTensor

    /// `source`, a 2-D F32/F16/BF16 safetensors matrix; any other dtype is refused naming it.
    public init(_ source: SafeTensor) throws(SafeTensorsError) {
        let type: GGMLType
        switch source.dtype {
        case .f32: type = .f32
        case .f16: type = .f16
        case .bf16: type = .bf16
        default: throw SafeTensorsError(file: source.path, .notFloating(tensor: source.name, dtype: source.dtype.rawValue))
        }
        precondition(source.shape.count == 2, "ReplacementMatrix: the caller checks the matrix is 2-D")
        rows = source.shape[0]
        columns = source.shape[1]
        var bytes = source.unsafeBytes, owner = source.owner
        // safetensors offsets need not be aligned to the element; the kernels' typed loads do.
        if let base = bytes.baseAddress, Int(bitPattern: base) % source.dtype.size != 0 {
            let copy = AlignedBytes(bytes)
            bytes = copy.bytes
            owner = copy
        }
        tensor = GGUFTensor(name: source.name, type: type, shape: [columns, rows], bytes: bytes, owner: owner)
    }

    /// Bytes it holds (mapped: counted by memory plans as resident once used).
    public var byteCount: Int { tensor.data.count }

    /// Every value as f32, row after row (tests, small models).
    public func floats() -> [Float] {
        var out = [Float](repeating: 0, count: rows * columns)
        out.withUnsafeMutableBufferPointer { dequantize(tensor.type, tensor.data, into: $0) }
        return out
    }
}

/// A copy of bytes at an aligned address, freed with its last reference.
private final class AlignedBytes: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer

    init(_ source: UnsafeRawBufferPointer) {
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: source.count, alignment: 64)
        copy.copyMemory(from: source)
        bytes = UnsafeRawBufferPointer(copy)
    }

    deinit { bytes.deallocate() }
}
