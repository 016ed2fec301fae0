import Support
import Foundation
@testable import MedImaging
import TestSupport
import XCTest

/// The frames written by Tools/make_dicom_codec_fixtures.py into Tests/Fixtures/dicom/codecs,
/// with pydicom's `pixel_array` for each (the oracle), read from its manifest.json; and the
/// 12-bit JPEG Extended frames of Tools/make_jpeg_extended_fixtures.py in dicom/jpeg12, in
/// the same format, whose oracle is GDCM and DCMTK (IJG libjpeg) instead.
struct CodecFixtureManifest: Decodable {
    struct Codestream: Decodable {
        /// Relative to Tests/Fixtures.
        let file: String
        /// [offset, length] of each fragment in `file`, joined in order.
        let ranges: [[Int]]
    }

    struct Fixture: Decodable {
        let name: String
        let codec: String
        let transferSyntax: String
        let codestream: Codestream
        let rows: Int
        let columns: Int
        let samplesPerPixel: Int
        let bitsAllocated: Int
        let bitsStored: Int
        let signed: Bool
        let oracle: String
        let plugins: [String: String]
        let sha256: String
        /// [flat index, value] pairs from pydicom.
        let points: [[Int]]
        /// Every value, for small frames.
        let stored: [Int]?

        var geometry: DICOMFrameGeometry {
            DICOMFrameGeometry(rows: rows, columns: columns, samplesPerPixel: samplesPerPixel,
                               bitsAllocated: bitsAllocated, bitsStored: bitsStored, isSigned: signed)
        }

        /// The frame's codestream: its fragments joined.
        func bytes() throws -> [UInt8] {
            let url = TestEnvironment.fixture(codestream.file)
            guard FileManager.default.fileExists(atPath: url.path) else { throw MissingTestInput("fixture missing: \(codestream.file) (Tools/make_dicom_codec_fixtures.py writes it)") }
            let file = [UInt8](try Data(contentsOf: url))
            return codestream.ranges.flatMap { Array(file[$0[0]..<($0[0] + $0[1])]) }
        }

        /// Fails unless `samples` is bit for bit pydicom's array.
        func check(_ samples: PixelSamples, file: StaticString = #filePath, line: UInt = #line) {
            let count = rows * columns * samplesPerPixel
            XCTAssertEqual(samples.count, count, name, file: file, line: line)
            XCTAssertEqual(samples.bitDepth, bitsAllocated, name, file: file, line: line)
            guard samples.count == count else { return }
            func value(_ i: Int) -> Int {
                switch samples {
                case .eight(let s): return signed ? Int(Int8(bitPattern: s[i])) : Int(s[i])
                case .sixteen(let s): return signed ? Int(Int16(bitPattern: s[i])) : Int(s[i])
                }
            }
            for point in points {
                XCTAssertEqual(value(point[0]), point[1], "\(name) at sample \(point[0])", file: file, line: line)
            }
            if let stored {
                let mismatches = (0..<count).filter { value($0) != stored[$0] }
                XCTAssertTrue(mismatches.isEmpty, "\(name): \(mismatches.count) samples differ from pydicom, first at \(mismatches.first ?? 0)",
                              file: file, line: line)
            }
            XCTAssertEqual(Self.sha256(samples), sha256, "\(name): sha256 of the samples", file: file, line: line)
        }

        static func sha256(_ samples: PixelSamples) -> String {
            switch samples {
            case .eight(let s): return SHA256.hex(of: s)
            case .sixteen(let s): return SHA256.hex(of: s.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
            }
        }
    }

    let fixtures: [Fixture]

    /// Both manifests' fixtures, as one.
    static func load() throws -> CodecFixtureManifest {
        let parts = try ["dicom/codecs/manifest.json", "dicom/jpeg12/manifest.json"].map { path in
            try JSONDecoder().decode(CodecFixtureManifest.self, from: Data(contentsOf: TestEnvironment.fixture(path)))
        }
        return CodecFixtureManifest(fixtures: parts.flatMap(\.fixtures))
    }

    /// A frame decoder's signature, as the three codecs share it.
    typealias Decode = ([UInt8], DICOMFrameGeometry, String) throws(DICOMError) -> PixelSamples

    /// The fixtures of one codec ("jpeg2000", "jpegls", "jpeglossless", "jpegextended").
    static func fixtures(_ codec: String) throws -> [Fixture] {
        let all = try load().fixtures.filter { $0.codec == codec }
        XCTAssertFalse(all.isEmpty, "no \(codec) fixtures in the manifest")
        return all
    }

    /// One fixture by name.
    static func fixture(_ name: String) throws -> Fixture {
        try XCTUnwrap(try load().fixtures.first { $0.name == name }, "no fixture \(name)")
    }

    /// Decodes the named fixtures and checks each against pydicom.
    static func check(_ names: [String], _ decode: Decode, file: StaticString = #filePath, line: UInt = #line) throws {
        for name in names {
            let f = try fixture(name)
            f.check(try decode(try f.bytes(), f.geometry, f.name), file: file, line: line)
        }
    }

    /// Decodes every fixture of `codec` and checks each against pydicom, then checks that the
    /// set covers what every codec claims (the `bitsStored` depths, signed 16-bit, 16-bit
    /// colour) and `transferSyntax`; returns the fixtures for codec-specific checks.
    @discardableResult
    static func checkAll(_ codec: String, _ decode: Decode, bitsStored: Set<Int>, transferSyntax: String,
                         file: StaticString = #filePath, line: UInt = #line) throws -> [Fixture] {
        let all = try fixtures(codec)
        for f in all {
            f.check(try decode(try f.bytes(), f.geometry, f.name), file: file, line: line)
        }
        XCTAssertTrue(Set(all.map(\.bitsStored)).isSuperset(of: bitsStored), "depths", file: file, line: line)
        XCTAssertTrue(all.contains { $0.signed && $0.bitsStored == 16 }, "signed 16-bit", file: file, line: line)
        XCTAssertTrue(all.contains { $0.samplesPerPixel == 3 && $0.bitsAllocated == 16 }, "16-bit colour", file: file, line: line)
        XCTAssertTrue(all.contains { $0.transferSyntax == transferSyntax }, transferSyntax, file: file, line: line)
        return all
    }
}
