import Foundation
import TestSupport

/// The expectations written by Tools/make_jpeg_fixtures.py into Tests/Fixtures/jpeg/manifest.json:
/// pixels as Pillow (with its own bundled libjpeg-turbo) decoded each fixture.
struct JPEGFixtureManifest: Decodable {
    struct Fixture: Decodable {
        let file: String
        let width: Int
        let height: Int
        let channels: String
        let pixels: [Int]
    }

    struct Fundus: Decodable {
        let path: String
        let width: Int
        let height: Int
        let channels: String
        let sampleSum: Int
        let mean: Double
        let fnv1a64: String
    }

    let pillow: String
    let libjpegTurbo: String
    let fixtures: [Fixture]
    /// Files the decoder must refuse as unsupported (CMYK).
    let unsupported: [String]
    let fundus: Fundus?

    static let directory = TestEnvironment.fixture("jpeg")

    static func load() throws -> JPEGFixtureManifest {
        let data = try Data(contentsOf: directory.appendingPathComponent("manifest.json"))
        return try JSONDecoder().decode(JPEGFixtureManifest.self, from: data)
    }

    static func path(of file: String) -> String {
        directory.appendingPathComponent(file).path
    }

    static func bytes(of file: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(file)))
    }
}
