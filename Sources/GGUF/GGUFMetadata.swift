/// The key/value metadata of a GGUF file, in file order, with typed accessors that
/// turn a wrong type into a `GGUFError` naming the key (never a crash or a silent default).
public struct GGUFMetadata: Sendable {
    public let file: String
    /// Keys in the order the file lists them.
    public let keys: [String]
    public let values: [String: GGUFValue]

    public init(file: String, keys: [String], values: [String: GGUFValue]) {
        self.file = file
        self.keys = keys
        self.values = values
    }

    public subscript(key: String) -> GGUFValue? { values[key] }

    /// Every key with its value, in file order (what a writer copies to keep a file's metadata).
    public var pairs: [(key: String, value: GGUFValue)] { keys.map { ($0, values[$0]!) } }

    public func contains(_ key: String) -> Bool { values[key] != nil }

    private func mismatch(_ key: String, _ expected: String, _ value: GGUFValue) -> GGUFError {
        GGUFError(file: file, .wrongMetadataType(key: key, expected: expected, found: value.typeName))
    }

    /// Any integer width, checked to fit in Int (llama.cpp accepts any integer type too).
    public func int(_ key: String) throws(GGUFError) -> Int? {
        guard let v = values[key] else { return nil }
        guard let i = v.integer else { throw mismatch(key, "an integer", v) }
        return i
    }

    public func float(_ key: String) throws(GGUFError) -> Double? {
        guard let v = values[key] else { return nil }
        guard let d = v.number else { throw mismatch(key, "a number", v) }
        return d
    }

    public func string(_ key: String) throws(GGUFError) -> String? {
        guard let v = values[key] else { return nil }
        guard case .string(let s) = v else { throw mismatch(key, "a string", v) }
        return s
    }

    public func bool(_ key: String) throws(GGUFError) -> Bool? {
        guard let v = values[key] else { return nil }
        guard case .bool(let b) = v else { throw mismatch(key, "a bool", v) }
        return b
    }

    public func stringArray(_ key: String) throws(GGUFError) -> [String]? {
        guard let v = values[key] else { return nil }
        guard case .array(.string(let a)) = v else { throw mismatch(key, "an array of strings", v) }
        return a
    }

    public func floatArray(_ key: String) throws(GGUFError) -> [Float]? {
        guard let v = values[key] else { return nil }
        switch v {
        case .array(.float32(let a)): return a
        case .array(.float64(let a)): return a.map(Float.init)
        default: throw mismatch(key, "an array of floats", v)
        }
    }

    public func intArray(_ key: String) throws(GGUFError) -> [Int]? {
        guard let v = values[key] else { return nil }
        guard case .array(let a) = v, let ints = a.integers else { throw mismatch(key, "an array of integers", v) }
        return ints
    }

    /// An integer that may also be stored per layer as an array (e.g. `feed_forward_length`).
    public func intOrPerLayer(_ key: String) throws(GGUFError) -> [Int]? {
        guard let v = values[key] else { return nil }
        if let i = v.integer { return [i] }
        return try intArray(key)
    }
}
