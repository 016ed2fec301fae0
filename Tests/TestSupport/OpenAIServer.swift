import Glibc
import Foundation
import Support
import FoundationNetworking
import XCTest

/// A real OpenAI-compatible server for the remote-backend tests: llama-cpp-python's
/// (`python -m llama_cpp.server`) serving the default model, from the virtual environment
/// `Tools/install-test-server.sh` makes. Started on a free port in its own process group,
/// and always killed with it (`stop`, or when the object goes away).
///
/// `--chat_format gemma` makes the server render exactly the prompt the in-process engine
/// renders for user/model turns (one BOS; the GGUF's Jinja template would add a second);
/// that format drops system messages, so tests that compare the two use none.
///
/// Missing venv: the test is skipped, unless `MEDGEMMA_REQUIRE_SERVER=1` (set by `make test`),
/// where it fails (`TestRequirement.server`).
public final class OpenAIServer {
    public let port: Int
    public let logPath: String
    public var baseURL: String { "http://127.0.0.1:\(port)/v1" }
    private var pid: pid_t = 0

    /// The venv's python: `$MEDGEMMA_SERVER_VENV`, else `${XDG_CACHE_HOME:-~/.cache}/medgemma/server-venv`.
    public static var python: String {
        let env = ProcessInfo.processInfo.environment
        let venv = env["MEDGEMMA_SERVER_VENV"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (UserDirectories(environment: env).cacheHome + "/medgemma/server-venv")
        return venv + "/bin/python"
    }

    /// Starts the server on `model` (on `port`, or a free one) and waits until it lists its models.
    public init(model: String, port: Int? = nil, apiKey: String? = nil, contextSize: Int = 2048,
                file: StaticString = #filePath, line: UInt = #line) throws {
        let python = Self.python
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw TestRequirement.server.unavailable("test server not installed (\(python)); run Tools/install-test-server.sh",
                                                     file: file, line: line)
        }
        self.port = try port ?? Self.freePort()
        logPath = NSTemporaryDirectory() + "openai-server-\(getpid())-\(self.port).log"
        var arguments = [python, "-m", "llama_cpp.server", "--model", model, "--chat_format", "gemma",
                         "--host", "127.0.0.1", "--port", "\(self.port)", "--n_ctx", "\(contextSize)",
                         "--n_threads", "2", "--verbose", "False"]
        if let apiKey { arguments += ["--api_key", apiKey] }
        pid = try Self.spawn(arguments, log: logPath)
        do {
            try waitUntilReady(timeout: 120)
        } catch {
            stop()
            throw error
        }
    }

    deinit { stop() }

    /// Kills the server and everything it started (its process group), and reaps it.
    public func stop() { signal(SIGKILL) }

    /// Kills the server at once, as a crash would (for the "server died mid-reply" test).
    public func kill() { signal(SIGKILL) }

    private func signal(_ sig: Int32) {
        guard pid > 0 else { return }
        Glibc.kill(-pid, sig)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        pid = 0
    }

    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    private func waitUntilReady(timeout: Double) throws {
        let deadline = Date().addingTimeInterval(timeout)
        let url = URL(string: baseURL + "/models")!
        while Date() < deadline {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                pid = 0
                throw Failure(description: "the test server exited: \(log.suffix(2000))")
            }
            let done = DispatchSemaphore(value: 0)
            final class Box: @unchecked Sendable { var ok = false }
            let box = Box()
            var request = URLRequest(url: url, timeoutInterval: 2)
            request.httpMethod = "GET"
            URLSession.shared.dataTask(with: request) { _, response, _ in
                box.ok = (response as? HTTPURLResponse).map { $0.statusCode < 500 } ?? false
                done.signal()
            }.resume()
            done.wait()
            if box.ok { return }
            Thread.sleep(forTimeInterval: 0.25)
        }
        throw Failure(description: "the test server did not start within \(Int(timeout)) s: \(log.suffix(2000))")
    }

    /// A port nobody listens on now (bound to port 0, then released).
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw Failure(description: "cannot find a free port") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// posix_spawn in a new process group, output to `log`, standard input from /dev/null.
    private static func spawn(_ arguments: [String], log: String) throws -> pid_t {
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        var pid: pid_t = 0
        let result = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard result == 0 else { throw Failure(description: "cannot start \(arguments[0]): \(String(cString: strerror(result)))") }
        return pid
    }

    struct Failure: Error, CustomStringConvertible { let description: String }
}
