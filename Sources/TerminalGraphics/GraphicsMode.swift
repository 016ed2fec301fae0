/// How the image pane draws pictures: sixel bitmaps, Unicode half-block cells, or an
/// ASCII ramp. Chosen automatically (`automatic`) unless the user names one with
/// `--graphics` or `MEDGEMMA_GRAPHICS`.
public enum GraphicsMode: String, CaseIterable, Sendable {
    case sixel
    case blocks
    case ascii

    /// The user's choice: `sixel`, `blocks` or `ascii`; `auto` (or nothing) means detect.
    /// Anything else is an error listing the valid names.
    public static func parseOverride(_ text: String?) throws -> GraphicsMode? {
        guard let text, !text.isEmpty, text.lowercased() != "auto" else { return nil }
        guard let mode = GraphicsMode(rawValue: text.lowercased()) else {
            throw GraphicsModeError(value: text)
        }
        return mode
    }

    /// Sixel when the terminal said it draws sixels; half-blocks on a UTF-8 terminal with
    /// colour; the ASCII ramp on plain terminals (`TERM=dumb` or unset), without UTF-8,
    /// or when `NO_COLOR` is set (no-color.org: any non-empty value).
    public static func automatic(environment: [String: String], sixelSupported: Bool) -> GraphicsMode {
        let term = environment["TERM"] ?? ""
        if term.isEmpty || term == "dumb" { return .ascii }
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .ascii }
        if sixelSupported { return .sixel }
        return isUTF8Locale(environment) ? .blocks : .ascii
    }

    /// Whether the effective character type (`LC_ALL`, else `LC_CTYPE`, else `LANG`) is UTF-8.
    static func isUTF8Locale(_ environment: [String: String]) -> Bool {
        let locale = [environment["LC_ALL"], environment["LC_CTYPE"], environment["LANG"]]
            .compactMap { $0 }.first { !$0.isEmpty } ?? ""
        let lower = locale.lowercased()
        return lower.contains("utf-8") || lower.contains("utf8")
    }
}

/// `--graphics` or `MEDGEMMA_GRAPHICS` named no known renderer.
public struct GraphicsModeError: Error, CustomStringConvertible, Equatable {
    public let value: String
    public var description: String {
        "unknown graphics mode '\(value.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(String.init).joined())' (use sixel, blocks, ascii or auto)"
    }
}
