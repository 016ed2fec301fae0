import Foundation
import MedImaging
import XCTest
import TestSupport

/// Writing PNGs: every supported layout round-trips through `PNGDecoder` unchanged.
///
/// Set PNGENCODER_KEEP_DIR to a folder to keep copies of the written files there, e.g. to
/// open them with Pillow by hand (tests never run Python).
final class PNGEncoderTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "/pngencoder-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        addTeardownBlock { [folder] in try? FileManager.default.removeItem(atPath: folder) }
    }

    /// A deterministic image with values spanning the whole range of the bit depth.
    private func pattern(width: Int, height: Int, channels: ChannelLayout, sixteenBit: Bool) -> DecodedImage {
        let count = width * height * channels.count
        let values = (0..<count).map { i in (i &* 2_654_435_761) >> 7 }
        let pixels: PixelSamples = sixteenBit ? .sixteen(values.map { UInt16(truncatingIfNeeded: $0) })
                                              : .eight(values.map { UInt8(truncatingIfNeeded: $0) })
        return DecodedImage(width: width, height: height, channels: channels, pixels: pixels)
    }

    private func keepCopy(of path: String) {
        guard let keep = ProcessInfo.processInfo.environment["PNGENCODER_KEEP_DIR"], !keep.isEmpty else { return }
        let target = keep + "/" + URL(fileURLWithPath: path).lastPathComponent
        try? FileManager.default.removeItem(atPath: target)
        try? FileManager.default.copyItem(atPath: path, toPath: target)
    }

    /// The chunk types of a PNG file, in order (read by hand, not by libpng).
    private func chunkTypes(_ bytes: [UInt8]) -> [String] {
        var types: [String] = [], offset = 8
        while offset + 8 <= bytes.count {
            let length = Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            types.append(String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self))
            offset += 12 + length
        }
        return types
    }

    func testEverySupportedLayoutRoundTrips() throws {
        let cases: [(ChannelLayout, Bool, UInt8, UInt8)] = [  // layout, 16-bit, IHDR bit depth, IHDR colour type
            (.gray, false, 8, 0), (.grayAlpha, false, 8, 4), (.rgb, false, 8, 2), (.rgba, false, 8, 6),
            (.gray, true, 16, 0), (.rgb, true, 16, 2),
        ]
        for (layout, sixteen, depth, colourType) in cases {
            let image = pattern(width: 19, height: 7, channels: layout, sixteenBit: sixteen)
            let path = folder + "/\(layout.rawValue)\(sixteen ? 16 : 8).png"
            try PNGEncoder.write(image, to: path)
            keepCopy(of: path)
            XCTAssertEqual(try PNGDecoder.decode(path: path), image, path)
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            XCTAssertEqual(Array(bytes.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            XCTAssertEqual([bytes[24], bytes[25]], [depth, colourType], "\(path): IHDR depth and colour type")
            let types = chunkTypes(bytes)
            XCTAssertEqual(types.first, "IHDR")
            XCTAssertEqual(types.last, "IEND")
            XCTAssertTrue(Set(types).isDisjoint(with: ["gAMA", "cHRM", "sRGB", "iCCP"]), "\(path): \(types)")
        }
    }

    /// The PNG fixtures, whose pixels Tools/make_png_fixtures.py computed, survive decode → encode → decode.
    func testPNGFixturesRoundTrip() throws {
        var written = 0
        for fixture in try PNGFixtureManifest.load().fixtures {
            let original = try PNGDecoder.decode(path: PNGFixtureManifest.path(of: fixture))
            if original.bitDepth == 16 && original.channels.hasAlpha { continue }
            let bytes = try PNGEncoder.encode(original)
            XCTAssertEqual(try PNGDecoder.decode(bytes: bytes), original, fixture.file)
            if fixture.exactColour {
                XCTAssertEqual((0..<original.pixels.count).map { original.pixels[$0] }, fixture.pixels, fixture.file)
            }
            written += 1
        }
        XCTAssertGreaterThan(written, 15)
    }

    /// A decoded JPEG (what the vision encoder would be fed) saved as PNG keeps every sample.
    func testDecodedJPEGSavesLosslessly() throws {
        let image = try JPEGDecoder.decode(path: JPEGFixtureManifest.path(of: "rgb420_64x48.jpg"))
        let path = folder + "/from_jpeg.png"
        try PNGEncoder.write(image, to: path)
        keepCopy(of: path)
        XCTAssertEqual(try PNGDecoder.decode(path: path), image)
    }

    func testOverwritesAtomicallyAndLeavesNoTemporaryFiles() throws {
        let path = folder + "/image.png"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data("old".utf8)))
        let image = pattern(width: 5, height: 3, channels: .rgb, sixteenBit: false)
        try PNGEncoder.write(image, to: path)
        try PNGEncoder.write(image, to: path)
        XCTAssertEqual(try PNGDecoder.decode(path: path), image)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["image.png"])
    }

    func testSixteenBitAlphaIsRefused() {
        for layout in [ChannelLayout.grayAlpha, .rgba] {
            let image = pattern(width: 3, height: 2, channels: layout, sixteenBit: true)
            let path = folder + "/alpha16.png"
            XCTAssertThrowsError(try PNGEncoder.write(image, to: path)) { error in
                XCTAssertEqual(error as? PNGEncoderError, .unsupportedLayout(destination: path, channels: layout, bitDepth: 16))
                XCTAssertEqual("\(error)", "\(path): cannot write a 16-bit \(layout.rawValue) image as PNG "
                               + "(16-bit images with alpha are not supported)")
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        }
    }

    func testUnwritableDestinationsFailOnOneLine() throws {
        let image = pattern(width: 4, height: 4, channels: .gray, sixteenBit: false)
        let missingFolder = folder + "/no/such/folder/out.png"
        XCTAssertThrowsError(try PNGEncoder.write(image, to: missingFolder)) { error in
            guard case .writeFailed? = error as? PNGEncoderError else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".hasPrefix(missingFolder + ": cannot write file: "), "\(error)")
            XCTAssertFalse("\(error)".contains("\n"))
        }
        // A directory in the way: the rename fails and the temporary file is cleaned up.
        let directory = folder + "/taken.png"
        try FileManager.default.createDirectory(atPath: directory + "/inside", withIntermediateDirectories: true)
        XCTAssertThrowsError(try PNGEncoder.write(image, to: directory)) { error in
            guard case .writeFailed? = error as? PNGEncoderError else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["taken.png"])
    }
}
