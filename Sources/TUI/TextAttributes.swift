import CNCursesW

/// Text styles for `Window.put`, as a Swift option set.
///
/// ncurses defines its `A_*`/`WA_*` attributes through a function-like macro that
/// Swift cannot import, so the bits are rebuilt here from the same positions
/// ncurses.h uses (`NCURSES_BITS(1, n)` = 1 << (n + NCURSES_ATTR_SHIFT)).
public struct TextAttributes: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    private static func bit(_ position: Int32) -> TextAttributes {
        TextAttributes(rawValue: 1 << UInt32(position + NCURSES_ATTR_SHIFT))
    }

    public static let standout = bit(8)
    public static let underline = bit(9)
    public static let reverse = bit(10)
    public static let blink = bit(11)
    public static let dim = bit(12)
    public static let bold = bit(13)
    public static let italic = bit(23)

    /// The value ncurses expects in an `attr_t`.
    var cursesValue: attr_t { attr_t(rawValue) }
}
