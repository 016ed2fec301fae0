import Foundation
import Glibc
import GGUF
import Support
import Workstation

/// The `medgemma` executable: dispatches to a subcommand, turns errors into one line on
/// standard error and an exit status (2 for usage errors, 1 for everything else).
public enum MedgemmaCommand {
    /// Every subcommand, in the order `--help` lists them.
    public static let subcommands: [any Subcommand.Type] = [
        InfoCommand.self,
        TokenizeCommand.self,
        AskCommand.self,
        ReportCommand.self,
        GenerateCommand.self,
        LogitsCommand.self,
        EmbedImageCommand.self,
        BenchCommand.self,
        PerplexityCommand.self,
        ExportCommand.self,
        DatasetCommand.self,
        EvalCommand.self,
        ShowCommand.self,
        ConvertCommand.self,
        BackendsCommand.self,
        ModelsCommand.self,
        PullCommand.self,
        FinetuneCommand.self,
    ]

    public static let version = EngineVersion.current

    static var help: String {
        let width = subcommands.map { $0.name.count }.max() ?? 0
        let list = subcommands.map { "  \($0.name + String(repeating: " ", count: width - $0.name.count))  \($0.summary)" }
        return """
        medgemma \(version) — MedGemma Workstation: review cases and chat with MedGemma, in-process on the CPU.

        Usage: medgemma [--model M] [--mmproj P] [--lora FILE[:S]] [--samples DIR | --study DIR]
                        [--theme T] [--graphics sixel|blocks|ascii] [--backend URL [--remote-model M]]
                                                              open the workstation
               medgemma <command> [options]
               medgemma <command> --help

        Commands:
        \(list.joined(separator: "\n"))

        Options:
          -h, --help     show this help
          --version      print the version

        AI output is a research draft, not for clinical use.

        """
    }

    /// Ends the process without running library destructors: work still on a background
    /// queue (a case context being prefilled, an image being encoded) must not meet
    /// OpenBLAS freeing its buffers in `exit`, which crashes the process on the way out.
    /// Everything we write is already on disk (atomic writes); stdio is flushed here.
    /// `MEDGEMMA_PEAK_MEMORY=1` ends with the process's peak resident memory on standard
    /// error, to check memory planning against ("peak memory: 358137856 bytes").
    public static func main() -> Never {
        // Past a file-size limit (`ulimit -f`) the kernel would kill the process with SIGXFSZ
        // in the middle of a save, leaving a temporary file and no message; ignored, the write
        // fails with EFBIG and the save says so in one line, the old file intact.
        signal(SIGXFSZ, SIG_IGN)
        var status = run(Array(CommandLine.arguments.dropFirst()))
        let environment = ProcessInfo.processInfo.environment
        if LeakCheck.runIfAsked(environment: environment), status == 0 {
            status = LeakCheck.leaksFound
        }
        if environment["MEDGEMMA_PEAK_MEMORY"] == "1", let peak = SystemMemory.peakResident() {
            Console.err("peak memory: \(peak) bytes\n")
        }
        fflush(nil)
        _exit(status)
    }

    /// Runs a command line (without the program name); returns the exit status.
    public static func run(_ argv: [String]) -> Int32 {
        guard let first = argv.first else {
            // Bare `medgemma` opens the workstation at a terminal, and prints help elsewhere.
            if isatty(0) == 1 && isatty(1) == 1 { return runWorkstation([]) }
            Console.out(help)
            return 0
        }
        if first == "-h" || first == "--help" || first == "help" {
            Console.out(help)
            return 0
        }
        if first == "--version" {
            Console.out("medgemma \(version)\n")
            return 0
        }
        if first.hasPrefix("-") {
            return runWorkstation(argv)
        }
        guard let command = subcommands.first(where: { $0.name == first || $0.aliases.contains(first) }) else {
            Console.err("medgemma: unknown command '\(first)' (see 'medgemma --help')\n")
            return 2
        }
        do {
            let parsed = try ArgumentParser.parse(Array(argv.dropFirst()), spec: command.spec, command: command.qualifiedName)
            if parsed.wantsHelp {
                Console.out(command.help)
                return 0
            }
            return try command.run(parsed)
        } catch let error as UsageError {
            Console.err("\(error)\n")
            return 2
        } catch {
            Console.err("\(command.qualifiedName): \(error)\n")
            return 1
        }
    }

    static func runWorkstation(_ argv: [String]) -> Int32 {
        do {
            let parsed = try ArgumentParser.parse(argv, spec: WorkstationCommand.spec, command: "medgemma")
            if parsed.wantsHelp {
                Console.out(help)
                return 0
            }
            return try WorkstationCommand.run(parsed)
        } catch let error as UsageError {
            Console.err("\(error)\n")
            return 2
        } catch {
            Console.err("medgemma: \(error)\n")
            return 1
        }
    }
}
