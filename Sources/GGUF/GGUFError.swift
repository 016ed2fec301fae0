import Support

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

    /// One line: control characters in the path or in names taken from the file are
    /// escaped, not blanked, so the odd bytes of a damaged file can still be seen.
    public var description: String { "\(OneLine.clean(file, controls: .escaped)): \(problem.text)" }

    /// A name read from the file, shortened for a message (the full name stays in `Problem`).
    static func shown(_ name: String) -> String {
        OneLine.shortened(name, to: maxShownName)
    }

    static let maxShownName = 80
}

extension GGUFError.Problem {
    /// The problem as a short phrase (no file name, no newline): names read from the file
    /// are shortened and their control characters escaped.
    public var text: String { OneLine.clean(rawText, controls: .escaped) }

    private var rawText: String {
        func q(_ s: String) -> String { GGUFError.shown(s) }
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
        case .unknownValueType(let key, let type): return "metadata \"\(q(key))\" has unknown value type \(type)"
        case .nestingTooDeep(let key): return "metadata \"\(q(key))\" nests arrays too deeply"
        case .duplicateKey(let key): return "duplicate metadata key \"\(q(key))\""
        case .badAlignment(let a): return "general.alignment \(a) is not a power of two"
        case .badTensorName(let name): return "invalid tensor name \"\(q(name))\""
        case .duplicateTensor(let name): return "duplicate tensor \"\(q(name))\""
        case .badDimensionCount(let t, let n): return "tensor \"\(q(t))\" has \(n) dimensions (1 to 4 allowed)"
        case .dimensionOverflow(let t): return "tensor \"\(q(t))\" has dimensions whose product overflows"
        case .unknownTensorType(let t, let type):
            let name = GGMLType.knownName(of: type).map { " (\($0))" } ?? ""
            return "tensor \"\(q(t))\" has unsupported type \(type)\(name)"
        case .rowNotWholeBlocks(let t, let type, let n):
            return "tensor \"\(q(t))\" row of \(n) values is not a whole number of \(type.name) blocks of \(type.blockSize)"
        case .tensorMisaligned(let t, let offset, let a): return "tensor \"\(q(t))\" data offset \(offset) is not aligned to \(a) bytes"
        case .tensorOutOfBounds(let t, let end, let size): return "tensor \"\(q(t))\" data ends at byte \(end), past the end of the file (\(size) bytes)"
        case .wrongMetadataType(let key, let expected, let found): return "metadata \"\(q(key))\" should be \(expected), found \(found)"
        case .missingKey(let key): return "missing metadata \"\(q(key))\""
        case .missingTensor(let name): return "missing tensor \"\(q(name))\""
        case .wrongTensorShape(let t, let e, let f): return "tensor \"\(q(t))\" has shape \(f), expected \(e)"
        case .invalidValue(let key, let reason): return "metadata \"\(q(key))\": \(reason)"
        }
    }
}
