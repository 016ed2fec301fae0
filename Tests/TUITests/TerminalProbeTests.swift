import TUI
import XCTest

/// The start-up graphics question, as xterm -ti vt340 really answers it (recorded with
/// `printf '\e[?1;1;0S\e[c'` in that terminal) and as terminals without sixels do.
final class TerminalProbeTests: XCTestCase {
    func testXtermVT340AnswersSixelWith256Registers() {
        let xterm = "\u{1B}[?1;0;256S\u{1B}[?63;1;2;4;6;9;15;16;22;28c"
        XCTAssertEqual(TerminalProbe.parse(xterm), TerminalProbe(sixel: true, colorRegisters: 256))
    }

    func testTerminalsWithoutSixelOrRegisterCount() {
        // tmux 3.3: no sixel, XTSMGRAPHICS not answered.
        XCTAssertEqual(TerminalProbe.parse("\u{1B}[?1;2c"), TerminalProbe(sixel: false, colorRegisters: nil))
        // XTSMGRAPHICS failure status (3) carries no count.
        XCTAssertEqual(TerminalProbe.parse("\u{1B}[?1;3;0S\u{1B}[?62;4c"), TerminalProbe(sixel: true, colorRegisters: nil))
        XCTAssertEqual(TerminalProbe.parse("garbage"), TerminalProbe(sixel: false, colorRegisters: nil))
    }
}
