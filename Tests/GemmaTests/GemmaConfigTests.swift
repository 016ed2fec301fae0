import XCTest
import Gemma
import GGUF

/// Hyper-parameters decoded from the real file, against ENGINE.md §3.7 (worked numbers for 270m).
final class GemmaConfigTests: XCTestCase {
    func testTheRealModelsHyperParameters() throws {
        let c = try GemmaConfig(file: GGUFFile(path: try TestModel.path()))
        XCTAssertEqual(c.embeddingLength, 640)
        XCTAssertEqual(c.layerCount, 18)
        XCTAssertEqual(c.headCount, 4)
        XCTAssertEqual(c.kvHeadCount, 1)
        XCTAssertEqual(c.headDim, 256)
        XCTAssertEqual(c.feedForwardLength, 2048)
        XCTAssertEqual(c.vocabularySize, 262_144)
        XCTAssertEqual(c.slidingWindow, 512)
        XCTAssertEqual(c.rmsEpsilon, 1e-6)
        XCTAssertEqual(c.queryScale, 1.0 / 16)
        XCTAssertEqual((0..<18).filter { c.isGlobal(layer: $0) }, [5, 11, 17])
        XCTAssertEqual(c.ropeBase(layer: 5), 1_000_000)
        XCTAssertEqual(c.ropeBase(layer: 4), 10_000)
        XCTAssertEqual(c.ropeScale(layer: 5), 1)
        XCTAssertNil(c.finalLogitSoftcap)
    }
}
