import Foundation
import Gemma
import RemoteInference
@testable import TUI
import TestSupport
import Workstation
import XCTest

/// Report stamps follow the model the chat moved to (`:model FILE`, or a series question
/// sent to the server): the new file by name and sha256 (as sha256sum gives it), or the
/// server's model name — never the file the workstation started with.
final class ModelStateTests: XCTestCase {
    func testAdoptingAModelStampsItsFileAndAServerItsName() throws {
        let tiny = TestEnvironment.fixture("tiny_gemma/tiny-gemma3.gguf").path
        let local = LocalEngineBackend(engine: try Engine(path: tiny), modelName: "tiny", contextSize: 64)
        var state = ModelState(backend: local, loadBackend: nil, modelFiles: ("/models/the-first.gguf", "/models/mmproj-first.gguf"))
        state.adopt(local, loadedFrom: tiny)
        let deadline = Date().addingTimeInterval(30)
        while !state.provenance.isReady, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let files = state.provenance.files()
        XCTAssertEqual(files.model.name, "tiny-gemma3.gguf")
        XCTAssertEqual(files.model.sha256, try Sha256Sum.of(tiny))
        XCTAssertNil(files.mmproj, "the new model has no vision part")

        let server = RemoteBackend(endpoint: try RemoteEndpoint(url: "http://127.0.0.1:9/v1"), model: "medgemma-27b-it")
        state.adopt(server, loadedFrom: nil)
        XCTAssertEqual(state.provenance.files().model, StampedFile(name: "medgemma-27b-it · http://127.0.0.1:9/v1", sha256: nil))
    }
}
