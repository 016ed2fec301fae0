import Gemma
import TestSupport

/// The real default model, loaded once for all tests of this bundle.
enum TestModel {
    static func path() throws -> String { try TestEnvironment.defaultModel() }

    nonisolated(unsafe) private static var cached: Engine?

    static func engine() throws -> Engine {
        if let cached { return cached }
        let engine = try Engine(path: try path())
        cached = engine
        return engine
    }
}
