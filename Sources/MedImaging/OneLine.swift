/// Keeps messages and file-supplied text on one line.
///
/// Control characters (newlines, escape sequences) from file names or header strings
/// would break a one-line error or a terminal pane, so they become spaces.
enum OneLine {
    static func clean(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map {
            $0.properties.generalCategory == .control ? " " : $0
        }))
    }
}
