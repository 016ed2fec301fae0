import MedImaging
import TUI
import VisionPreprocessing
import Workstation
import XCTest

final class TranscriptLayoutTests: XCTestCase {
    private func texts(_ layout: TranscriptLayout) -> [String] { layout.lines.map(\.text) }

    func testEntryShapes() {
        var layout = TranscriptLayout(width: 40)
        layout.append(TranscriptEntry(role: .user, text: "Is this **normal**?"))
        layout.append(TranscriptEntry(role: .model, text: "## Findings\nNo **acute** change.",
                                      timing: "prefill 312 tok/s · 41.2 tok/s · 1.2 s to first token",
                                      isComplete: false))
        layout.append(TranscriptEntry(role: .note, text: "Model switched"))
        XCTAssertEqual(texts(layout), [
            "You", "Is this **normal**?",  // user text is shown as typed
            "", "MedGemma", "Findings", "No acute change.",
            // 53 columns: breaks at the last space that fits in 40.
            "prefill 312 tok/s · 41.2 tok/s · 1.2 s", "to first token", "⚠ incomplete",
            "", "Model switched",
        ])
        XCTAssertEqual(layout.lines[0].spans, [StyledSpan("You", .userLabel)])
        XCTAssertEqual(layout.lines[4].spans, [StyledSpan("Findings", [.heading, .bold])])
        XCTAssertEqual(layout.lines[5].spans, [StyledSpan("No "), StyledSpan("acute", .bold), StyledSpan(" change.")])
        XCTAssertEqual(layout.lines[6].spans.first?.style, .timing)
        XCTAssertEqual(layout.lines[8].spans, [StyledSpan("⚠ incomplete", .warning)])
        XCTAssertEqual(layout.lines[10].spans, [StyledSpan("Model switched", .note)])
        XCTAssertEqual(layout.lines.map(\.entryIndex), [0, 0, 1, 1, 1, 1, 1, 1, 1, 2, 2])
        XCTAssertEqual(layout.firstLine(ofEntry: 1), 2)
        XCTAssertEqual(layout.lines(ofEntry: 2).map(\.text), ["", "Model switched"])
    }

    func testListsCodeBlocksAndWideText() {
        var layout = TranscriptLayout(width: 12)
        layout.append(TranscriptEntry(role: .model, text: """
        - alpha beta gamma
        ```
        let x = 1   // long comment here
        ```
        胸部X線検査です
        """))
        XCTAssertEqual(texts(layout), [
            "MedGemma",
            // Hanging indent: "• " then 10 columns; "alpha beta" fits exactly.
            "• alpha beta", "  gamma",
            // Code is hard-wrapped at 12 columns with its spaces kept; fences are hidden.
            "let x = 1   ", "// long comm", "ent here",
            // 胸部X線検査 is 2+2+1+2+2+2 = 11 columns; で (2) would make 13.
            "胸部X線検査", "です",
        ])
        XCTAssertEqual(layout.lines[1].spans.first, StyledSpan("•", .listMarker))
        XCTAssertEqual(layout.lines[3].spans, [StyledSpan("let x = 1   ", .codeBlock)])
    }

    func testEverythingIsSanitised() {
        var layout = TranscriptLayout(width: 40)
        layout.append(TranscriptEntry(role: .model, text: "ok\u{1B}[2J\u{1B}]52;c;ZXZpbA==\u{07}!\u{202E}",
                                      timing: "1 s\n\u{1B}[31m"))
        XCTAssertEqual(texts(layout), ["MedGemma", "ok!<U+202E>", "1 s"])  // the space from the newline is trimmed at the row end
        // A sequence split across two streamed tokens is still consumed whole.
        layout.append(TranscriptEntry(role: .model, text: ""))
        layout.appendToLast("a\u{1B}")
        layout.appendToLast("[2Jb")
        XCTAssertEqual(layout.lines.last?.text, "ab")
        for line in layout.lines {
            XCTAssertFalse(line.text.unicodeScalars.contains { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) })
        }
    }

    func testStreamingReLaysOnlyTheLastEntry() {
        var layout = TranscriptLayout(width: 30)
        for index in 0..<100 {
            layout.append(TranscriptEntry(role: index % 2 == 0 ? .user : .model, text: "message \(index) " + String(repeating: "word ", count: 20)))
        }
        XCTAssertEqual(layout.entriesLaidOut, 100)
        let earlier = Array(layout.lines[..<layout.firstLine(ofEntry: 99)])
        layout.append(TranscriptEntry(role: .model, text: ""))
        for token in ["The ", "lungs ", "are ", "clear", ".\n", "- no ", "effusion"] {
            layout.appendToLast(token)
        }
        layout.updateLast { $0.timing = "41.2 tok/s" }
        // 100 + the new entry + 7 tokens + the timing update: one layout each.
        XCTAssertEqual(layout.entriesLaidOut, 109)
        XCTAssertEqual(Array(layout.lines[..<layout.firstLine(ofEntry: 99)]), earlier, "earlier rows untouched")
        XCTAssertEqual(Array(texts(layout).suffix(5)), ["", "MedGemma", "The lungs are clear.", "• no effusion", "41.2 tok/s"])

        // The cost of a token does not depend on how long the conversation is.
        var short = TranscriptLayout(width: 30)
        short.append(TranscriptEntry(role: .model, text: ""))
        let before = short.entriesLaidOut
        short.appendToLast("token")
        XCTAssertEqual(short.entriesLaidOut - before, 1)
    }

    func testWidthChangeReLaysEverythingOnce() {
        var layout = TranscriptLayout(width: 20)
        layout.append(TranscriptEntry(role: .user, text: "one two three four five six"))
        layout.append(TranscriptEntry(role: .model, text: "seven eight"))
        XCTAssertEqual(texts(layout), ["You", "one two three four", "five six", "", "MedGemma", "seven eight"])
        layout.setWidth(20)
        XCTAssertEqual(layout.entriesLaidOut, 2, "same width: nothing to do")
        layout.setWidth(9)
        XCTAssertEqual(layout.entriesLaidOut, 4)
        XCTAssertEqual(texts(layout), ["You", "one two", "three", "four five", "six", "", "MedGemma", "seven", "eight"])
        layout.removeAll()
        XCTAssertEqual(layout.lines, [])
        layout.updateLast { $0.text = "nothing to update" }
        XCTAssertEqual(layout.entries, [])
    }

    func testImagesShownWithAMessageAreNamedAfterItsText() throws {
        let picture = try RGBImage(width: 1, height: 1, pixels: [0, 0, 0])
        let image = ImageAttachment(source: "chest.png", preparation: "window 400/40", picture: picture)
        var layout = TranscriptLayout(width: 60)
        layout.append(TranscriptEntry(role: .user, text: "Heart size?", images: [image]))
        XCTAssertEqual(texts(layout), ["You", "Heart size?", "", "(with image chest.png · window 400/40)"])
    }
}
