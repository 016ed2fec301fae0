import Support
import Glibc
import Foundation

/// Image embeddings on disk, one file per `EmbeddingCacheKey`, so a picture is encoded once
/// per machine rather than once per session (about 45 s an image for MedGemma 4B on two
/// cores). Everything here can be recomputed, so it lives in `~/.cache/medgemma/embeddings`.
///
/// File format (all integers little-endian):
///
///     magic      8 bytes  "MGEMBED\0"
///     version    UInt32   1
///     key        32 bytes the cache key's digest (a renamed file cannot pass as another key)
///     tokens     UInt32   soft tokens per image
///     width      UInt32   floats per token (the text model's width)
///     images     UInt32   1 + pan-and-scan crops
///     rows       images × tokens × width Float32
///     checksum   32 bytes sha256 of everything before it
///
/// Loading trusts nothing: the declared sizes are bounded and must add up to the file's
/// actual length before anything is allocated, then the checksum and key echo are checked.
/// A damaged entry is deleted and reported, and the caller encodes again. Writes are
/// atomic (`AtomicFile`), so a crash leaves the old entry or the new one. When the folder
/// grows past `maximumBytes` the least recently used entries (by modification time, which a
/// hit refreshes) are removed.
public final class EmbeddingCache: @unchecked Sendable {
    static let magic: [UInt8] = Array("MGEMBED".utf8) + [0]
    static let fileVersion: UInt32 = 1
    static let headerSize = 8 + 4 + 32 + 3 * 4
    static let checksumSize = 32
    static let fileExtension = ".embedding"
    /// Bounds on the declared sizes; MedGemma needs 256 tokens × 2560 and at most a few crops.
    static let maximumTokens = 1 << 16, maximumWidth = 1 << 16, maximumImages = 64
    /// No entry is larger than this (a hostile or damaged file is refused before reading).
    public static let maximumEntryBytes = 1 << 30

    public let directory: String
    /// The folder is pruned back under this many bytes after each store.
    public let maximumBytes: Int64
    private let pruneLock = NSLock()

    /// `directory` defaults to `~/.cache/medgemma/embeddings`; `maximumBytes` to 2 GiB
    /// (about 800 MedGemma images without crops).
    public init(directory: String = AppDirectories().cache + "/embeddings", maximumBytes: Int64 = 2 << 30) {
        self.directory = directory
        self.maximumBytes = maximumBytes
    }

    public func path(for key: EmbeddingCacheKey) -> String {
        directory + "/" + key.digest + Self.fileExtension
    }

    /// The entry for `key`, or nil when there is none. A damaged entry is deleted and
    /// thrown as `.corrupt`; an unreadable one as `.io`.
    public func load(_ key: EmbeddingCacheKey) throws(EmbeddingCacheError) -> EmbeddingCacheEntry? {
        let path = path(for: key)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            let entry = try Self.read(path: path, key: key)
            utimes(path, nil)  // recently used: pruned last
            return entry
        } catch {
            if case .corrupt = error { unlink(path) }
            throw error
        }
    }

    /// Saves `entry` under `key`, replacing any old file, then prunes the folder.
    public func store(_ entry: EmbeddingCacheEntry, for key: EmbeddingCacheKey) throws(EmbeddingCacheError) {
        let path = path(for: key)
        do {
            try AtomicFile.write(Self.encode(entry, key: key), to: path)
        } catch {
            throw .io(path: path, reason: error.reason)
        }
        prune()
    }

    /// Removes the least recently used entries until the folder holds at most
    /// `maximumBytes`, and temporary files an interrupted write left behind.
    public func prune() {
        pruneLock.withLock {
            let fm = FileManager.default
            guard let names = try? fm.contentsOfDirectory(atPath: directory) else { return }
            var entries: [(path: String, size: Int64, used: Date)] = []
            for name in names {
                let path = directory + "/" + name
                guard let attributes = try? fm.attributesOfItem(atPath: path) else { continue }
                let used = attributes[.modificationDate] as? Date ?? .distantPast
                if name.hasPrefix("."), name.contains(Self.fileExtension + ".tmp-") {
                    if used.timeIntervalSinceNow < -3600 { unlink(path) }
                } else if name.hasSuffix(Self.fileExtension) {
                    entries.append((path, (attributes[.size] as? NSNumber)?.int64Value ?? 0, used))
                }
            }
            var total = entries.reduce(Int64(0)) { $0 + $1.size }
            for entry in entries.sorted(by: { $0.used < $1.used }) where total > maximumBytes {
                unlink(entry.path)
                total -= entry.size
            }
        }
    }

    /// The file's bytes for `entry`.
    static func encode(_ entry: EmbeddingCacheEntry, key: EmbeddingCacheKey) -> [UInt8] {
        let floats = entry.images.count * entry.tokenCount * entry.width
        var bytes: [UInt8] = []
        bytes.reserveCapacity(headerSize + 4 * floats + checksumSize)
        func append(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        bytes += magic
        append(fileVersion)
        bytes += key.bytes
        append(UInt32(entry.tokenCount))
        append(UInt32(entry.width))
        append(UInt32(entry.images.count))
        for rows in entry.images {
            #if _endian(little)
            rows.withUnsafeBytes { bytes.append(contentsOf: $0) }
            #else
            for value in rows { append(value.bitPattern) }
            #endif
        }
        var hash = SHA256()
        bytes.withUnsafeBytes { hash.update($0) }
        bytes += hash.finalize()
        return bytes
    }

    /// Reads and checks the file at `path`; see the type's documentation for the order.
    static func read(path: String, key: EmbeddingCacheKey) throws(EmbeddingCacheError) -> EmbeddingCacheEntry {
        func corrupt(_ reason: String) -> EmbeddingCacheError { .corrupt(path: path, reason: reason) }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .io(path: path, reason: "cannot open") }
        defer { try? handle.close() }
        let header: Data, body: Data
        let size: UInt64
        do {
            size = try handle.seekToEnd()
            try handle.seek(toOffset: 0)
            guard size >= UInt64(headerSize + checksumSize) else { throw corrupt("only \(size) bytes") }
            guard size <= UInt64(maximumEntryBytes) else { throw corrupt("\(size) bytes is more than any entry") }
            header = try handle.read(upToCount: headerSize) ?? Data()
        } catch let error as EmbeddingCacheError {
            throw error
        } catch {
            throw .io(path: path, reason: "\(error)")
        }
        guard header.count == headerSize else { throw corrupt("short header") }
        let h = [UInt8](header)
        func word(_ offset: Int) -> Int {
            Int(UInt32(h[offset]) | UInt32(h[offset + 1]) << 8 | UInt32(h[offset + 2]) << 16 | UInt32(h[offset + 3]) << 24)
        }
        guard Array(h[0..<8]) == magic else { throw corrupt("not an embedding cache file") }
        guard word(8) == Int(fileVersion) else { throw corrupt("format version \(word(8)), expected \(fileVersion)") }
        guard Array(h[12..<44]) == key.bytes else { throw corrupt("written for another key") }
        let tokens = word(44), width = word(48), images = word(52)
        guard (1...maximumTokens).contains(tokens), (1...maximumWidth).contains(width),
              (1...maximumImages).contains(images) else {
            throw corrupt("implausible sizes \(images) × \(tokens) × \(width)")
        }
        // At most 64 × 2^16 × 2^16 × 4 = 2^40: no overflow in Int on 64-bit hosts.
        let floatsPerImage = tokens * width
        let expected = headerSize + images * floatsPerImage * 4 + checksumSize
        guard UInt64(expected) == size else { throw corrupt("declares \(expected) bytes, file has \(size)") }
        do {
            body = try handle.read(upToCount: expected - headerSize) ?? Data()
        } catch {
            throw .io(path: path, reason: "\(error)")
        }
        guard body.count == expected - headerSize else { throw corrupt("file shrank while being read") }

        var hash = SHA256()
        header.withUnsafeBytes { hash.update($0) }
        body.withUnsafeBytes { hash.update(UnsafeRawBufferPointer(rebasing: $0[..<(body.count - checksumSize)])) }
        guard hash.finalize() == [UInt8](body.suffix(checksumSize)) else { throw corrupt("checksum mismatch") }

        let rows: [[Float]] = body.withUnsafeBytes { raw in
            (0..<images).map { image in
                [Float](unsafeUninitializedCapacity: floatsPerImage) { buffer, count in
                    let base = image * floatsPerImage * 4
                    for i in 0..<floatsPerImage {
                        buffer[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: base + 4 * i, as: UInt32.self)))
                    }
                    count = floatsPerImage
                }
            }
        }
        return EmbeddingCacheEntry(tokenCount: tokens, width: width, images: rows)
    }
}
