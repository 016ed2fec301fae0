/// A string as a JSON string literal, for JSON written by hand rather than through
/// `JSONSerialization` (whose key order and number forms cannot be chosen): the CLI's
/// `--json` outputs, a safetensors header and a PEFT `adapter_config.json`, which must come
/// out as their reference writers lay them out. Escapes the quote, the backslash and every
/// control character (DEL too); anything else is written as it is, as Python's
/// `json.dumps(ensure_ascii=False)` and serde_json do.
public enum JSONString {
    public static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
