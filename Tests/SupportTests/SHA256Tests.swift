import Support
import Foundation
import XCTest


final class SHA256Tests: XCTestCase {
    /// FIPS 180-4 example vectors (NIST CSRC "SHA256.pdf") and the million-'a' message.
    func testStandardVectors() {
        XCTAssertEqual(SHA256.hex(of: [UInt8]()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex(of: Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(SHA256.hex(of: [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Fed in pieces of every awkward size, the digest is the same as in one piece.
    func testIncrementalUpdatesAgree() {
        let message = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        let whole = SHA256.hex(of: message)
        for piece in [1, 3, 63, 64, 65, 127, 500] {
            var h = SHA256()
            var i = 0
            while i < message.count {
                h.update(message[i..<min(message.count, i + piece)])
                i += piece
            }
            XCTAssertEqual(SHA256.hex(h.finalize()), whole, "pieces of \(piece)")
        }
    }

    func testFileDigest() throws {
        let path = NSTemporaryDirectory() + "sha-\(getpid()).bin"
        try Data("abc".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertEqual(try SHA256.hex(ofFile: path), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertThrowsError(try SHA256.hex(ofFile: path + ".missing"))
    }

    /// A hasher is a value: a copy taken halfway goes on by itself, and a finished hasher
    /// starts afresh. Non-contiguous input (a lazy map) hashes as its bytes.
    func testCopiesAreIndependent() {
        var a = SHA256()
        a.update(Array("ab".utf8))
        var b = a
        a.update(Array("c".utf8))
        b.update(Array("d".utf8))
        XCTAssertEqual(SHA256.hex(a.finalize()), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex(b.finalize()), SHA256.hex(of: Array("abd".utf8)))
        XCTAssertEqual(SHA256.hex(a.finalize()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        var c = SHA256()
        c.update("abc".utf8.lazy.map { $0 })
        XCTAssertEqual(SHA256.hex(c.finalize()), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
