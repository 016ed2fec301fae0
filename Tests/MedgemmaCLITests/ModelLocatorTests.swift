import XCTest
import ModelCatalog
@testable import MedgemmaCLI

final class ModelLocatorTests: XCTestCase {
    func testShortNameFindsThePulledModelPreferringQ4KM() {
        let models = [
            LocalModel(name: "medgemma-4b-it-Q8_0", path: "/m/medgemma-4b-it-Q8_0.gguf", source: .medgemma, size: 8),
            LocalModel(name: "medgemma-4b-it-Q4_K_M", path: "/m/medgemma-4b-it-Q4_K_M.gguf", source: .medgemma, size: 4),
            LocalModel(name: "medgemma-4b-it-mmproj-F16", path: "/m/medgemma-4b-it-mmproj-F16.gguf", source: .medgemma, size: 1),
            LocalModel(name: "medgemma-27b-it-Q3_K_S", path: "/m/medgemma-27b-it-Q3_K_S.gguf", source: .medgemma, size: 12),
            LocalModel(name: "medgemma-27b-it-Q2_K", path: "/m/medgemma-27b-it-Q2_K.gguf", source: .medgemma, size: 10),
            LocalModel(name: "medgemma-27b-text-it-Q4_K_M", path: "/h/x.gguf", source: .huggingFace, size: 4),
        ]
        XCTAssertEqual(ModelLocator.pulled(shortName: "medgemma-4b-it", among: models)?.path, "/m/medgemma-4b-it-Q4_K_M.gguf")
        XCTAssertEqual(ModelLocator.pulled(shortName: "medgemma-27b-it", among: models)?.path, "/m/medgemma-27b-it-Q2_K.gguf")
        // Only what we pulled: another tool's copy is listed under its own name.
        XCTAssertNil(ModelLocator.pulled(shortName: "medgemma-27b-text-it", among: models))
        XCTAssertNil(ModelLocator.pulled(shortName: "medgemma-4b-it-Q8", among: models))
    }
}
