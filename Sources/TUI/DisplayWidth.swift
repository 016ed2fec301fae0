/// How many terminal columns text occupies.
///
/// `String.count` counts characters, not columns: CJK ideographs and emoji take two
/// columns, combining marks none. Layout code (clipping, centring, boxes) needs
/// columns. This is pure Swift rather than libc `wcwidth`, because `wcwidth` depends
/// on the process locale (it answers -1 for every non-ASCII character in the "C"
/// locale) and on the C library's Unicode version; this stays the same everywhere.
///
/// Rules, per Unicode scalar, matching what terminals and ncurses do:
/// * 0 columns: control characters, non-spacing and enclosing marks, format characters
///   (zero-width space, joiners, variation selectors…), Hangul medial/final jamo;
/// * 2 columns: East Asian Wide/Fullwidth ranges and emoji with emoji presentation;
/// * 1 column: everything else.
public enum DisplayWidth {
    /// Columns taken by the whole string (the sum over its scalars).
    public static func of(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + of($1) }
    }

    /// Columns taken by one character (grapheme cluster).
    public static func of(_ character: Character) -> Int {
        character.unicodeScalars.reduce(0) { $0 + of($1) }
    }

    /// Columns taken by one Unicode scalar: 0, 1 or 2.
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value < 0x20 || (0x7F..<0xA0).contains(value) { return 0 }
        if value < 0x7F { return 1 }  // printable ASCII, the common case
        if value == 0xAD { return 1 }  // soft hyphen is Cf but printed as a hyphen
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if (0x1160...0x11FF).contains(value) { return 0 }  // jamo that join the previous syllable
        if scalar.properties.isEmojiPresentation { return 2 }
        return isWide(value) ? 2 : 1
    }

    /// The longest prefix of `text`, in whole characters, that fits in `columns`.
    ///
    /// Cutting by character (not scalar) keeps accents with their letters and never
    /// splits a two-column character across the limit.
    public static func prefix(_ text: String, fittingIn columns: Int) -> String {
        var used = 0
        var end = text.startIndex
        for index in text.indices {
            let width = of(text[index])
            if used + width > columns { break }
            used += width
            end = text.index(after: index)
        }
        return String(text[..<end])
    }

    /// East Asian Width W and F ranges (Unicode 15), excluding emoji, handled above.
    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF,
        0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F,
        0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F,
        0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x16FE4, 0x17000...0x18CFF,
        0x1AFF0...0x1B2FF, 0x1F200...0x1F202, 0x1F210...0x1F23B, 0x1F240...0x1F248,
        0x1F250...0x1F251, 0x1F260...0x1F265, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]

    private static func isWide(_ value: UInt32) -> Bool {
        guard value >= 0x1100 else { return false }
        return wideRanges.contains { $0.contains(value) }
    }
}
