import Foundation
import TestSupport

/// The expectations written by Tools/make_png_fixtures.py into Tests/Fixtures/png/manifest.json.
struct PNGFixtureManifest: Decodable {
    struct Fixture: Decodable {
        let file: String
        let width: Int
        let height: Int
        let channels: String
        let bitDepth: Int
        let interlaced: Bool
        /// False for 16-bit images with alpha, whose colour is only approximate where alpha < max.
        let exactColour: Bool
        let pixels: [Int]
    }

    struct ChestXray: Decodable {
        let path: String
        let width: Int
        let height: Int
        let channels: String
        let bitDepth: Int
        let sampleSum: Int
        let fnv1a64: String
    }

    let fixtures: [Fixture]
    let chestXray: ChestXray?

    static let directory = TestEnvironment.fixture("png")

    static func load() throws -> PNGFixtureManifest {
        let data = try Data(contentsOf: directory.appendingPathComponent("manifest.json"))
        return try JSONDecoder().decode(PNGFixtureManifest.self, from: data)
    }

    static func path(of fixture: Fixture) -> String {
        directory.appendingPathComponent(fixture.file).path
    }
}
