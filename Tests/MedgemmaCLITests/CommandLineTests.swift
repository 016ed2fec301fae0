import XCTest
import MedgemmaCLI
import TestSupport

/// The executable as a user meets it: help, exit codes, one-line errors.
final class CommandLineTests: XCTestCase {
    func testTopLevelHelpListsEveryCommand() throws {
        let r = try CommandRunner.medgemma(["--help"])
        XCTAssertEqual(r.status, 0)
        for command in MedgemmaCommand.subcommands {
            XCTAssertTrue(r.stdout.contains("  \(command.name) "), "help does not list \(command.name)")
        }
        XCTAssertTrue(r.stdout.contains("not for clinical use"))
    }

    func testEverySubcommandHasHelp() throws {
        for command in MedgemmaCommand.subcommands {
            let r = try CommandRunner.medgemma([command.name, "--help"])
            XCTAssertEqual(r.status, 0, command.name)
            XCTAssertTrue(r.stdout.hasPrefix("Usage: medgemma \(command.name)"), "\(command.name): \(r.stdout.prefix(80))")
            XCTAssertEqual(r.stderr, "")
        }
    }

    func testUnknownCommandAndFlagsExitTwoWithOneLine() throws {
        let unknown = try CommandRunner.medgemma(["frobnicate"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertEqual(unknown.stderr, "medgemma: unknown command 'frobnicate' (see 'medgemma --help')\n")
        for command in MedgemmaCommand.subcommands {
            let r = try CommandRunner.medgemma([command.name, "--no-such-flag"])
            XCTAssertEqual(r.status, 2, command.name)
            XCTAssertEqual(r.stderr, "medgemma \(command.name): unknown option '--no-such-flag' (see 'medgemma \(command.name) --help')\n")
            XCTAssertEqual(r.stdout, "")
        }
    }

    func testMissingOptionValueExitsTwo() throws {
        let r = try CommandRunner.medgemma(["tokenize", "--model"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderr, "medgemma tokenize: --model needs a value (see 'medgemma tokenize --help')\n")
    }
}
