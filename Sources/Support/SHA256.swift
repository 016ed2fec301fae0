import CCrypto
import Foundation

/// SHA-256 (FIPS 180-4), incremental, through OpenSSL's libcrypto (`CCrypto`). Reports stamp
/// the model file, the mmproj and every image with their hashes, the embedding cache is
/// keyed by them and `pull` checks downloads: a 2.5 GB MedGemma file is hashed in about 1.5 s
/// with libcrypto's SHA-NI code where our own portable code took 10 (README, "Reliability").
/// Foundation on Linux has no CryptoKit and the project takes no package dependencies.
public struct SHA256 {
    /// The EVP context; copied before a shared one is changed, so a copied hasher is
    /// independent as a value should be.
    private final class Context {
        let pointer: OpaquePointer

        init() {
            guard let p = EVP_MD_CTX_new(), EVP_DigestInit_ex(p, EVP_sha256(), nil) == 1 else {
                fatalError("libcrypto: cannot start a SHA-256 digest")
            }
            pointer = p
        }

        init(copying other: Context) {
            guard let p = EVP_MD_CTX_new(), EVP_MD_CTX_copy_ex(p, other.pointer) == 1 else {
                fatalError("libcrypto: cannot copy a SHA-256 digest")
            }
            pointer = p
        }

        deinit { EVP_MD_CTX_free(pointer) }
    }

    private var context = Context()

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        if !isKnownUniquelyReferenced(&context) { context = Context(copying: context) }
        guard EVP_DigestUpdate(context.pointer, base, bytes.count) == 1 else { fatalError("libcrypto: SHA-256 update failed") }
    }

    public mutating func update<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        if let done: Void = bytes.withContiguousStorageIfAvailable({ update(UnsafeRawBufferPointer($0)) }) { return done }
        Array(bytes).withUnsafeBytes { update($0) }
    }

    /// The 32-byte digest; the hasher starts afresh afterwards.
    public mutating func finalize() -> [UInt8] {
        if !isKnownUniquelyReferenced(&context) { context = Context(copying: context) }
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(context.pointer, &digest, &length) == 1, length == 32 else {
            fatalError("libcrypto: SHA-256 final failed")
        }
        context = Context()
        return digest
    }

    public static func hex(_ digest: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(digest.count * 2)
        for b in digest { out += [digits[Int(b >> 4)], digits[Int(b & 15)]] }
        return String(decoding: out, as: UTF8.self)
    }

    /// Hex digest of bytes in memory.
    public static func hex<Bytes: Collection>(of bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var h = SHA256()
        h.update(bytes)
        return hex(h.finalize())
    }

    /// Hex digest of floats as their little-endian IEEE bytes (as numpy's `tobytes()`).
    public static func hex(of floats: [Float]) -> String {
        var h = SHA256()
        floats.map(\.bitPattern.littleEndian).withUnsafeBytes { h.update($0) }
        return hex(h.finalize())
    }

    /// Hex digest of a file, read in 4 MB pieces (never the whole file at once).
    public static func hex(ofFile path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        defer { try? handle.close() }
        var h = SHA256()
        while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty {
            chunk.withUnsafeBytes { h.update($0) }
        }
        return hex(h.finalize())
    }
}
