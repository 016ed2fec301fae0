import Foundation
import XCTest

/// Runs a shell command inside a real `xterm -ti vt340` (a sixel-capable terminal) on a
/// private Xvfb display and returns a screenshot of the screen, so tests can check what
/// a terminal really draws. Needs Debian's xvfb, xterm, x11-apps (xwd) and netpbm
/// (xwdtopnm), which `make test` installs; a missing tool skips the test unless
/// `MEDGEMMA_REQUIRE_TOOLS=1` (set by `make test`), where it fails (`TestRequirement.tools`).
public enum XtermScreenshot {
    public struct Screen {
        public let width: Int
        public let height: Int
        /// RGB, row-major.
        public let pixels: [UInt8]
        public func rgb(x: Int, y: Int) -> (Int, Int, Int) {
            let i = (y * width + x) * 3
            return (Int(pixels[i]), Int(pixels[i + 1]), Int(pixels[i + 2]))
        }
    }

    struct Failure: Error, CustomStringConvertible { let description: String }

    /// `command` runs in `sh -c` inside the terminal; the screenshot is taken once it
    /// has created the file whose path is passed to it as `$DONE`.
    /// `columns`×`rows`: the terminal's size in cells (the X screen grows to hold it).
    public static func capture(command: String, colorRegisters: Int = 256, columns: Int = 80, rows: Int = 24,
                               file: StaticString = #filePath, line: UInt = #line) throws -> Screen {
        for tool in ["Xvfb", "xterm", "xwd", "xwdtopnm"] where which(tool) == nil {
            throw TestRequirement.tools.unavailable("\(tool) not installed; run Tools/install-deps.sh --test", file: file, line: line)
        }
        let display = freeDisplay()
        let xvfb = try start("Xvfb", [":\(display)", "-screen", "0", "\(max(640, columns * 10))x\(max(400, rows * 20))x24", "-nolisten", "tcp"])
        defer { xvfb.terminate(); xvfb.waitUntilExit() }
        let socket = "/tmp/.X11-unix/X\(display)"
        try waitFor(timeout: 10) { FileManager.default.fileExists(atPath: socket) }

        let done = NSTemporaryDirectory() + "xterm-done-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: done) }
        var env = ProcessInfo.processInfo.environment
        env["DISPLAY"] = ":\(display)"
        env["DONE"] = done
        let xterm = try start("xterm", ["-ti", "vt340", "-xrm", "XTerm*numColorRegisters: \(colorRegisters)",
                                        "-geometry", "\(columns)x\(rows)+0+0", "-e", "sh", "-c", command + "; sleep 60"], environment: env)
        defer { xterm.terminate(); xterm.waitUntilExit() }
        try waitFor(timeout: 20) { FileManager.default.fileExists(atPath: done) }
        Thread.sleep(forTimeInterval: 0.7) // let xterm paint

        let shot = Process()
        shot.executableURL = URL(fileURLWithPath: "/bin/sh")
        shot.arguments = ["-c", "xwd -root -silent | xwdtopnm 2>/dev/null"]
        shot.environment = env
        let out = Pipe()
        shot.standardOutput = out
        try shot.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        shot.waitUntilExit()
        return try parsePPM([UInt8](data))
    }

    /// Binary PPM (P6, maxval 255).
    static func parsePPM(_ bytes: [UInt8]) throws -> Screen {
        var fields: [String] = []
        var i = 0
        while fields.count < 4 && i < bytes.count {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
            var field = ""
            while i < bytes.count, !(bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09) {
                field.append(Character(Unicode.Scalar(bytes[i]))); i += 1
            }
            fields.append(field)
        }
        i += 1
        guard fields.count == 4, fields[0] == "P6", let w = Int(fields[1]), let h = Int(fields[2]), fields[3] == "255",
              bytes.count - i >= w * h * 3 else { throw Failure(description: "screenshot is not a P6 PPM") }
        return Screen(width: w, height: h, pixels: Array(bytes[i..<(i + w * h * 3)]))
    }

    private static func which(_ tool: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    private static func freeDisplay() -> Int {
        for n in 90..<200 where !FileManager.default.fileExists(atPath: "/tmp/.X11-unix/X\(n)")
            && !FileManager.default.fileExists(atPath: "/tmp/.X\(n)-lock") {
            return n
        }
        return 199
    }

    private static func start(_ tool: String, _ arguments: [String], environment: [String: String]? = nil) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: which(tool) ?? tool)
        p.arguments = arguments
        if let environment { p.environment = environment }
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    private static func waitFor(timeout: Double, _ condition: () -> Bool) throws {
        let end = Date().addingTimeInterval(timeout)
        while !condition() {
            if Date() > end { throw Failure(description: "timed out waiting for the X server or xterm") }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }
}
