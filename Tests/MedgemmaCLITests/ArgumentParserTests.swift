import XCTest
import MedgemmaCLI

final class ArgumentParserTests: XCTestCase {
    let spec = ArgumentSpec(flags: ["--json"], options: ["--model", "--top"], aliases: ["-m": "--model"],
                            positionals: 0...1, positionalName: "FILE")

    func testOptionsFlagsAndPositionals() throws {
        let p = try ArgumentParser.parse(["--json", "--model", "a.gguf", "--top=5", "x"], spec: spec, command: "medgemma t")
        XCTAssertTrue(p.has("--json"))
        XCTAssertEqual(p["--model"], "a.gguf")
        XCTAssertEqual(p["--top"], "5")
        XCTAssertEqual(p.positionals, ["x"])
    }

    func testAliasDashAndDoubleDash() throws {
        let p = try ArgumentParser.parse(["-m", "b.gguf", "--", "--json"], spec: spec, command: "medgemma t")
        XCTAssertEqual(p["--model"], "b.gguf")
        XCTAssertFalse(p.has("--json"))
        XCTAssertEqual(p.positionals, ["--json"])
        XCTAssertEqual(try ArgumentParser.parse(["-"], spec: spec, command: "c").positionals, ["-"])
    }

    func testErrorsAreOneLineUsageErrors() {
        let cases: [([String], String)] = [
            (["--bogus"], "unknown option '--bogus'"),
            (["--model"], "--model needs a value"),
            (["--json=1"], "--json takes no value"),
            (["a", "b"], "unexpected argument 'b'"),
        ]
        for (args, message) in cases {
            XCTAssertThrowsError(try ArgumentParser.parse(args, spec: spec, command: "medgemma t")) { error in
                guard let usage = error as? UsageError else { return XCTFail("\(args): \(error)") }
                XCTAssertEqual(usage.message, message)
                XCTAssertEqual("\(usage)", "medgemma t: \(message) (see 'medgemma t --help')")
            }
        }
        let required = ArgumentSpec(positionals: 1...1, positionalName: "TEXT")
        XCTAssertThrowsError(try ArgumentParser.parse([], spec: required, command: "c")) { error in
            XCTAssertEqual((error as? UsageError)?.message, "missing TEXT")
        }
    }

    func testHelpWinsOverMissingArguments() throws {
        let required = ArgumentSpec(positionals: 1...1)
        XCTAssertTrue(try ArgumentParser.parse(["--help"], spec: required, command: "c").wantsHelp)
        XCTAssertTrue(try ArgumentParser.parse(["-h"], spec: required, command: "c").wantsHelp)
    }

    func testIntegerOption() throws {
        let p = try ArgumentParser.parse(["--top", "seven"], spec: spec, command: "c")
        XCTAssertThrowsError(try ArgumentParser.int(p, "--top", default: 20, range: 1...100, command: "c"))
        let q = try ArgumentParser.parse(["--top", "7"], spec: spec, command: "c")
        XCTAssertEqual(try ArgumentParser.int(q, "--top", default: 20, range: 1...100, command: "c"), 7)
        XCTAssertEqual(try ArgumentParser.int(try ArgumentParser.parse([], spec: spec, command: "c"), "--top", default: 20, command: "c"), 20)
    }
}
