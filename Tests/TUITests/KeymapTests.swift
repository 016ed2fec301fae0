import TUI
import XCTest

final class KeymapTests: XCTestCase {
    private let keymap = Keymap.standard
    private let panes: [FocusContext] = [.input, .transcript, .image]

    func testNoKeyIsBoundTwiceInOneContext() {
        XCTAssertEqual(keymap.conflicts, [])
    }

    func testConflictsAreDetected() {
        let broken = Keymap([KeyBinding(.tab, .global, .action(.focusNext)),
                             KeyBinding(.tab, .input, .action(.send)),
                             KeyBinding(.tab, .global, .action(.quit))])
        XCTAssertEqual(broken.conflicts, [KeyBinding(.tab, .global, .action(.quit))])
        XCTAssertEqual(broken.command(for: .tab, focus: .transcript), .action(.focusNext))  // first one wins
    }

    /// A pane binding that reused a navigation or global key would hide it in that pane,
    /// and the overlay would list a key that does something else there.
    func testNoPaneBindingShadowsAnotherInItsLookupChain() {
        for focus in panes {
            var seen: [Key: FocusContext] = [:]
            for context in focus.lookupChain {
                for binding in keymap.bindings(in: context) {
                    if let earlier = seen[binding.key], earlier != context {
                        XCTFail("\(binding.key.label) in \(context) is shadowed by \(earlier) when \(focus) has focus")
                    }
                    seen[binding.key] = context
                }
            }
        }
    }

    func testEveryActionIsReachableFromThePalette() {
        let palette = CommandPalette(keymap: keymap)
        XCTAssertEqual(Set(palette.entries.map(\.action)), Set(Action.allCases))
        for action in Action.allCases {
            XCTAssertEqual(palette.matches(action.name).first?.action, action, "typing \(action.name)")
        }
    }

    func testEveryKeyInTheOverlayDoesWhatTheOverlaySays() {
        let overlay = HelpOverlay(keymap: keymap)
        var listed = 0
        for section in overlay.sections {
            for entry in section.entries {
                for key in entry.keys {
                    listed += 1
                    XCTAssertEqual(keymap.command(for: key, focus: section.context), entry.command,
                                   "\(key.label) in \(section.title)")
                }
            }
        }
        XCTAssertEqual(listed, keymap.bindings.count, "every binding is listed once")
    }

    func testKeysFromTheIssue() {
        let expectations: [(Key, FocusContext, KeyCommand)] = [
            (.tab, .input, .action(.focusNext)), (.backTab, .image, .action(.focusPrevious)),
            (.enter, .input, .action(.send)), (.altEnter, .input, .action(.newline)),
            (.control("j"), .input, .action(.newline)),
            (.escape, .input, .action(.cancel)), (.control("c"), .transcript, .action(.cancel)),
            (.pageUp, .input, .action(.scrollUp)), (.pageDown, .image, .action(.scrollDown)),
            (.wheelUp, .input, .action(.scrollLineUp)), (.wheelDown, .transcript, .action(.scrollLineDown)),
            (.control("p"), .input, .action(.palette)), (.character("?"), .transcript, .action(.help)),
            (.character(":"), .image, .action(.commandLine)),
            (.character("o"), .transcript, .action(.openStudies)), (.character("r"), .image, .action(.openReport)),
            (.character("t"), .transcript, .action(.cycleTheme)),
            (.character("+"), .image, .action(.zoomIn)), (.character("-"), .image, .action(.zoomOut)),
            (.left, .image, .action(.panLeft)), (.right, .image, .action(.panRight)),
            (.up, .image, .action(.panUp)), (.down, .image, .action(.panDown)),
            (.character("w"), .image, .action(.windowPreset)), (.character("i"), .image, .action(.invert)),
            (.character("e"), .image, .action(.equalize)), (.character("m"), .image, .action(.modelView)),
            (.character("0"), .image, .action(.resetView)), (.character("n"), .image, .action(.nextImage)),
            (.character("p"), .image, .action(.previousImage)),
            (.character("."), .image, .action(.nextSlice)), (.character(","), .image, .action(.previousSlice)),
            (.up, .input, .edit(.moveUp)), (.up, .transcript, .action(.scrollLineUp)),
            (.controlLeft, .input, .edit(.wordLeft)), (.alt("f"), .input, .edit(.wordRight)),
            (.control("w"), .input, .edit(.killWordBackward)),
            (.control("z"), .report, .action(.undo)), (.control("y"), .report, .action(.redo)),
            (.control("y"), .input, .edit(.yank)),
        ]
        for (key, focus, command) in expectations {
            XCTAssertEqual(keymap.command(for: key, focus: focus), command, "\(key.label) in \(focus)")
        }
    }

    func testLettersAreTypedInTheInput() {
        for letter in "ortq?:+-wiemnp0" {
            XCTAssertNil(keymap.command(for: .character(letter), focus: .input), "\(letter) must be typed")
        }
        XCTAssertNil(keymap.command(for: .character("+"), focus: .transcript), "image keys only in the image pane")
    }

    func testKeysForACommand() {
        XCTAssertEqual(keymap.keys(for: .action(.cancel)), [.escape, .control("c")])
        XCTAssertEqual(keymap.keys(for: .action(.clear)), [])
    }
}
