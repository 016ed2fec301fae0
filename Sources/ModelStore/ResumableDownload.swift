import Foundation
import Glibc
import Support

/// One file from the hub into a folder, never half-written under its final name: the bytes
/// go to `NAME.incomplete`, continued with an HTTP Range from its size after Ctrl-C, a
/// dropped connection or a crash (in this run after a retry, or in the next run), hashed
/// as they arrive, and renamed to `NAME` only once the sha256 matches what the hub
/// publishes (its file list, else the redirect's `X-Linked-ETag`). A mismatch deletes the
/// partial file: resuming corrupt bytes would only fail again.
public struct ResumableDownload {
    public var endpoint: HubEndpoint
    public var repo: String
    public var revision: String
    public var file: HubFile
    /// The final path; the partial file is this plus `.incomplete`.
    public var destination: String
    public var retry: RetryPolicy
    /// Makes the progress display for (already have, total); nil shows none.
    public var progress: ((Int64, Int64) -> DownloadProgress)?
    /// Asked as bytes arrive and between tries: true stops the download, keeping the
    /// partial file (the workstation's Esc; the command line exits on Ctrl-C instead).
    public var isCancelled: @Sendable () -> Bool = { false }

    public init(endpoint: HubEndpoint, repo: String, revision: String, file: HubFile, destination: String,
                retry: RetryPolicy = RetryPolicy(), progress: ((Int64, Int64) -> DownloadProgress)? = nil) {
        self.endpoint = endpoint
        self.repo = repo
        self.revision = revision
        self.file = file
        self.destination = destination
        self.retry = retry
        self.progress = progress
    }

    public var partialPath: String { destination + ".incomplete" }

    /// Downloads, verifies and renames; returns the verified sha256 (nil when the hub
    /// published none, which it does for every LFS file — GGUFs are).
    @discardableResult
    public func run() throws(ModelStoreError) -> String? {
        let url = endpoint.resolveURL(repo: repo, revision: revision, file: file.path)
        guard let requestURL = URL(string: url) else { throw ModelStoreError.badName(url) }
        let fd = open(partialPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ModelStoreError.io(path: partialPath, detail: String(cString: strerror(errno))) }
        defer { close(fd) }

        var hasher = SHA256()
        var have = try hashExisting(into: &hasher)
        var published = file.sha256
        var total = file.size
        var failures = 0
        let display = progress?(have, total)

        while true {
            if isCancelled() { throw ModelStoreError.cancelled(partial: partialPath) }
            if total > 0 && have == total { break }
            if total > 0 && have > total { try restart(fd, &hasher, &have) }
            let before = have
            var writeError: ModelStoreError?
            var wrongRange = false
            let outcome = HubTransfer.get(requestURL, token: endpoint.token,
                                          headers: have > 0 ? ["Range": "bytes=\(have)-"] : [:],
                onResponse: { status, headers in
                    guard status == 200 || status == 206 else { return false }
                    if status == 200 && have > 0 {
                        // The server ignored the Range: start over rather than append a second copy.
                        do throws(ModelStoreError) { try restart(fd, &hasher, &have) } catch { writeError = error }
                    }
                    if status == 206, Self.rangeStart(headers["content-range"]) != have {
                        // Bytes from elsewhere in the file would corrupt it: drop this answer, ask again.
                        wrongRange = true
                        return false
                    }
                    if total <= 0, let length = headers["content-length"].flatMap(Int64.init) { total = have + length }
                    return writeError == nil
                },
                onData: { data in
                    guard writeError == nil else { return false }
                    guard !isCancelled() else {
                        writeError = ModelStoreError.cancelled(partial: partialPath)
                        return false
                    }
                    do throws(ModelStoreError) { try writeAll(fd, data) } catch { writeError = error; return false }
                    hasher.update(data)
                    have += Int64(data.count)
                    display?.update(have)
                    return true
                })
            if let writeError { throw writeError }
            if wrongRange {
                failures += 1
                if failures > retry.attempts {
                    throw ModelStoreError.badAnswer(url: url, detail: "the server answers a Range request with other bytes; delete \(partialPath) to start over")
                }
                try restart(fd, &hasher, &have)
                continue
            }
            if published == nil, let etag = outcome.redirectHeaders["x-linked-etag"] ?? outcome.headers["x-linked-etag"] {
                published = HubFileList.isSHA256(etag.trimmingCharacters(in: CharacterSet(charactersIn: "\"W/ ")).lowercased())
            }
            if total <= 0, let size = (outcome.redirectHeaders["x-linked-size"]).flatMap(Int64.init) { total = size }
            let status = outcome.status
            if outcome.error == nil && (status == 200 || status == 206) { break }
            if outcome.error == nil && status == 416 && have > 0 {
                if total > 0 && have != total { try restart(fd, &hasher, &have); continue }
                break
            }
            let body = String(decoding: outcome.body.prefix(4096), as: UTF8.self)
            if outcome.error == nil && !HubStatus.isRetried(status) {
                throw HubStatus.error(status, url: url, body: body, repo: repo, what: "\(file.path) in \(repo) at \(revision)", endpoint: endpoint)
            }
            failures = have > before ? 1 : failures + 1
            if failures > retry.attempts {
                if let error = outcome.error {
                    throw ModelStoreError.transport(url: url, message: "\(OneLineText.clean(error.localizedDescription, limit: 160)) (\(retry.attempts) tries; \(Format.bytes(Int(have))) kept in \(partialPath), run again to continue)")
                }
                throw HubStatus.error(status, url: url, body: body, repo: repo, what: file.path, endpoint: endpoint)
            }
            var wait = retry.delay(afterFailures: failures)
            if status == 429 {
                let after = outcome.headers["retry-after"].flatMap(Double.init) ?? wait
                if after > retry.longestWait {
                    throw ModelStoreError.http(status: 429, url: url, message: "rate limited; the hub asks to wait \(Int(after)) s, try again then")
                }
                wait = max(after, 0)
            }
            Thread.sleep(forTimeInterval: wait)
        }

        display?.finish(have)
        guard fsync(fd) == 0 else { throw ModelStoreError.io(path: partialPath, detail: String(cString: strerror(errno))) }
        let actual = SHA256.hex(hasher.finalize())
        if let published, published != actual {
            unlink(partialPath)
            throw ModelStoreError.checksumMismatch(file: file.path, expected: published, actual: actual)
        }
        if total > 0 && have != total {
            unlink(partialPath)
            throw ModelStoreError.badAnswer(url: url, detail: "received \(have) bytes, the hub lists \(total); the download was deleted")
        }
        guard rename(partialPath, destination) == 0 else {
            throw ModelStoreError.io(path: destination, detail: String(cString: strerror(errno)))
        }
        return published == nil ? nil : actual
    }

    /// START of `Content-Range: bytes START-END/TOTAL`, nil when absent or unreadable.
    static func rangeStart(_ header: String?) -> Int64? {
        guard let header, header.hasPrefix("bytes ") else { return nil }
        return Int64(header.dropFirst(6).prefix { $0.isNumber })
    }

    /// Hashes what an earlier run left in the partial file; returns its size.
    private func hashExisting(into hasher: inout SHA256) throws(ModelStoreError) -> Int64 {
        guard let handle = FileHandle(forReadingAtPath: partialPath) else { return 0 }
        defer { try? handle.close() }
        var size: Int64 = 0
        while true {
            let data: Data
            do { data = try handle.read(upToCount: 4 << 20) ?? Data() } catch {
                throw ModelStoreError.io(path: partialPath, detail: error.localizedDescription)
            }
            if data.isEmpty { return size }
            hasher.update(data)
            size += Int64(data.count)
        }
    }

    private func restart(_ fd: Int32, _ hasher: inout SHA256, _ have: inout Int64) throws(ModelStoreError) {
        guard ftruncate(fd, 0) == 0 else { throw ModelStoreError.io(path: partialPath, detail: String(cString: strerror(errno))) }
        hasher = SHA256()
        have = 0
    }

    private func writeAll(_ fd: Int32, _ data: Data) throws(ModelStoreError) {
        if let failure = FileWrite.all(fd, data) { throw ModelStoreError.io(path: partialPath, detail: String(cString: strerror(failure))) }
    }
}
