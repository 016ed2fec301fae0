/// Model output made safe for a terminal: escape sequences and control characters other
/// than newline and tab are dropped, so generated text can never drive the terminal.
enum TerminalText {
    static func sanitized(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in s.unicodeScalars {
            switch scalar.value {
            case 0x0A, 0x09: out.append(scalar)
            case 0x00..<0x20, 0x7F, 0x80..<0xA0: continue
            default: out.append(scalar)
            }
        }
        return String(out)
    }
}
