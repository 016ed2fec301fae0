/// The workstation's one set of line-break rules, shared by everything that wraps text
/// by display width: the transcript and Markdown (`TextWrapper`) and both editors (the
/// message input and the report, through `TextBuffer`).
///
/// Word wrap breaks after spaces, and before and after any two-column character (CJK
/// text has no spaces and may break between any two ideographs; emoji are treated
/// alike). A word longer than the row is broken where it reaches the edge, and a
/// two-column character never straddles the edge: it moves whole to the next row.
/// Spaces never force a break: at a break they stay at the end of their row, past the
/// edge if need be, so every character keeps a place (an editor's cursor can stand on
/// them; `TextWrapper` drops them). Hard wrap (code blocks) treats spaces like any
/// other character and breaks only at the edge.
enum LineWrap {
    /// The rows of one line of text, as ranges of `characters`: never empty (an empty
    /// line is one empty row), every character in exactly one row, in order. The first
    /// row is `firstWidth` columns wide (a prefix may take some), the others `width`.
    static func rows(_ characters: [Character], width: Int, firstWidth: Int? = nil, hard: Bool = false) -> [Range<Int>] {
        var rows: [Range<Int>] = []
        var start = 0
        while true {
            let available = max(1, rows.isEmpty ? firstWidth ?? width : width)
            var used = 0
            var index = start
            /// Where the row may end (the rest moves down), past `start`.
            var breakAt: Int?
            var overflow = false
            while index < characters.count {
                let character = characters[index]
                let characterWidth = DisplayWidth.of(character)
                if !hard, character == " " {
                    used += characterWidth
                    index += 1
                    breakAt = index
                    continue
                }
                let breaksAround = !hard && characterWidth == 2
                if breaksAround, index > start { breakAt = index }
                if used + characterWidth > available, index > start {
                    overflow = true
                    break
                }
                used += characterWidth
                index += 1
                if breaksAround { breakAt = index }
            }
            guard overflow else {
                rows.append(start..<characters.count)
                return rows
            }
            let end = breakAt ?? index
            rows.append(start..<end)
            start = end
        }
    }
}
