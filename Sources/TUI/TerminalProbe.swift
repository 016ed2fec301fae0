import Glibc
import TerminalGraphics

/// What the terminal says about its graphics, asked once before the screen starts:
/// the primary device attributes (DA1: does it draw sixels?) and, where it answers,
/// xterm's XTSMGRAPHICS count of sixel colour registers.
///
/// Both queries go out together; every terminal answers DA1, so reading stops at its
/// final `c` (or after a short timeout for one that answers nothing, such as a pipe
/// pretending to be a terminal). The terminal's own modes are restored afterwards.
public struct TerminalProbe: Equatable, Sendable {
    public var sixel: Bool
    /// Colour registers for sixel images, when the terminal reported them.
    public var colorRegisters: Int?

    public init(sixel: Bool, colorRegisters: Int?) {
        self.sixel = sixel
        self.colorRegisters = colorRegisters
    }

    /// Reads the answers; nil when standard input/output are not a terminal or nothing came back.
    public static func run(timeoutMilliseconds: Int = 300) -> TerminalProbe? {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { return nil }
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { return nil }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        raw.c_cc.6 = 0  // VMIN
        raw.c_cc.5 = 0  // VTIME
        guard tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0 else { return nil }
        defer { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
        let query = Array(("\u{1B}[?1;1;0S" + DeviceAttributes.primaryQuery).utf8)
        _ = query.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
        var answer: [UInt8] = []
        var waited = 0
        while waited < timeoutMilliseconds, answer.count < 4096 {
            var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            let step = 20
            if poll(&descriptor, 1, Int32(step)) > 0 {
                var buffer = [UInt8](repeating: 0, count: 256)
                let n = read(STDIN_FILENO, &buffer, buffer.count)
                if n <= 0 { break }
                answer += buffer[0..<n]
                if let text = String(bytes: answer, encoding: .utf8), Self.hasDeviceAttributes(text) { break }
            } else {
                waited += step
            }
        }
        guard let text = String(bytes: answer, encoding: .utf8), !text.isEmpty else { return nil }
        return parse(text)
    }

    /// Interprets the answers (pure, for tests).
    public static func parse(_ text: String) -> TerminalProbe {
        // Each answer starts with ESC [ ?; DA1's is the one that ends in `c`.
        let answers = text.components(separatedBy: "\u{1B}[?").dropFirst().map { "\u{1B}[?" + $0 }
        let sixel = answers.contains { $0.contains("c") && DeviceAttributes.announcesSixel($0) }
        return TerminalProbe(sixel: sixel, colorRegisters: registers(in: text))
    }

    /// `ESC [ ? 1 ; 0 ; N S`: XTSMGRAPHICS succeeded and reports N registers.
    static func registers(in text: String) -> Int? {
        guard let start = text.range(of: "\u{1B}[?1;0;"), let end = text[start.upperBound...].firstIndex(of: "S"),
              let count = Int(text[start.upperBound..<end]), count > 0 else { return nil }
        return min(count, 4096)
    }

    static func hasDeviceAttributes(_ text: String) -> Bool {
        guard let start = text.range(of: "\u{1B}[?") else { return false }
        // The XTSMGRAPHICS answer also starts with ESC [ ?; DA1's ends with c.
        return text[start.lowerBound...].contains("c")
    }
}

extension Terminal {
    /// The size of one character cell in pixels, from the kernel's window size
    /// (terminals such as xterm fill in the pixel fields); nil when the terminal leaves
    /// them zero. Sixel images are sized with it so they fill the pane exactly.
    public var cellPixelSize: (width: Int, height: Int)? {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0,
              size.ws_xpixel > 0, size.ws_ypixel > 0 else { return nil }
        return (Int(size.ws_xpixel) / Int(size.ws_col), Int(size.ws_ypixel) / Int(size.ws_row))
    }
}
