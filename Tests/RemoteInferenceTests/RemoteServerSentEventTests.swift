import Workstation
import XCTest
@testable import RemoteInference

/// The event-stream parser on hand-written streams, fed whole and split at every byte
/// position (the network may cut anywhere: inside a CRLF, inside a UTF-8 character).
final class RemoteServerSentEventTests: XCTestCase {
    private func parse(_ stream: [UInt8], splitAt cuts: [Int] = []) -> [ServerSentEvent] {
        var parser = ServerSentEventParser()
        var events: [ServerSentEvent] = []
        var start = 0
        for cut in cuts + [stream.count] {
            events += parser.feed(stream[start..<cut])
            start = cut
        }
        return events
    }

    private func assertEverySplit(_ text: String, _ expected: [ServerSentEvent], file: StaticString = #filePath, line: UInt = #line) {
        let bytes = Array(text.utf8)
        XCTAssertEqual(parse(bytes), expected, "whole", file: file, line: line)
        for i in 0...bytes.count {
            XCTAssertEqual(parse(bytes, splitAt: [i]), expected, "split at \(i)", file: file, line: line)
        }
        // One byte at a time.
        XCTAssertEqual(parse(bytes, splitAt: Array(0...bytes.count)), expected, "byte by byte", file: file, line: line)
    }

    func testOpenAIStreamWithDone() {
        let stream = "data: {\"a\":1}\n\ndata: {\"b\":2}\n\ndata: [DONE]\n\n"
        assertEverySplit(stream, [ServerSentEvent(data: "{\"a\":1}"), ServerSentEvent(data: "{\"b\":2}"), ServerSentEvent(data: "[DONE]")])
        XCTAssertTrue(parse(Array(stream.utf8)).last!.isDone)
    }

    func testLineEndingsCRLFAndCR() {
        let expected = [ServerSentEvent(data: "one"), ServerSentEvent(data: "two")]
        assertEverySplit("data: one\r\n\r\ndata: two\r\n\r\n", expected)
        assertEverySplit("data: one\r\rdata: two\r\r", expected)
        assertEverySplit("data: one\n\r\ndata: two\r\n\n", expected)
    }

    func testCommentsFieldsAndMultiLineData() {
        let stream = ": keep-alive\n\nevent: message\nid: 7\nretry: 100\ndata: first\ndata:second\nunknown: x\n\n: ping\ndata\n\n"
        // A bare "data" line is an empty data field; the last event id carries over (HTML spec).
        assertEverySplit(stream, [ServerSentEvent(type: "message", data: "first\nsecond", id: "7"), ServerSentEvent(data: "", id: "7")])
    }

    func testMultiByteUTF8SplitAnywhere() {
        let text = "Röntgen 🫁 ≈ 肺"
        assertEverySplit("data: {\"t\":\"\(text)\"}\n\n", [ServerSentEvent(data: "{\"t\":\"\(text)\"}")])
    }

    func testByteOrderMarkAndIncompleteTail() {
        assertEverySplit("\u{FEFF}data: x\n\ndata: never ended", [ServerSentEvent(data: "x")])
        var parser = ServerSentEventParser()
        _ = parser.feed(Array("data: x\n\ndata: part".utf8))
        XCTAssertTrue(parser.hasPartialEvent)
        var complete = ServerSentEventParser()
        _ = complete.feed(Array("data: x\n\n".utf8))
        XCTAssertFalse(complete.hasPartialEvent)
    }

    /// A line that never ends, or data lines with no blank line after them, stop at the
    /// limit: the parser holds no more and says so; events before it came through.
    func testEndlessLinesStopAtTheLimit() {
        var parser = ServerSentEventParser()
        XCTAssertEqual(parser.feed(Array("data: first\n\n".utf8)).map(\.data), ["first"])
        let megabyte = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
        _ = parser.feed(Array("data: ".utf8))
        for _ in 0..<3 { XCTAssertEqual(parser.feed(megabyte).count, 0) }
        XCTAssertFalse(parser.overflowed, "3 MB is within the limit")
        for _ in 0..<3 { _ = parser.feed(megabyte) }
        XCTAssertTrue(parser.overflowed)
        XCTAssertEqual(parser.feed(Array("\n\ndata: later\n\n".utf8)).count, 0, "nothing after the overflow")

        var lines = ServerSentEventParser()
        let kilobyteLine = Array(("data: " + String(repeating: "b", count: 1024) + "\n").utf8)
        for _ in 0..<5000 { _ = lines.feed(kilobyteLine) }
        XCTAssertTrue(lines.overflowed, "data lines without the blank line that ends an event")
    }
}
