import Support

/// Why a safetensors file could not be read (or a tensor of it converted). Every case
/// describes itself in one line, "FILE: problem", naming the tensor at fault where there
/// is one, so the CLI and the TUI can show it as it is.
public struct SafeTensorsError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The file being read (as the user gave it).
    public let file: String
    public let problem: Problem

    public init(file: String, _ problem: Problem) {
        self.file = file
        self.problem = problem
    }

    public enum Problem: Equatable, Sendable {
        case cannotOpen(reason: String)
        case notAFile
        /// Shorter than the 8-byte header length.
        case truncated(fileSize: Int)
        /// The header length is beyond `SafeTensorsFile.maxHeaderLength`.
        case headerTooLarge(length: UInt64)
        /// The header length runs past the end of the file.
        case headerPastEnd(length: UInt64, fileSize: Int)
        case headerNotJSON(reason: String)
        case headerNotObject(found: String)
        /// An entry is not `{"dtype", "shape", "data_offsets"}` as the format has it.
        case badEntry(tensor: String, reason: String)
        case unknownDType(tensor: String, dtype: String)
        case negativeDimension(tensor: String, dimension: Int)
        case shapeOverflow(tensor: String)
        case sizeMismatch(tensor: String, shape: [Int], dtype: String, bytes: Int)
        case offsetsOutOfRange(tensor: String, begin: Int, end: Int, dataSize: Int)
        case overlap(tensor: String, other: String)
        case badMetadata(reason: String)
        /// `floats()` of a tensor whose dtype is not F32, F16 or BF16.
        case notFloating(tensor: String, dtype: String)
    }

    public var description: String { "\(OneLine.clean(file, controls: .escaped)): \(problem.text)" }

    /// A name read from the file, shortened for a message.
    static func shown(_ name: String) -> String { OneLine.shortened(name, to: 80) }
}

extension SafeTensorsError.Problem {
    /// The problem as a short phrase without the file's name; names read from the file are
    /// shortened and their control characters escaped.
    public var text: String { OneLine.clean(rawText, controls: .escaped) }

    private var rawText: String {
        func q(_ s: String) -> String { "tensor '\(SafeTensorsError.shown(s))'" }
        switch self {
        case .cannotOpen(let reason): return "cannot open: \(reason)"
        case .notAFile: return "not a regular file"
        case .truncated(let size): return "truncated: \(size) bytes, not even the 8-byte header length of a safetensors file"
        case .headerTooLarge(let n): return "header length \(n) is over the \(SafeTensorsFile.maxHeaderLength / 1_000_000) MB limit (not a safetensors file?)"
        case .headerPastEnd(let n, let size): return "header length \(n) runs past the end of the file (\(size) bytes; truncated?)"
        case .headerNotJSON(let reason): return "header is not JSON: \(reason)"
        case .headerNotObject(let found): return "header is \(found), not a JSON object"
        case .badEntry(let t, let reason): return "\(q(t)): \(reason)"
        case .unknownDType(let t, let d): return "\(q(t)) has dtype '\(SafeTensorsError.shown(d))', which this reader does not know"
        case .negativeDimension(let t, let d): return "\(q(t)) has a negative dimension \(d)"
        case .shapeOverflow(let t): return "\(q(t)) has a shape whose byte size overflows"
        case .sizeMismatch(let t, let shape, let d, let bytes):
            return "\(q(t)): shape \(shape) of \(d) does not fill its \(bytes) bytes"
        case .offsetsOutOfRange(let t, let b, let e, let size):
            return "\(q(t)) data_offsets [\(b), \(e)] lie outside the data section (\(size) bytes)"
        case .overlap(let t, let other): return "\(q(t)) overlaps \(q(other))"
        case .badMetadata(let reason): return "__metadata__: \(reason)"
        case .notFloating(let t, let d): return "\(q(t)) is \(d); only F32, F16 and BF16 are read as floats"
        }
    }
}
