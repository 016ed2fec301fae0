import Foundation
import MedImaging
import VisionPreprocessing
import XCTest
@testable import Workstation

final class BackgroundEncoderTests: XCTestCase {
    private func attachment(_ name: String, _ value: UInt8) throws -> ImageAttachment {
        ImageAttachment(source: "study/\(name).png", preparation: "", picture: try RGBImage(width: 1, height: 1, pixels: [value, value, value]))
    }

    /// Every state, in order, from prefetch to idle; the work reports half of each image.
    func testProgressIsReportedInOrder() throws {
        let log = EmbeddingTestRecorder<String>()
        let states = EmbeddingTestRecorder<BackgroundEncodingState>()
        let encoder = BackgroundEncoder { image, progress in
            log.append(image.source)
            progress(0.5)
        }
        let finished = expectation(description: "idle")
        encoder.onChange = { state in
            states.append(state)
            if state == .idle { finished.fulfill() }
        }
        encoder.prefetch([try attachment("cxr-01", 1), try attachment("cxr-02", 2)], labels: ["cxr-01 frontal", "cxr-02 lateral"])
        wait(for: [finished], timeout: 10)
        XCTAssertEqual(log.values, ["study/cxr-01.png", "study/cxr-02.png"])
        XCTAssertEqual(states.values, [
            .encoding(index: 1, total: 2, label: "cxr-01 frontal", fraction: 0),
            .encoding(index: 1, total: 2, label: "cxr-01 frontal", fraction: 0.25),
            .encoding(index: 2, total: 2, label: "cxr-02 lateral", fraction: 0.5),
            .encoding(index: 2, total: 2, label: "cxr-02 lateral", fraction: 0.75),
            .idle,
        ])
        XCTAssertEqual(encoder.state, .idle)
        XCTAssertEqual(BackgroundEncodingState.encoding(index: 2, total: 2, label: "cxr-02 lateral", fraction: 0.75).statusLine,
                       "encoding images 2/2: cxr-02 lateral (75%)")
    }

    /// `waitUntilIdle` returns once the last state has been delivered, even to a slow
    /// handler (ThreadSanitizer found a test reading the states while they still arrived).
    func testWaitUntilIdleWaitsForTheLastNotification() throws {
        let states = EmbeddingTestRecorder<BackgroundEncodingState>()
        let encoder = BackgroundEncoder { _, _ in }
        encoder.onChange = { state in
            Thread.sleep(forTimeInterval: 0.05)
            states.append(state)
        }
        encoder.prefetch([try attachment("a", 1), try attachment("b", 2)])
        XCTAssertTrue(encoder.waitUntilIdle(timeout: 10))
        XCTAssertEqual(states.values.last, .idle)
        XCTAssertEqual(states.values.count, 3)
    }

    /// Images not yet started are dropped; the one in progress finishes.
    func testCancelPendingDropsWaitingImages() throws {
        let started = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let log = EmbeddingTestRecorder<String>()
        let encoder = BackgroundEncoder { image, _ in
            log.append(image.source)
            if log.values.count == 1 { started.signal(); release.wait() }
        }
        encoder.prefetch([try attachment("a", 1), try attachment("b", 2), try attachment("c", 3)])
        XCTAssertEqual(started.wait(timeout: .now() + 10), .success)
        XCTAssertEqual(encoder.state, .encoding(index: 1, total: 3, label: "a.png", fraction: 0))
        encoder.cancelPending()
        XCTAssertEqual(encoder.state, .encoding(index: 1, total: 1, label: "a.png", fraction: 0))
        release.signal()
        XCTAssertTrue(encoder.waitUntilIdle(timeout: 10))
        XCTAssertEqual(log.values, ["study/a.png"])
        XCTAssertEqual(encoder.state, .idle)
        // The encoder is usable again afterwards (another study opened).
        encoder.prefetch([try attachment("d", 4)])
        XCTAssertTrue(encoder.waitUntilIdle(timeout: 10))
        XCTAssertEqual(log.values, ["study/a.png", "study/d.png"])
    }

    /// Nothing starts while paused; everything runs after resume.
    func testPauseHoldsWorkBack() throws {
        let log = EmbeddingTestRecorder<String>()
        let encoder = BackgroundEncoder { image, _ in log.append(image.source) }
        encoder.pause()
        encoder.prefetch([try attachment("a", 1), try attachment("b", 2)])
        XCTAssertFalse(encoder.waitUntilIdle(timeout: 0.3))
        XCTAssertEqual(log.values, [])
        XCTAssertEqual(encoder.state, .paused(index: 1, total: 2, label: "a.png"))
        encoder.resume()
        XCTAssertTrue(encoder.waitUntilIdle(timeout: 10))
        XCTAssertEqual(log.values, ["study/a.png", "study/b.png"])
    }

    /// Duplicates are queued once; a failure is reported at the end of the batch and the
    /// other images are still encoded.
    func testDuplicatesAndFailures() throws {
        struct Broken: Error, CustomStringConvertible { var description: String { "bad pixels" } }
        let log = EmbeddingTestRecorder<String>()
        let encoder = BackgroundEncoder { image, _ in
            log.append(image.source)
            if image.source.hasSuffix("b.png") { throw Broken() }
        }
        encoder.pause()
        let a = try attachment("a", 1)
        encoder.prefetch([a, try attachment("b", 2), a])
        encoder.prefetch([a, try attachment("c", 3)])
        XCTAssertEqual(encoder.state, .paused(index: 1, total: 3, label: "a.png"))
        encoder.resume()
        XCTAssertTrue(encoder.waitUntilIdle(timeout: 10))
        XCTAssertEqual(log.values, ["study/a.png", "study/b.png", "study/c.png"])
        XCTAssertEqual(encoder.state, .failed(message: "b.png: bad pixels"))
    }
}

/// A thread-safe list for what the encoder's threads report.
final class EmbeddingTestRecorder<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Value] = []
    func append(_ value: Value) { lock.withLock { storage.append(value) } }
    var values: [Value] { lock.withLock { storage } }
}
