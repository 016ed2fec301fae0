import Support

/// A minimal JSON value and its compact rendering, for `--json` outputs (no Foundation
/// round trip, stable key order as given).
public indirect enum JSONValue: Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case number(Double)
    /// Single precision, printed with its own shortest representation (1e-06, not 9.99e-07).
    case float(Float)
    case string(String)
    case array([JSONValue])
    /// Keys keep the order given.
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.rendered() == b.rendered() }

    public func rendered() -> String {
        var out = ""
        render(into: &out)
        return out
    }

    func render(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .number(let d):
            if !d.isFinite { out += "null" }
            else if d == d.rounded(), abs(d) < 1e15 { out += String(Int(d)) }
            else { out += "\(d)" }
        case .float(let f):
            if !f.isFinite { out += "null" }
            else if f == f.rounded(), abs(f) < 1e7 { out += String(Int(f)) }
            else { out += "\(f)" }
        case .string(let s): JSONValue.escape(s, into: &out)
        case .array(let items):
            out += "["
            for (i, v) in items.enumerated() {
                if i > 0 { out += ", " }
                v.render(into: &out)
            }
            out += "]"
        case .object(let pairs):
            out += "{"
            for (i, (k, v)) in pairs.enumerated() {
                if i > 0 { out += ", " }
                JSONValue.escape(k, into: &out)
                out += ": "
                v.render(into: &out)
            }
            out += "}"
        }
    }

    /// JSON string escaping: quotes, backslash and every control character (`JSONString`).
    public static func escape(_ s: String, into out: inout String) {
        out += JSONString.quoted(s)
    }
}
