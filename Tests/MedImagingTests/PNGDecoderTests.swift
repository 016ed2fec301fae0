import Foundation
import MedImaging
import XCTest
import TestSupport

/// Decoding every fixture against pixel values computed independently in Python.
final class PNGDecoderTests: XCTestCase {
    func testFixtureSetCoversEveryKindOfPNG() throws {
        let names = Set(try PNGFixtureManifest.load().fixtures.map { $0.file })
        for required in ["gray1", "gray2", "gray4", "gray8", "gray16", "grayalpha8", "grayalpha16",
                         "rgb8", "rgb16", "rgba8", "rgba16", "palette1", "palette4", "palette8",
                         "palette8_trns", "gray8_trns", "rgb8_trns", "gray8_interlaced",
                         "gray16_interlaced", "rgb8_interlaced", "rgba16_interlaced",
                         "palette2_interlaced", "rgb8_gamma", "gray16_gamma"] {
            XCTAssertTrue(names.contains(required + ".png"), "fixture \(required).png missing; rerun Tools/make_png_fixtures.py")
        }
    }

    func testEveryFixtureDecodesToTheExpectedPixels() throws {
        let manifest = try PNGFixtureManifest.load()
        XCTAssertFalse(manifest.fixtures.isEmpty)
        for fixture in manifest.fixtures {
            let image = try PNGDecoder.decode(path: PNGFixtureManifest.path(of: fixture))
            let name = fixture.file
            XCTAssertEqual(image.width, fixture.width, name)
            XCTAssertEqual(image.height, fixture.height, name)
            XCTAssertEqual(image.channels.rawValue, fixture.channels, name)
            XCTAssertEqual(image.bitDepth, fixture.bitDepth, name)
            XCTAssertEqual(image.pixels.count, fixture.pixels.count, name)
            guard image.pixels.count == fixture.pixels.count else { continue }
            if fixture.exactColour {
                let decoded = (0..<image.pixels.count).map { image.pixels[$0] }
                XCTAssertEqual(decoded, fixture.pixels, "\(name): pixels differ")
            } else {
                assertStraightAlphaClose(image, expected: fixture.pixels, name: name)
            }
        }
    }

    /// 16-bit with alpha: alpha exact, opaque colour exact, partial colour within 65535/alpha.
    private func assertStraightAlphaClose(_ image: DecodedImage, expected: [Int], name: String) {
        let n = image.channels.count
        var partialPixels = 0
        for pixel in 0..<(expected.count / n) {
            let alpha = expected[pixel * n + n - 1]
            XCTAssertEqual(image.pixels[pixel * n + n - 1], alpha, "\(name) pixel \(pixel) alpha")
            guard alpha > 0 else { continue }
            if alpha < 65535 { partialPixels += 1 }
            let tolerance = alpha == 65535 ? 0 : (65535 + alpha - 1) / alpha
            for c in 0..<(n - 1) {
                let got = image.pixels[pixel * n + c], want = expected[pixel * n + c]
                XCTAssertLessThanOrEqual(abs(got - want), tolerance, "\(name) pixel \(pixel) channel \(c): \(got) vs \(want)")
            }
        }
        XCTAssertGreaterThan(partialPixels, 0, "\(name) should exercise partial alpha")
    }

    func testDecodingBytesMatchesDecodingTheFile() throws {
        for file in ["rgba8_interlaced.png", "gray16.png", "palette8_trns.png"] {
            let path = PNGFixtureManifest.directory.appendingPathComponent(file).path
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            XCTAssertEqual(try PNGDecoder.decode(bytes: bytes), try PNGDecoder.decode(path: path), file)
        }
    }

    func testSampleAccessorAddressesPixelsRowMajor() throws {
        let path = PNGFixtureManifest.directory.appendingPathComponent("rgb8.png").path
        let image = try PNGDecoder.decode(path: path)
        let fixture = try XCTUnwrap(try PNGFixtureManifest.load().fixtures.first { $0.file == "rgb8.png" })
        // Pixel (x: 4, y: 3), blue channel.
        XCTAssertEqual(image.sample(x: 4, y: 3, channel: 2), fixture.pixels[(3 * 7 + 4) * 3 + 2])
        XCTAssertEqual(image.maxSampleValue, 255)
    }

    func testGammaChunkDoesNotChangeStoredSamples() throws {
        // The fixtures declare gamma 1.0; libpng would convert to sRGB unless told not to.
        let manifest = try PNGFixtureManifest.load()
        for file in ["rgb8_gamma.png", "gray16_gamma.png"] {
            let fixture = try XCTUnwrap(manifest.fixtures.first { $0.file == file })
            let image = try PNGDecoder.decode(path: PNGFixtureManifest.path(of: fixture))
            XCTAssertEqual((0..<image.pixels.count).map { image.pixels[$0] }, fixture.pixels, file)
        }
    }

    /// The real NIH ChestX-ray14 sample, checked against a checksum the Python script computed.
    func testRealChestXraySample() throws {
        let manifest = try PNGFixtureManifest.load()
        let expected = try XCTUnwrap(manifest.chestXray, "manifest has no chestXray entry")
        let path = TestEnvironment.fixture(expected.path).path
        let image = try PNGDecoder.decode(path: path)
        XCTAssertEqual(image.width, 512)
        XCTAssertEqual(image.height, 512)
        XCTAssertEqual(image.channels, .gray)
        XCTAssertEqual(image.bitDepth, 8)
        XCTAssertEqual(expected.width, 512)
        guard case .eight(let samples) = image.pixels else { return XCTFail("expected 8-bit samples") }
        XCTAssertEqual(samples.reduce(0) { $0 + Int($1) }, expected.sampleSum)
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in samples {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        XCTAssertEqual(String(hash, radix: 16).leftPadded(to: 16), expected.fnv1a64)
    }
}

private extension String {
    func leftPadded(to length: Int) -> String {
        String(repeating: "0", count: max(0, length - count)) + self
    }
}
