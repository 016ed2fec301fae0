/// How many colours half-block cells may use: 24-bit where `COLORTERM` says the terminal
/// takes direct colour, else the xterm 256-colour palette.
public enum ColorDepth: Sendable, Equatable {
    case trueColor
    case palette256

    public static func detect(environment: [String: String]) -> ColorDepth {
        let value = (environment["COLORTERM"] ?? "").lowercased()
        return value == "truecolor" || value == "24bit" ? .trueColor : .palette256
    }
}
