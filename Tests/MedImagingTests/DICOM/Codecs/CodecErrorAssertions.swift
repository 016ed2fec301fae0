@testable import MedImaging
import XCTest

/// Runs a frame decoder on hostile input: it must throw a one-line `DICOMError` naming the
/// source, never succeed, crash or hang.
enum CodecErrorAssertions {
    typealias Decode = CodecFixtureManifest.Decode

    @discardableResult
    static func expectError(_ decode: Decode, _ bytes: [UInt8], _ geometry: DICOMFrameGeometry, source: String = "hostile.dcm",
                            _ message: String = "", file: StaticString = #filePath, line: UInt = #line) -> DICOMError? {
        do {
            _ = try decode(bytes, geometry, source)
            XCTFail("decoding succeeded but should have failed \(message)", file: file, line: line)
            return nil
        } catch {
            XCTAssertFalse(error.description.contains("\n"), "not one line: \(error)", file: file, line: line)
            XCTAssertTrue(error.description.hasPrefix(source + ": "), "does not name the source: \(error)", file: file, line: line)
            return error
        }
    }

    /// A copy of `geometry` with some fields changed.
    static func geometry(_ g: DICOMFrameGeometry, rows: Int? = nil, columns: Int? = nil, samples: Int? = nil,
                         bitsAllocated: Int? = nil, bitsStored: Int? = nil) -> DICOMFrameGeometry {
        DICOMFrameGeometry(rows: rows ?? g.rows, columns: columns ?? g.columns, samplesPerPixel: samples ?? g.samplesPerPixel,
                           bitsAllocated: bitsAllocated ?? g.bitsAllocated, bitsStored: bitsStored ?? min(g.bitsStored, bitsAllocated ?? 16),
                           isSigned: g.isSigned)
    }

    /// `bytes` with `value` written big-endian over `width` bytes at each offset.
    static func patched(_ bytes: [UInt8], at offsets: [Int], width: Int, value: Int) -> [UInt8] {
        var out = bytes
        for offset in offsets {
            for k in 0..<width { out[offset + k] = UInt8(truncatingIfNeeded: value >> (8 * (width - 1 - k))) }
        }
        return out
    }

    /// The fixture's header (the segment of `marker`) with the size fields at `fields` (offsets
    /// from the marker, `width` bytes each) rewritten to 65535: refused, and the message says
    /// what it claimed.
    static func expectHugeRefused(_ decode: Decode, fixture name: String, marker code: UInt8, fields: [Int], width: Int,
                                  file: StaticString = #filePath, line: UInt = #line) throws {
        let f = try CodecFixtureManifest.fixture(name)
        let bytes = try f.bytes()
        let at = try XCTUnwrap(marker(code, in: bytes), file: file, line: line)
        let huge = patched(bytes, at: fields.map { at + $0 }, width: width, value: 65535)
        let error = expectError(decode, huge, f.geometry, source: "huge.dcm", file: file, line: line)
        XCTAssertTrue(error?.description.contains("65535×65535") == true, "\(String(describing: error))", file: file, line: line)
    }

    /// A gray frame under colour, shorter or 8-bit geometry, and a colour frame under gray
    /// geometry: each refused.
    static func expectGeometryMismatchesFail(_ decode: Decode, gray: CodecFixtureManifest.Fixture,
                                             colour: CodecFixtureManifest.Fixture,
                                             file: StaticString = #filePath, line: UInt = #line) throws {
        let bytes = try gray.bytes(), g = gray.geometry
        expectError(decode, bytes, geometry(g, samples: 3), source: "rgb.dcm", file: file, line: line)
        expectError(decode, bytes, geometry(g, rows: g.rows - 1), source: "rows.dcm", file: file, line: line)
        expectError(decode, bytes, geometry(g, columns: g.columns + 1), source: "columns.dcm", file: file, line: line)
        expectError(decode, bytes, geometry(g, bitsAllocated: 8, bitsStored: 8), source: "eight.dcm", file: file, line: line)
        expectError(decode, try colour.bytes(), geometry(colour.geometry, samples: 1), source: "gray.dcm", file: file, line: line)
    }

    /// Each named fixture cut at every length below `dense`, then at about a hundred more short
    /// of its last two bytes (an end marker alone may be missing): every cut refused, and so is
    /// every cut with `suffix` appended (e.g. an end marker put back).
    static func expectCutsFail(_ decode: Decode, _ names: [String], dense: Int, suffix: [UInt8]? = nil,
                               file: StaticString = #filePath, line: UInt = #line) throws {
        for name in names {
            let f = try CodecFixtureManifest.fixture(name)
            let bytes = try f.bytes()
            let lengths = Array(0..<min(dense, bytes.count)) + Array(stride(from: dense, to: bytes.count - 2, by: max(1, bytes.count / 97)))
            for length in lengths {
                expectError(decode, Array(bytes.prefix(length)), f.geometry, source: "\(name).dcm", "cut at \(length)", file: file, line: line)
                if let suffix {
                    expectError(decode, Array(bytes.prefix(length)) + suffix, f.geometry, source: "\(name).dcm",
                                "cut at \(length) + suffix", file: file, line: line)
                }
            }
        }
    }

    /// `prefix` followed by `count` pseudo-random bytes (a fixed linear congruential sequence).
    static func garbage(after prefix: [UInt8], count: Int = 2000, seed: UInt32) -> [UInt8] {
        var bytes = prefix, state = seed
        for _ in 0..<count {
            state = state &* 1_103_515_245 &+ 12345
            bytes.append(UInt8(truncatingIfNeeded: state >> 16))
        }
        return bytes
    }

    /// `bytes` with the DHT table at `dht` (the FF C4 marker) over-subscribed: three more
    /// one-bit codes and three fewer of a longer length, so the segment stays whole.
    static func oversubscribed(_ bytes: [UInt8], dht: Int, file: StaticString = #filePath, line: UInt = #line) throws -> [UInt8] {
        var out = bytes
        let longer = try XCTUnwrap((6..<21).first { out[dht + $0] >= 3 }, file: file, line: line)
        out[dht + longer] -= 3
        out[dht + 5] += 3
        return out
    }

    /// Random single-byte damage anywhere in the fixture, `tries` times: an error or an
    /// image of the right size, never a crash or a hang.
    static func expectDamageSurvived(_ decode: Decode, fixture name: String, seed: UInt32, tries: Int = 300,
                                     file: StaticString = #filePath, line: UInt = #line) throws {
        let f = try CodecFixtureManifest.fixture(name)
        let bytes = try f.bytes()
        var state = seed
        for _ in 0..<tries {
            var damaged = bytes
            state = state &* 1_103_515_245 &+ 12345
            let at = Int(state >> 8) % damaged.count
            state = state &* 1_103_515_245 &+ 12345
            damaged[at] = UInt8(truncatingIfNeeded: state >> 16)
            if let samples = try? decode(damaged, f.geometry, "damaged.dcm") {
                XCTAssertEqual(samples.count, f.geometry.sampleCount, file: file, line: line)
            }
        }
    }

    /// The offset of the first marker FF `code` at or after `from`.
    static func marker(_ code: UInt8, in bytes: [UInt8], from: Int = 0) -> Int? {
        guard bytes.count >= 2 else { return nil }
        return (from..<(bytes.count - 1)).first { bytes[$0] == 0xFF && bytes[$0 + 1] == code }
    }
}
