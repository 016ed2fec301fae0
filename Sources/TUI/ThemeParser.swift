import Foundation

/// Reads the theme file format (documented in `Themes/README.md`):
///
/// ```
/// # comment
/// text        = #d0d0d0/252 on #1c1c1c/234
/// pane-border = 239
/// selection   = white on #005f87, bold
/// ```
///
/// One definition a line: `element = FOREGROUND [on BACKGROUND] [, attribute…]`.
/// A colour is `default`, a 256-colour index `0`–`255`, a name (`red`,
/// `bright-blue`…), `#rrggbb` (the 256-colour stand-in is the nearest one) or
/// `#rrggbb/N` (both given). A missing background is `text`'s background, so panes
/// keep one background; attributes are bold, italic, dim, underline, reverse.
///
/// Theme files come from the user's config directory, so the parser expects anything:
/// files are capped at `maximumBytes`, every problem (unknown element or colour, bad
/// hex, index above 255, an element defined twice…) is an error naming the line, and
/// nothing in a file can crash it or reach the screen unquoted.
public enum ThemeParser {
    /// Larger files are refused unread: real themes are about 2 KiB.
    public static let maximumBytes = 64 * 1024

    /// Reads and parses a file; the theme is named after the file (`dark.theme` →
    /// `dark`) unless `name` is given. `displayPath` is what error messages call it.
    public static func parseFile(atPath path: String, name: String? = nil,
                                 displayPath: String? = nil) throws(ThemeError) -> Theme {
        let shown = displayPath ?? path
        let text = try read(path, shown: shown)
        let base = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        return try parse(text, name: name ?? base, file: shown)
    }

    /// Parses theme text; `file` is what error messages call it.
    public static func parse(_ text: String, name: String, file: String) throws(ThemeError) -> Theme {
        Theme(name: name, styles: try definitions(text, file: file))
    }

    /// Only the elements the text defines (backgrounds filled in), for checking that a
    /// theme defines everything; `parse` completes the rest from `text`.
    public static func definitions(_ text: String, file: String) throws(ThemeError) -> [ThemeElement: ThemeStyle] {
        guard text.utf8.count <= maximumBytes else { throw .tooLarge(file: file, limit: maximumBytes) }
        var lines: [ThemeElement: (line: Int, foreground: ThemeColor, background: ThemeColor?, attributes: TextAttributes)] = [:]
        var number = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            number += 1
            var line = Substring(rawLine)
            if number == 1, line.hasPrefix("\u{FEFF}") { line = line.dropFirst() }
            let content = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if content.isEmpty || content.hasPrefix("#") { continue }
            func fail(_ message: String) -> ThemeError { .invalidLine(file: file, line: number, message: message) }

            guard let equals = content.firstIndex(of: "=") else {
                throw fail("expected 'element = colour [on colour][, attributes]', found \(ThemeError.quoted(content))")
            }
            let key = content[..<equals].trimmingCharacters(in: .whitespaces)
            guard let element = ThemeElement(rawValue: key) else {
                throw fail("unknown element \(ThemeError.quoted(key))")
            }
            if let first = lines[element] {
                throw fail("'\(key)' is already defined on line \(first.line)")
            }
            let value = content[content.index(after: equals)...]
            let colourPart: Substring
            var attributePart: Substring = ""
            if let comma = value.firstIndex(of: ",") {
                colourPart = value[..<comma]
                attributePart = value[value.index(after: comma)...]
            } else {
                colourPart = value
            }
            let words = colourPart.split(whereSeparator: { $0 == " " || $0 == "\t" })
            let foreground: ThemeColor
            var background: ThemeColor?
            switch words.count {
            case 1:
                foreground = try color(words[0], fail)
            case 3 where words[1] == "on":
                foreground = try color(words[0], fail)
                background = try color(words[2], fail)
            case 0:
                throw fail("'\(key)' has no colour")
            default:
                throw fail("expected 'colour' or 'colour on colour', found \(ThemeError.quoted(colourPart.trimmingCharacters(in: .whitespaces)))")
            }
            var attributes: TextAttributes = []
            for word in attributePart.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }) {
                guard let known = ThemeStyle.attributeNames.first(where: { $0.name == word }) else {
                    throw fail("unknown attribute \(ThemeError.quoted(word)) (use bold, italic, dim, underline, reverse)")
                }
                attributes.insert(known.attribute)
            }
            lines[element] = (number, foreground, background, attributes)
        }
        guard let text = lines[.text] else { throw .missingText(file: file) }
        let defaultBackground = text.background ?? .terminalDefault
        return lines.mapValues { ThemeStyle($0.foreground, on: $0.background ?? defaultBackground, $0.attributes) }
    }

    /// One colour word; `fail` makes the error for its line.
    static func color(_ word: Substring, _ fail: (String) -> ThemeError) throws(ThemeError) -> ThemeColor {
        if word == "default" { return .terminalDefault }
        if let named = ThemeColor.names.firstIndex(of: String(word)) { return .indexed(UInt8(named)) }
        if word.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard word.count <= 3, let index = Int(word), index <= 255 else {
                throw fail("colour index \(ThemeError.quoted(word)) is not in 0–255")
            }
            return .indexed(UInt8(index))
        }
        if word.hasPrefix("#") {
            let parts = word.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard let rgb = RGBColor(hex: parts[0]) else {
                throw fail("bad hex colour \(ThemeError.quoted(parts[0])) (expected #rrggbb)")
            }
            guard parts.count == 2 else { return .color(index: ThemeColor.nearest256(to: rgb), rgb: rgb) }
            let index = parts[1]
            guard !index.isEmpty, index.count <= 3, index.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let value = Int(index), value <= 255 else {
                throw fail("colour index \(ThemeError.quoted(index)) is not in 0–255")
            }
            return .color(index: UInt8(value), rgb: rgb)
        }
        throw fail("unknown colour \(ThemeError.quoted(word))")
    }

    /// The file's text, refusing anything that is not a small regular UTF-8 file
    /// (a FIFO or `/dev/zero` would block or never end).
    private static func read(_ path: String, shown: String) throws(ThemeError) -> String {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw .unreadable(file: shown, reason: "no such file")
        }
        guard attributes[.type] as? FileAttributeType == .typeRegular else {
            throw .unreadable(file: shown, reason: "not a regular file")
        }
        if let size = attributes[.size] as? Int, size > maximumBytes {
            throw .tooLarge(file: shown, limit: maximumBytes)
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .unreadable(file: shown, reason: "permission denied")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maximumBytes + 1) ?? Data()
        } catch {
            throw .unreadable(file: shown, reason: "read failed")
        }
        guard data.count <= maximumBytes else { throw .tooLarge(file: shown, limit: maximumBytes) }
        guard let text = String(data: data, encoding: .utf8) else { throw .notText(file: shown) }
        return text
    }
}
