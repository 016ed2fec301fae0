/// Makes untrusted text — model output, case files, DICOM tags — safe to write to the
/// terminal: nothing in it can move the cursor, clear the screen, set the clipboard
/// (OSC 52), change the window title or reorder what is shown.
///
/// * Escape sequences are consumed whole, parameters and terminator included, not
///   just their ESC (dropping only ESC would leave `[2J` or `]52;c;…` as visible junk):
///   CSI (`ESC [` or 8-bit `0x9B`) up to its final byte; OSC, DCS, SOS, PM and APC
///   (`ESC ] P X ^ _` or 8-bit `0x9D 0x90 0x98 0x9E 0x9F`) up to BEL, `ESC \` or `0x9C`,
///   or the end of the text; other two- and three-character ESC sequences.
/// * Other C0 and C1 controls and DEL are dropped; newline and tab are kept, turned
///   into spaces, or (tabs) expanded, as the caller chooses. CR LF becomes LF.
/// * Unicode line/paragraph separators are treated as newlines.
/// * Noncharacters (U+FDD0–FDEF, U+xFFFE/xFFFF) become U+FFFD; lone surrogates
///   cannot be in a Swift `String` and become U+FFFD when bytes are decoded
///   (`sanitize(utf8:)`).
/// * Bidirectional embedding, override and isolate controls (U+202A–202E,
///   U+2066–2069) are shown as `<U+202E>`, so text cannot be made to read in a
///   different order than it is stored ("Trojan Source").
///
/// The transcript and case panes pass every piece of such text through this.
/// Streamed text should be sanitised whole, not token by token, so that a sequence
/// split across two tokens is still recognised.
public struct TerminalSanitizer: Sendable {
    /// What happens to newlines.
    public var keepsNewlines: Bool
    /// Tabs become this many spaces; nil keeps the tab character.
    public var tabWidth: Int?

    public init(keepsNewlines: Bool = true, tabWidth: Int? = 4) {
        self.keepsNewlines = keepsNewlines
        self.tabWidth = tabWidth
    }

    /// Multi-line text (transcript, reports): newlines kept, tabs as four spaces.
    public static let multiLine = TerminalSanitizer(keepsNewlines: true, tabWidth: 4)
    /// A field shown on one line (a DICOM tag, a file name): newlines and tabs as spaces.
    public static let singleLine = TerminalSanitizer(keepsNewlines: false, tabWidth: 1)

    /// Sanitises raw bytes: invalid UTF-8 (including encoded lone surrogates) becomes
    /// U+FFFD before the text is cleaned.
    public func sanitize<Bytes: Collection>(utf8 bytes: Bytes) -> String where Bytes.Element == UInt8 {
        sanitize(String(decoding: bytes, as: UTF8.self))
    }

    public func sanitize(_ text: String) -> String {
        // Fast path: plain printable ASCII and common text needs no rebuilding.
        if text.unicodeScalars.allSatisfy({ Self.isPlainlyPrintable($0) || ($0 == "\n" && keepsNewlines) }) {
            return text
        }
        var output = String.UnicodeScalarView()
        var scalars = text.unicodeScalars[...]
        while let scalar = scalars.popFirst() {
            switch scalar.value {
            case 0x1B:
                Self.skipEscapeSequence(&scalars)
            case 0x9B:
                Self.skipControlSequence(&scalars)
            case 0x90, 0x98, 0x9D, 0x9E, 0x9F:
                Self.skipControlString(&scalars)
            case 0x0A, 0x2028, 0x2029:
                appendNewline(to: &output)
            case 0x0D:
                if scalars.first == "\n" { continue }
                appendNewline(to: &output)
            case 0x09:
                if let tabWidth {
                    output.append(contentsOf: repeatElement(" ", count: tabWidth))
                } else {
                    output.append(scalar)
                }
            case 0x00..<0x20, 0x7F..<0xA0:
                continue
            case 0x202A...0x202E, 0x2066...0x2069:
                output.append(contentsOf: "<U+\(String(scalar.value, radix: 16, uppercase: true))>".unicodeScalars)
            case 0xFDD0...0xFDEF:
                output.append("\u{FFFD}")
            case _ where scalar.value & 0xFFFE == 0xFFFE:
                output.append("\u{FFFD}")
            default:
                output.append(scalar)
            }
        }
        return String(output)
    }

    private func appendNewline(to output: inout String.UnicodeScalarView) {
        output.append(keepsNewlines ? "\n" : " ")
    }

    private static func isPlainlyPrintable(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x7F { return value >= 0x20 }
        return value >= 0xA0 && value < 0x2028
    }

    /// After an ESC: consumes the rest of the sequence it starts.
    private static func skipEscapeSequence(_ scalars: inout Substring.UnicodeScalarView) {
        guard let next = scalars.first else { return }
        switch next {
        case "[":
            scalars.removeFirst()
            skipControlSequence(&scalars)
        case "]", "P", "X", "^", "_":
            scalars.removeFirst()
            skipControlString(&scalars)
        case " "..."/":
            // nF escape: intermediate bytes, then one final byte (e.g. ESC ( B).
            while let byte = scalars.first, (0x20...0x2F).contains(byte.value) { scalars.removeFirst() }
            if let final = scalars.first, (0x30...0x7E).contains(final.value) { scalars.removeFirst() }
        case "0"..."~":
            scalars.removeFirst()  // two-character sequence: ESC 7, ESC c, ESC M…
        default:
            break  // a lone ESC: dropped, the next character is handled normally
        }
    }

    /// After CSI: parameter bytes (0x30–0x3F), intermediates (0x20–0x2F), one final
    /// byte (0x40–0x7E). Anything else ends the sequence early and is left in place.
    private static func skipControlSequence(_ scalars: inout Substring.UnicodeScalarView) {
        while let scalar = scalars.first, (0x20...0x3F).contains(scalar.value) { scalars.removeFirst() }
        if let final = scalars.first, (0x40...0x7E).contains(final.value) { scalars.removeFirst() }
    }

    /// After OSC/DCS/SOS/PM/APC: everything up to and including BEL, ST (`0x9C`) or
    /// `ESC \`. Another ESC ends the string (as in xterm) and starts a new sequence.
    private static func skipControlString(_ scalars: inout Substring.UnicodeScalarView) {
        while let scalar = scalars.first {
            switch scalar.value {
            case 0x07, 0x9C:
                scalars.removeFirst()
                return
            case 0x1B:
                scalars.removeFirst()
                if scalars.first == "\\" {
                    scalars.removeFirst()
                } else {
                    skipEscapeSequence(&scalars)
                }
                return
            default:
                scalars.removeFirst()
            }
        }
    }
}
