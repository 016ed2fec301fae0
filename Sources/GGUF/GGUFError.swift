/// Why a GGUF file could not be read. Every case describes itself in one line that
/// names the file, so the CLI and the TUI can show it as it is.
public struct GGUFError: Error, Equatable, CustomStringConvertible, Sendable {
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
        case notGGUF(magic: [UInt8])
        case bigEndian
        case unsupportedVersion(UInt32)
        case truncated(what: String, offset: Int)
        case countTooLarge(what: String, count: UInt64)
        case unknownValueType(key: String, type: UInt32)
        case nestingTooDeep(key: String)
        case duplicateKey(String)
        case badAlignment(UInt64)
        case badTensorName(String)
        case duplicateTensor(String)
        case badDimensionCount(tensor: String, count: UInt32)
        case dimensionOverflow(tensor: String)
        case unknownTensorType(tensor: String, type: UInt32)
        case rowNotWholeBlocks(tensor: String, type: GGMLType, rowLength: Int)
        case tensorMisaligned(tensor: String, offset: UInt64, alignment: Int)
        case tensorOutOfBounds(tensor: String, end: UInt64, fileSize: Int)
        case wrongMetadataType(key: String, expected: String, found: String)
        case missingKey(String)
        case missingTensor(String)
        case wrongTensorShape(tensor: String, expected: [Int], found: [Int])
        case invalidValue(key: String, reason: String)
    }

    public var description: String { "\(file): \(problem.text)" }
}

extension GGUFError.Problem {
    /// The problem as a short phrase (no file name, no newline).
    public var text: String {
        switch self {
        case .cannotOpen(let reason): return "cannot open: \(reason)"
        case .notAFile: return "not a regular file"
        case .notGGUF(let magic):
            let shown = magic.map { b in (32..<127).contains(b) ? String(UnicodeScalar(b)) : "." }.joined()
            return "not a GGUF file (magic \"\(shown)\", expected \"GGUF\")"
        case .bigEndian: return "big-endian GGUF files are not supported"
        case .unsupportedVersion(let v): return "unsupported GGUF version \(v) (2 and 3 are supported)"
        case .truncated(let what, let offset): return "truncated: \(what) at byte \(offset) runs past the end of the file"
        case .countTooLarge(let what, let count): return "\(what) count \(count) is larger than the file could hold"
        case .unknownValueType(let key, let type): return "metadata \"\(key)\" has unknown value type \(type)"
        case .nestingTooDeep(let key): return "metadata \"\(key)\" nests arrays too deeply"
        case .duplicateKey(let key): return "duplicate metadata key \"\(key)\""
        case .badAlignment(let a): return "general.alignment \(a) is not a power of two"
        case .badTensorName(let name): return "invalid tensor name \"\(name.prefix(80))\""
        case .duplicateTensor(let name): return "duplicate tensor \"\(name)\""
        case .badDimensionCount(let t, let n): return "tensor \"\(t)\" has \(n) dimensions (1 to 4 allowed)"
        case .dimensionOverflow(let t): return "tensor \"\(t)\" has dimensions whose product overflows"
        case .unknownTensorType(let t, let type):
            let name = GGMLType.knownName(of: type).map { " (\($0))" } ?? ""
            return "tensor \"\(t)\" has unsupported type \(type)\(name)"
        case .rowNotWholeBlocks(let t, let type, let n):
            return "tensor \"\(t)\" row of \(n) values is not a whole number of \(type.name) blocks of \(type.blockSize)"
        case .tensorMisaligned(let t, let offset, let a): return "tensor \"\(t)\" data offset \(offset) is not aligned to \(a) bytes"
        case .tensorOutOfBounds(let t, let end, let size): return "tensor \"\(t)\" data ends at byte \(end), past the end of the file (\(size) bytes)"
        case .wrongMetadataType(let key, let expected, let found): return "metadata \"\(key)\" should be \(expected), found \(found)"
        case .missingKey(let key): return "missing metadata \"\(key)\""
        case .missingTensor(let name): return "missing tensor \"\(name)\""
        case .wrongTensorShape(let t, let e, let f): return "tensor \"\(t)\" has shape \(f), expected \(e)"
        case .invalidValue(let key, let reason): return "metadata \"\(key)\": \(reason)"
        }
    }
}
