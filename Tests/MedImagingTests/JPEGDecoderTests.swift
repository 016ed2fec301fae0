import Foundation
import MedImaging
import XCTest
import TestSupport

/// Decoding every fixture against the pixels Pillow decoded (Tools/make_jpeg_fixtures.py).
final class JPEGDecoderTests: XCTestCase {
    /// The largest per-sample difference allowed against Pillow. Both sides are
    /// libjpeg-turbo with the accurate integer IDCT and fancy upsampling, but different
    /// builds and versions (Pillow bundles its own); measured: see the report in the
    /// assertion message if this ever fails.
    static let tolerance = 0

    func testFixtureSetCoversEveryKindOfJPEG() throws {
        let names = Set(try JPEGFixtureManifest.load().fixtures.map { $0.file })
        for required in ["gray_17x11", "gray_progressive_33x21", "rgb444_17x11", "rgb422_17x11", "rgb420_17x11",
                         "rgb420_64x48", "rgb420_progressive_33x21", "rgb444_progressive_17x11",
                         "rgb420_restart_40x24", "gray_restart_rows_33x21", "rgb_1x1"] {
            XCTAssertTrue(names.contains(required + ".jpg"), "fixture \(required).jpg missing; rerun Tools/make_jpeg_fixtures.py")
        }
    }

    func testEveryFixtureMatchesPillow() throws {
        let manifest = try JPEGFixtureManifest.load()
        XCTAssertFalse(manifest.fixtures.isEmpty)
        for fixture in manifest.fixtures {
            let image = try JPEGDecoder.decode(path: JPEGFixtureManifest.path(of: fixture.file))
            let name = fixture.file
            XCTAssertEqual(image.width, fixture.width, name)
            XCTAssertEqual(image.height, fixture.height, name)
            XCTAssertEqual(image.channels.rawValue, fixture.channels, name)
            XCTAssertEqual(image.bitDepth, 8, name)
            XCTAssertEqual(image.pixels.count, fixture.pixels.count, name)
            guard image.pixels.count == fixture.pixels.count else { continue }
            var worst = 0, differing = 0
            for i in 0..<fixture.pixels.count {
                let difference = abs(image.pixels[i] - fixture.pixels[i])
                worst = max(worst, difference)
                if difference != 0 { differing += 1 }
            }
            XCTAssertLessThanOrEqual(worst, Self.tolerance,
                                     "\(name): \(differing) samples differ from Pillow \(manifest.pillow) "
                                     + "(libjpeg-turbo \(manifest.libjpegTurbo)), by up to \(worst)")
        }
    }

    func testDecodingDataAndBytesMatchesDecodingTheFile() throws {
        for file in ["rgb420_progressive_33x21.jpg", "gray_17x11.jpg"] {
            let path = JPEGFixtureManifest.path(of: file)
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let fromFile = try JPEGDecoder.decode(path: path)
            XCTAssertEqual(try JPEGDecoder.decode(data: data, source: file), fromFile, file)
            XCTAssertEqual(try JPEGDecoder.decode(bytes: [UInt8](data)), fromFile, file)
        }
    }

    func testSampleAccessorAddressesPixelsRowMajor() throws {
        let fixture = try XCTUnwrap(try JPEGFixtureManifest.load().fixtures.first { $0.file == "rgb444_17x11.jpg" })
        let image = try JPEGDecoder.decode(path: JPEGFixtureManifest.path(of: fixture.file))
        // Pixel (x: 16, y: 10), the last one, green channel.
        XCTAssertEqual(image.sample(x: 16, y: 10, channel: 1), fixture.pixels[(10 * 17 + 16) * 3 + 1])
    }

    func testCMYKIsRefusedAsUnsupported() throws {
        let manifest = try JPEGFixtureManifest.load()
        XCTAssertFalse(manifest.unsupported.isEmpty)
        for file in manifest.unsupported {
            let path = JPEGFixtureManifest.path(of: file)
            XCTAssertThrowsError(try JPEGDecoder.decode(path: path)) { error in
                guard case .unsupportedJPEG? = error as? ImageError else { return XCTFail("\(file): \(error)") }
                XCTAssertEqual("\(error)", "\(path): unsupported JPEG: 4-component (CMYK or YCCK) image; convert it to RGB first")
            }
        }
    }

    /// The real fundus photograph, checked against the size, sum, mean and hash Pillow computed.
    func testRealFundusSample() throws {
        let expected = try XCTUnwrap(try JPEGFixtureManifest.load().fundus, "manifest has no fundus entry")
        let path = TestEnvironment.fixture(expected.path).path
        let image = try JPEGDecoder.decode(path: path)
        XCTAssertEqual(image.width, expected.width)
        XCTAssertEqual(image.height, expected.height)
        XCTAssertEqual(image.channels.rawValue, expected.channels)
        guard case .eight(let samples) = image.pixels else { return XCTFail("expected 8-bit samples") }
        let sum = samples.reduce(0) { $0 + Int($1) }
        XCTAssertEqual(Double(sum) / Double(samples.count), expected.mean, accuracy: 1e-9)
        XCTAssertEqual(sum, expected.sampleSum)
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in samples {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        XCTAssertEqual(String(repeating: "0", count: 16 - hex.count) + hex, expected.fnv1a64)
    }
}
