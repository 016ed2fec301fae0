import Support
import Glibc
import Foundation

/// SHA-256 of files, remembered: reports stamp the model and the mmproj with their hashes
/// and the embedding cache is keyed by the mmproj's, but a 3 GB model takes many seconds to
/// read, so it must be hashed once, not at every start. A result is trusted while the file's
/// absolute path, size, modification time (nanoseconds) and inode are unchanged; it is kept
/// in memory and in a small JSON file in `directory`. A corrupt JSON file is ignored and
/// rewritten. Thread-safe: concurrent requests for the same file hash it once.
public final class FileHashCache: @unchecked Sendable {
    /// Why a file could not be hashed.
    public struct HashError: Error, CustomStringConvertible, Equatable {
        public let path: String
        public let reason: String
        public var description: String { "\(path): cannot compute its SHA-256: \(reason)" }
    }

    /// What identifies one version of a file without reading it.
    struct Identity: Codable, Equatable {
        var size: Int64
        var mtimeNanoseconds: Int64
        var inode: UInt64
    }

    struct Entry: Codable, Equatable {
        var identity: Identity
        var sha256: String
    }

    /// The on-disk form; `version` lets a later format start afresh instead of misreading.
    private struct Store: Codable {
        var version: Int
        var files: [String: Entry]
    }

    private static let formatVersion = 1
    /// Entries beyond this are dropped (oldest-inserted order is not tracked; any excess
    /// entries for files that no longer exist go first), so the file stays small.
    private static let maximumEntries = 512

    public let directory: String
    public var file: String { directory + "/file-hashes.json" }

    /// The user's cache: `~/.cache/medgemma/hashes`.
    public static let shared = FileHashCache(directory: AppDirectories().cache + "/hashes")

    private let condition = NSCondition()
    private var entries: [String: Entry] = [:]
    private var loaded = false
    private var inFlight: Set<String> = []

    public init(directory: String) {
        self.directory = directory
    }

    /// The lowercase hex SHA-256 of the file at `path`, from the cache when the file is
    /// unchanged, otherwise read in pieces (never the whole file in memory) and remembered.
    public func sha256(ofFileAt path: String) throws(HashError) -> String {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let identity = try Self.identity(of: absolute)

        condition.lock()
        loadIfNeeded()
        while inFlight.contains(absolute) { condition.wait() }
        if let entry = entries[absolute], entry.identity == identity {
            condition.unlock()
            return entry.sha256
        }
        inFlight.insert(absolute)
        condition.unlock()

        let digest: String
        do {
            digest = try SHA256.hex(ofFile: absolute)
        } catch {
            finish(absolute, entry: nil)
            throw HashError(path: absolute, reason: "\(error)")
        }
        // A file rewritten while it was being read: the digest belongs to neither version,
        // so it is returned (the caller asked now) but not remembered.
        let after = try? Self.identity(of: absolute)
        finish(absolute, entry: after == identity ? Entry(identity: identity, sha256: digest) : nil)
        return digest
    }

    /// Forgets everything, in memory and on disk (tests; a "clear cache" command).
    public func removeAll() {
        condition.lock()
        entries = [:]
        loaded = true
        condition.unlock()
        try? FileManager.default.removeItem(atPath: file)
    }

    private func finish(_ path: String, entry: Entry?) {
        condition.lock()
        inFlight.remove(path)
        if let entry {
            entries[path] = entry
            save()
        }
        condition.broadcast()
        condition.unlock()
    }

    /// Called with the lock held.
    private func loadIfNeeded() {
        guard !loaded else { return }
        loaded = true
        guard let data = FileManager.default.contents(atPath: file),
              let store = try? JSONDecoder().decode(Store.self, from: data),
              store.version == Self.formatVersion else { return }
        entries = store.files.filter { $0.value.sha256.count == 64 && $0.value.sha256.allSatisfy(\.isHexDigit) }
    }

    /// Called with the lock held. A cache that cannot be written only costs a re-hash later.
    private func save() {
        if entries.count > Self.maximumEntries {
            for key in entries.keys where !FileManager.default.fileExists(atPath: key) { entries[key] = nil }
            while entries.count > Self.maximumEntries, let key = entries.keys.first { entries[key] = nil }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        guard let data = try? encoder.encode(Store(version: Self.formatVersion, files: entries)) else { return }
        try? AtomicFile.write([UInt8](data), to: file)
    }

    static func identity(of path: String) throws(HashError) -> Identity {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw HashError(path: path, reason: String(cString: strerror(errno)))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw HashError(path: path, reason: "not a regular file") }
        let mtime = info.st_mtim
        return Identity(size: Int64(info.st_size),
                        mtimeNanoseconds: Int64(mtime.tv_sec) * 1_000_000_000 + Int64(mtime.tv_nsec),
                        inode: UInt64(info.st_ino))
    }
}
