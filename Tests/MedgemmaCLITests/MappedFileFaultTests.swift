import Foundation
import TestSupport
import XCTest

/// A model file truncated while `medgemma` reads it through its mapping: the SIGBUS that
/// follows ends the run with one line naming the file and exit status 74, not a crash.
final class MappedFileFaultTests: XCTestCase {
    func testTruncatedModelEndsInOneLine() throws {
        let folder = NSTemporaryDirectory() + "mapped-fault-\(getpid())"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let model = folder + "/model.gguf", corpus = folder + "/corpus.txt"
        try FileManager.default.copyItem(atPath: try TestEnvironment.defaultModel(), toPath: model)
        // Long enough that the run is still reading weights when the file is cut.
        let paragraph = "The chest radiograph shows clear lungs, a normal heart size and no pleural effusion. "
        try String(repeating: paragraph, count: 4000).write(toFile: corpus, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestEnvironment.executable)
        process.arguments = ["perplexity", "--model", model, "--ctx", "128", "--batch", "16", corpus]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Wait until the model is mapped and in use, then cut it to its first megabyte.
        let maps = "/proc/\(process.processIdentifier)/maps"
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, !((try? String(contentsOfFile: maps, encoding: .utf8))?.contains(model) ?? false) { usleep(50_000) }
        sleep(1)
        XCTAssertTrue(process.isRunning, "still reading when the file is cut")
        XCTAssertEqual(truncate(model, 1 << 20), 0)
        let stop = Date().addingTimeInterval(60)
        while process.isRunning && Date() < stop { usleep(50_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(process.terminationReason, .exit, stderr)
        XCTAssertEqual(process.terminationStatus, 74, stderr)
        XCTAssertEqual(stderr, "medgemma: \(model): the file was truncated or replaced while in use (SIGBUS); "
                       + "nothing more can be read from it — start again to load it afresh\n")
    }
}
