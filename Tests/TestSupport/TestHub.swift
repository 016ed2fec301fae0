import Foundation
import Glibc

/// Our own Hugging Face–compatible hub on 127.0.0.1 for `medgemma pull`'s tests:
/// `Tools/test_hub.py` (Python standard library only) serving the repositories written
/// under a temporary folder, with the faults `faults.json` there asks for (see the script).
/// Hashes the tests expect come from Python's hashlib (`sha256(of:)`), never from our code.
public final class TestHub {
    public let root: URL
    public let port: Int
    public var endpoint: String { "http://127.0.0.1:\(port)" }
    private let process: Process
    private var generation = 0

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Tools/test_hub.py").path

    public init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("medgemma-hub-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        port = try OpenAIServer.freePort()
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script, root.path, String(port)]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        try waitUntilListening()
    }

    deinit { stop() }

    public func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: root)
    }

    /// Writes `size` deterministic pseudo-random bytes as REPO/NAME; returns them.
    @discardableResult
    public func addFile(repo: String, name: String, size: Int, seed: UInt64 = 1) throws -> Data {
        var rng = SplitMix64(seed: seed &+ UInt64(size))
        var bytes = [UInt8](repeating: 0, count: size)
        for i in 0..<size { bytes[i] = UInt8(truncatingIfNeeded: rng.next()) }
        let url = root.appendingPathComponent(repo).appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let data = Data(bytes)
        try data.write(to: url)
        return data
    }

    /// Sets the faults (keys "ORG/REPO" or "ORG/REPO/FILE"; see Tools/test_hub.py).
    /// Each call's faults are counted afresh (a generation number makes each file differ).
    public func setFaults(_ faults: [String: [String: Any]]) throws {
        generation += 1
        var faults = faults
        faults["_generation"] = ["n": generation]
        let data = try JSONSerialization.data(withJSONObject: faults)
        try data.write(to: root.appendingPathComponent("faults.json"))
    }

    /// Every request so far: "METHOD PATH RANGE AUTH".
    public var requests: [String] {
        ((try? String(contentsOf: root.appendingPathComponent("requests.log"), encoding: .utf8)) ?? "")
            .split(separator: "\n").map(String.init)
    }

    /// The file's sha256 as Python's hashlib computes it.
    public func sha256(repo: String, name: String) throws -> String {
        let path = root.appendingPathComponent(repo).appendingPathComponent(name).path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],'rb').read()).hexdigest())", path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func waitUntilListening() throws {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            guard process.isRunning else { throw OpenAIServer.Failure(description: "Tools/test_hub.py exited (is python3 installed?)") }
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(port).bigEndian
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            close(fd)
            if connected == 0 { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw OpenAIServer.Failure(description: "Tools/test_hub.py did not start listening within 20 s")
    }
}
