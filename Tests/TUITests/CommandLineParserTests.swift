import TUI
import XCTest

final class CommandLineParserTests: XCTestCase {
    private let parser = CommandLineParser(homeDirectory: "/home/ana")

    private func parse(_ line: String) throws -> ParsedCommand { try parser.parse(line) }

    private func error(_ line: String) -> String? {
        do {
            _ = try parser.parse(line)
            return nil
        } catch {
            return "\(error)"
        }
    }

    func testSetForms() throws {
        XCTAssertEqual(try parse(":set temperature 0.7"), ParsedCommand(action: .setTemperature, argument: .number(0.7)))
        XCTAssertEqual(try parse("set temperature=0.7"), ParsedCommand(action: .setTemperature, argument: .number(0.7)))
        XCTAssertEqual(try parse(":set-temperature 0"), ParsedCommand(action: .setTemperature, argument: .number(0)))
        XCTAssertEqual(try parse(":set max-tokens 256"), ParsedCommand(action: .setMaxTokens, argument: .integer(256)))
        XCTAssertEqual(try parse(":set system-prompt You are a  radiologist. "),
                       ParsedCommand(action: .setSystemPrompt, argument: .text("You are a  radiologist.")))
        XCTAssertEqual(try parse(":set model \"/models/med gemma.gguf\""),
                       ParsedCommand(action: .switchModel, argument: .path("/models/med gemma.gguf")))
        XCTAssertEqual(try parse(":SET Theme dark"), ParsedCommand(action: .theme, argument: .name("dark")))
    }

    func testCommandsWithPaths() throws {
        let expected = ParsedCommand(action: .loadImage, argument: .path("/path/with spaces.png"))
        XCTAssertEqual(try parse(":load /path/with spaces.png"), expected)
        XCTAssertEqual(try parse(":load \"/path/with spaces.png\""), expected)
        XCTAssertEqual(try parse(":load-image '/path/with spaces.png'  "), expected)
        XCTAssertEqual(try parse(#":load "/a \"q\" \\b.png""#),
                       ParsedCommand(action: .loadImage, argument: .path(#"/a "q" \b.png"#)))
        XCTAssertEqual(try parse(":export ~/t.md"), ParsedCommand(action: .exportTranscript, argument: .path("/home/ana/t.md")))
        XCTAssertEqual(try CommandLineParser().parse(":export ~/t.md"),
                       ParsedCommand(action: .exportTranscript, argument: .path("~/t.md")))
        XCTAssertEqual(try parse(":export"), ParsedCommand(action: .exportTranscript))
        XCTAssertEqual(try parse(":export notes~/x.md"), ParsedCommand(action: .exportTranscript, argument: .path("notes~/x.md")))
    }

    func testSimpleCommandsAndAliases() throws {
        XCTAssertEqual(try parse(":theme dark"), ParsedCommand(action: .theme, argument: .name("dark")))
        XCTAssertEqual(try parse(":new-chat"), ParsedCommand(action: .newChat))
        XCTAssertEqual(try parse("  :clear  "), ParsedCommand(action: .clear))
        XCTAssertEqual(try parse(":q"), ParsedCommand(action: .quit))
        XCTAssertEqual(try parse(":regen"), ParsedCommand(action: .regenerate))
        XCTAssertEqual(try parse(":model gemma.gguf"), ParsedCommand(action: .switchModel, argument: .path("gemma.gguf")))
    }

    func testEveryActionRunsByItsName() throws {
        for action in Action.allCases {
            var line = ":" + action.name
            switch action.argument?.kind {
            case .number?: line += " 1"
            case .integer?: line += " 5"
            case .text?, .path?, .name?: line += " x"
            case nil: break
            }
            XCTAssertEqual(try parse(line).action, action, line)
        }
    }

    func testErrorsAreClearAndOneLine() {
        let cases: [(String, String)] = [
            (":foo", "unknown command 'foo' (try :help)"),
            (":", "type a command after ':' (try :help)"),
            (":set colour red", "unknown setting 'colour' (try temperature, max-tokens, system-prompt, model or theme)"),
            (":set temperature", "':set temperature' needs a number from 0 to 2, e.g. :set temperature 0.7"),
            (":set temperature 3", "':set temperature' needs a number from 0 to 2, not '3'"),
            (":set temperature warm", "':set temperature' needs a number from 0 to 2, not 'warm'"),
            (":set temperature nan", "':set temperature' needs a number from 0 to 2, not 'nan'"),
            (":set max-tokens 2.5", "':set max-tokens' needs a whole number from 1 to 131072, not '2.5'"),
            (":set-max-tokens 0", "':set-max-tokens' needs a whole number from 1 to 131072, not '0'"),
            (":load", "':load' needs a file path, e.g. :load IMAGE|DIR"),
            (":theme solar dark", "':theme' needs a name, not 'solar dark'"),
            (":clear now", "':clear' takes no argument (got 'now')"),
            (":load \"/unterminated", "missing closing quote"),
            (":load \"/a.png\" extra", "unexpected 'extra' after the closing quote"),
            // What the user typed is echoed sanitised: the CSI is consumed whole.
            (":fo\u{1B}[2Jo", "unknown command 'foo' (try :help)"),
        ]
        for (line, message) in cases {
            XCTAssertEqual(error(line), message, line.debugDescription)
        }
        XCTAssertEqual(error(":" + String(repeating: "x", count: 100)),
                       "unknown command '" + String(repeating: "x", count: 39) + "…' (try :help)")
    }
}
