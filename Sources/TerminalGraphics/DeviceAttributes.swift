/// The terminal's answer to the primary device-attributes query (DA1, `ESC [ c`), which
/// is how a program learns whether the terminal draws sixels: the answer
/// `ESC [ ? 6x ; … c` lists attribute 4 ("sixel graphics") when it does.
public enum DeviceAttributes {
    /// The query to write to the terminal.
    public static let primaryQuery = "\u{1B}[c"

    /// Whether a DA1 answer announces sixel graphics. Accepts the answer with or without
    /// surrounding bytes (other input may arrive around it); anything unparsable is "no".
    public static func announcesSixel(_ answer: String) -> Bool {
        let bytes = Array(answer.utf8)
        guard let start = (0..<max(0, bytes.count - 2)).first(where: {
            bytes[$0] == 0x1B && bytes[$0 + 1] == UInt8(ascii: "[") && bytes[$0 + 2] == UInt8(ascii: "?")
        }), let end = bytes[(start + 3)...].firstIndex(of: UInt8(ascii: "c")) else { return false }
        let parameters = bytes[(start + 3)..<end].split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false)
        guard parameters.allSatisfy({ !$0.isEmpty && $0.allSatisfy { (48...57).contains($0) } }) else { return false }
        return parameters.dropFirst().contains { Array($0) == [UInt8(ascii: "4")] }
    }
}
