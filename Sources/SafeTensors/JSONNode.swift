/// A JSON value as `JSONReader` reads it: objects keep their keys in file order, numbers
/// keep their literal text, so an integer of a hostile header (a dimension of 2^70, an
/// offset of -1) is judged exactly instead of being rounded through a `Double`.
///
/// Shared by the safetensors header and PEFT's `adapter_config.json` (module Adapters):
/// both are small, both come from files a user downloaded, and both want exact integers
/// and errors that say what is wrong in one line.
public indirect enum JSONNode: Equatable, Sendable {
    case null
    case bool(Bool)
    /// The number's literal text, already checked against JSON's grammar.
    case number(String)
    case string(String)
    case array([JSONNode])
    /// Keys in file order; `JSONReader` refuses a repeated key.
    case object([(key: String, value: JSONNode)])

    public static func == (l: JSONNode, r: JSONNode) -> Bool {
        switch (l, r) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// The value under `key` of an object (nil for a missing key or a non-object).
    public subscript(key: String) -> JSONNode? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// An integer literal that fits `Int` exactly: no fraction, no exponent, no overflow.
    public var exactInt: Int? {
        guard case .number(let text) = self else { return nil }
        return Int(text)
    }

    /// Any number as a `Double` (nil for a non-number, or one beyond `Double`'s range).
    public var double: Double? {
        guard case .number(let text) = self, let d = Double(text), d.isFinite else { return nil }
        return d
    }

    public var string: String? {
        guard case .string(let s) = self else { return nil }
        return s
    }

    /// What the value is, for messages ("a string", "an array", …).
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
