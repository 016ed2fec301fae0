import XCTest
@testable import Workstation

final class AutosaveScheduleTests: XCTestCase {
    private let t0 = ContinuousClock.now

    private func at(_ seconds: Double) -> ContinuousClock.Instant { t0 + .milliseconds(Int(seconds * 1000)) }

    func testNothingIsDueWithoutAChange() {
        let schedule = AutosaveSchedule(interval: .seconds(5))
        XCTAssertFalse(schedule.isDue(at: at(100)))
        XCTAssertFalse(schedule.hasUnsavedChanges)
        XCTAssertNil(schedule.nextDue)
    }

    func testTheFirstChangeSavesAtOnceThenAtMostOncePerInterval() {
        var schedule = AutosaveSchedule(interval: .seconds(5))
        schedule.noteChange(at: at(1))
        XCTAssertTrue(schedule.isDue(at: at(1)), "never saved: save now")
        schedule.noteSaved(at: at(1))
        XCTAssertFalse(schedule.hasUnsavedChanges)

        schedule.noteChange(at: at(2))
        schedule.noteChange(at: at(3))
        XCTAssertEqual(schedule.unsavedSince, at(2), "the oldest unsaved change counts")
        XCTAssertEqual(schedule.nextDue, at(6))
        XCTAssertFalse(schedule.isDue(at: at(5.999)))
        XCTAssertTrue(schedule.isDue(at: at(6)))
        schedule.noteSaved(at: at(6.5))

        schedule.noteChange(at: at(30))
        XCTAssertEqual(schedule.nextDue, at(30), "long after the last save, a change is saved at once")
        XCTAssertTrue(schedule.isDue(at: at(30)))
        XCTAssertTrue(schedule.hasUnsavedChanges, "and on quit it must be saved")
    }

    func testAFailedSaveKeepsTheChangeAndRetriesAfterTheInterval() {
        var schedule = AutosaveSchedule(interval: .seconds(5))
        schedule.noteChange(at: at(1))
        schedule.noteFailure(at: at(1))
        XCTAssertTrue(schedule.hasUnsavedChanges)
        XCTAssertTrue(schedule.isFailing)
        XCTAssertFalse(schedule.isDue(at: at(5.9)), "no retry on every loop turn")
        XCTAssertEqual(schedule.nextDue, at(6))
        XCTAssertTrue(schedule.isDue(at: at(6)))
        schedule.noteSaved(at: at(6))
        XCTAssertFalse(schedule.isFailing)
        XCTAssertFalse(schedule.hasUnsavedChanges)
    }
}
