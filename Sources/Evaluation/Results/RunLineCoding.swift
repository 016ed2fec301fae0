import Foundation

/// The one encoder and decoder of run-file lines, so the header and the results are
/// written alike: one line, sorted keys (a diff of two runs reads line by line), slashes
/// unescaped (paths stay readable), and infinite or NaN scores written as the strings
/// "inf", "-inf" and "nan" — a log-likelihood of −∞ must not make a run fail to record.
enum RunLineCoding {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    static func line<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder().encode(value), as: UTF8.self)
    }

    /// A decoding failure in a few words naming the key ("no \"id\"", "\"truth\" has the wrong type").
    static func problem(_ error: Error) -> String {
        guard let error = error as? DecodingError else { return "not valid JSON" }
        func key(_ path: [CodingKey]) -> String { path.map(\.stringValue).joined(separator: ".") }
        switch error {
        case .keyNotFound(let missing, _): return "no \"\(missing.stringValue)\""
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return context.codingPath.isEmpty ? "not a JSON object" : "\"\(key(context.codingPath))\" has the wrong type"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not valid JSON" : "\"\(key(context.codingPath))\" is not valid"
        @unknown default: return "not valid"
        }
    }
}
