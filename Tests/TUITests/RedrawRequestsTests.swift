@testable import TUI
import XCTest

/// The one place the workstation asks for a redraw: requests add up until a frame answers them.
final class RedrawRequestsTests: XCTestCase {
    func testTheFirstFrameSendsEveryCellAndThePicture() {
        let requests = RedrawRequests()
        XCTAssertEqual(requests.pending, [.allCells, .image])
        XCTAssertFalse(requests.wantsFrame, "run() draws the first frame itself")
    }

    func testRequestsAddUpAndTakeAnswersOnlyWhatItNames() {
        var requests = RedrawRequests()
        _ = requests.take(.screen)
        XCTAssertFalse(requests.take(.allCells))
        requests.request(.frame)
        requests.request(.image)
        XCTAssertTrue(requests.wantsFrame)
        XCTAssertTrue(requests.take(.frame))
        XCTAssertFalse(requests.wantsFrame)
        XCTAssertEqual(requests.pending, .image)
        XCTAssertTrue(requests.take([.allCells, .image]), "any of them pending")
        XCTAssertEqual(requests.pending, [])
    }

    func testScreenIsAFrameWithEveryCellAndThePicture() {
        var requests = RedrawRequests()
        _ = requests.take(.screen)
        requests.request(.screen)
        XCTAssertTrue(requests.wantsFrame)
        XCTAssertTrue(requests.take(.allCells))
        XCTAssertTrue(requests.take(.image))
    }

    func testStreamedChangesDrawAtMostEveryHundredMilliseconds() {
        let step = RedrawRequests.streamingFrameNanoseconds
        var requests = RedrawRequests()
        requests.noteFrame(at: 1_000 * step)
        requests.noteChat(changed: true, at: 1_000 * step + step / 2)
        XCTAssertFalse(requests.wantsFrame, "too soon after the last frame")
        requests.noteChat(changed: false, at: 1_002 * step)
        XCTAssertFalse(requests.wantsFrame, "nothing new")
        requests.noteChat(changed: true, at: 1_001 * step)
        XCTAssertTrue(requests.wantsFrame)
    }
}
