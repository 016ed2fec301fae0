import XCTest
@testable import ModelStore

final class QuantChoiceTests: XCTestCase {
    let files = [
        HubFile(path: "medgemma-4b-it-Q8_0.gguf", size: 800, sha256: nil),
        HubFile(path: "medgemma-4b-it-Q4_K_M.gguf", size: 400, sha256: nil),
        HubFile(path: "medgemma-4b-it-UD-Q4_K_M.gguf", size: 420, sha256: nil),
        HubFile(path: "medgemma-4b-it-Q4_K_S.gguf", size: 380, sha256: nil),
        HubFile(path: "mmproj-F32.gguf", size: 90, sha256: nil),
        HubFile(path: "mmproj-F16.gguf", size: 60, sha256: nil),
        HubFile(path: "mmproj-BF16.gguf", size: 60, sha256: nil),
        HubFile(path: "README.md", size: 1, sha256: nil),
    ]

    func testDefaultIsTheSmallestQ4KM() throws {
        XCTAssertEqual(try QuantChoice.model(in: files, quant: nil, repo: "o/r").path, "medgemma-4b-it-Q4_K_M.gguf")
    }

    func testAskedQuantIsAWholeTag() throws {
        XCTAssertEqual(try QuantChoice.model(in: files, quant: "q8_0", repo: "o/r").path, "medgemma-4b-it-Q8_0.gguf")
        XCTAssertEqual(try QuantChoice.model(in: files, quant: "Q4_K_S", repo: "o/r").path, "medgemma-4b-it-Q4_K_S.gguf")
        XCTAssertThrowsError(try QuantChoice.model(in: files, quant: "Q4_K", repo: "o/r")) { error in
            XCTAssertTrue("\(error)".contains("no Q4_K file"), "\(error)")
            XCTAssertTrue("\(error)".contains("medgemma-4b-it-Q8_0.gguf"), "\(error)")
        }
    }

    func testVisionPartPrefersF16() {
        XCTAssertEqual(QuantChoice.visionPart(in: files)?.path, "mmproj-F16.gguf")
        XCTAssertNil(QuantChoice.visionPart(in: Array(files.prefix(4))))
    }

    func testNoGGUFSaysSo() {
        XCTAssertThrowsError(try QuantChoice.model(in: [HubFile(path: "model.safetensors", size: 1, sha256: nil)], quant: nil, repo: "google/x")) { error in
            XCTAssertTrue("\(error)".hasPrefix("google/x: no GGUF file"), "\(error)")
        }
    }
}
