import Foundation
import XCTest
@testable import MedImaging

/// Resizes must equal Pillow's `Image.resize(size, BILINEAR)` byte for byte.
final class PillowBilinearResamplerTests: XCTestCase {
    func testMatchesPillowOnEveryFixture() throws {
        let file: PreprocessingFixtures.ResizeFile = try PreprocessingFixtures.load("resize.json")
        XCTAssertGreaterThanOrEqual(file.cases.count, 10)
        for fixture in file.cases {
            let input = try RGBImage(width: fixture.width, height: fixture.height,
                                     pixels: PreprocessingFixtures.bytes(fixture.input))
            let output = try PillowBilinearResampler.resize(input, width: fixture.outWidth, height: fixture.outHeight)
            let expected = PreprocessingFixtures.bytes(fixture.expected)
            XCTAssertEqual(output.width, fixture.outWidth, fixture.name)
            XCTAssertEqual(output.height, fixture.outHeight, fixture.name)
            let differing = zip(output.pixels, expected).filter { $0 != $1 }.count
            XCTAssertEqual(output.pixels.count, expected.count, fixture.name)
            XCTAssertEqual(differing, 0, "\(fixture.name): \(differing) bytes differ from Pillow \(file.pillowVersion)")
        }
    }

    /// Shrinking averages everything under the output pixel (antialiasing): a 1-pixel
    /// checkerboard halved becomes flat gray, where 4-tap bilinear would keep stripes.
    func testShrinkAveragesInsteadOfSampling() throws {
        var pixels: [UInt8] = []
        for y in 0..<64 { for x in 0..<64 { pixels += Array(repeating: (x + y) % 2 == 0 ? 0 : 255, count: 3) } }
        let board = try RGBImage(width: 64, height: 64, pixels: pixels)
        let small = try PillowBilinearResampler.resize(board, width: 16, height: 16)
        let inner = (2..<14).flatMap { y in (2..<14).map { x in Int(small.pixel(x: x, y: y).red) } }
        XCTAssertTrue(inner.allSatisfy { abs($0 - 128) <= 1 }, "interior should be mid gray, got \(Set(inner))")
    }

    func testSameSizeIsUnchangedAndBadSizeThrows() throws {
        let image = try RGBImage(width: 2, height: 1, pixels: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(try PillowBilinearResampler.resize(image, width: 2, height: 1), image)
        XCTAssertThrowsError(try PillowBilinearResampler.resize(image, width: 0, height: 5)) { error in
            XCTAssertEqual(error as? PreprocessingError, .invalidSize(width: 0, height: 5))
        }
    }

    /// 2000×2000 → 896×896 must take milliseconds in a release build (generous bound for shared CI cores).
    func testLargeResizeIsFast() throws {
        var pixels = [UInt8](repeating: 0, count: 2000 * 2000 * 3)
        for i in pixels.indices { pixels[i] = UInt8(truncatingIfNeeded: i &* 2654435761 >> 7) }
        let image = try RGBImage(width: 2000, height: 2000, pixels: pixels)
        let start = Date()
        let resized = try PillowBilinearResampler.resize(image, width: 896, height: 896)
        let seconds = Date().timeIntervalSince(start)
        print("PillowBilinearResampler 2000×2000 → 896×896: \(Int(seconds * 1000)) ms")
        XCTAssertEqual(resized.pixels.count, 896 * 896 * 3)
        XCTAssertLessThan(seconds, 1.0)
    }
}
