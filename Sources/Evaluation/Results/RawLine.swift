/// One line's byte range (without its newline) in a file's bytes.
struct RawLine {
    let start: Int
    let end: Int
    let hasNewline: Bool

    /// The lines of `bytes`; a final piece after the last newline is a line without one.
    static func split(_ bytes: [UInt8]) -> [RawLine] {
        var lines: [RawLine] = []
        var start = 0
        for (i, byte) in bytes.enumerated() where byte == 0x0A {
            lines.append(RawLine(start: start, end: i, hasNewline: true))
            start = i + 1
        }
        if start < bytes.count { lines.append(RawLine(start: start, end: bytes.count, hasNewline: false)) }
        return lines
    }

    /// Only spaces, tabs and carriage returns.
    func isBlank(in bytes: [UInt8]) -> Bool {
        bytes[start..<end].allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }
}
