import TUI
import XCTest

final class ActionTests: XCTestCase {
    func testCommandNamesAreStableKebabCaseAndUnique() {
        let names = Action.allCases.map(\.name)
        XCTAssertEqual(Set(names).count, names.count)
        for name in names {
            XCTAssertTrue(name.allSatisfy { ("a"..."z").contains($0) || $0 == "-" }, name)
            XCTAssertFalse(name.hasPrefix("-") || name.hasSuffix("-"), name)
        }
        // Names from the issue and the brief; the command line depends on them.
        for name in ["new-chat", "regenerate", "clear", "export-transcript", "set-temperature", "set-max-tokens",
                     "set-system-prompt", "switch-model", "load-image", "theme", "cycle-theme", "open-studies",
                     "open-report", "save-report", "send", "newline", "cancel", "quit", "help", "palette",
                     "command-line", "focus-next", "focus-previous", "scroll-up", "scroll-down", "zoom-in",
                     "zoom-out", "pan-left", "pan-right", "pan-up", "pan-down", "window-preset", "invert",
                     "equalize", "model-view", "reset-view", "next-image", "previous-image", "copy-reply"] {
            XCTAssertNotNil(Action(rawValue: name), name)
        }
    }

    func testTitlesAndSummariesAreSingleLines() {
        for action in Action.allCases {
            for text in [action.title, action.summary] {
                XCTAssertFalse(text.isEmpty, action.name)
                XCTAssertFalse(text.contains("\n"), action.name)
                XCTAssertLessThanOrEqual(DisplayWidth.of(text), 60, action.name)
            }
        }
    }

    func testArguments() {
        XCTAssertEqual(Action.setTemperature.argument?.kind, .number(0...2))
        XCTAssertEqual(Action.setMaxTokens.argument?.expectation, "a whole number from 1 to 131072")
        XCTAssertEqual(Action.setTemperature.argument?.expectation, "a number from 0 to 2")
        XCTAssertEqual(Action.loadImage.argument?.kind, .path)
        XCTAssertEqual(Action.exportTranscript.argument?.isOptional, true)
        XCTAssertTrue(Action.theme.takesArgument)
        XCTAssertFalse(Action.cycleTheme.takesArgument)
        XCTAssertFalse(Action.clear.takesArgument)
        XCTAssertFalse(Action.send.takesArgument)
    }
}
