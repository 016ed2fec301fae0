import Foundation
import FuzzTargets

// Built two ways. `make fuzz` compiles this with `-sanitize=fuzzer,address -DFUZZING`:
// the entry point starts libFuzzer's driver, which calls the target named by
// $MEDGEMMA_FUZZ_TARGET with each input. Otherwise (every normal build) it is a replayer:
// `medgemma-fuzz TARGET FILE...` runs the target on each file, to reproduce a crash that
// fuzzing found. Both answer `--targets` (every target's name) and `--seeds TARGET` (its
// seed folders), so the Makefile keeps no list of its own.

/// Answers `--targets` and `--seeds TARGET` (true), or leaves the arguments to the caller.
private func answeredQuestion(_ arguments: [String]) -> Bool {
    switch arguments.first {
    case "--targets":
        print(FuzzTarget.allCases.map(\.rawValue).joined(separator: " "))
    case "--seeds":
        guard arguments.count == 2, let target = FuzzTarget(rawValue: arguments[1]) else {
            fputs("medgemma-fuzz: --seeds needs one target: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n", stderr)
            exit(2)
        }
        print(target.seedFolders.joined(separator: " "))
    default:
        return false
    }
    return true
}

#if FUZZING
nonisolated(unsafe) private var chosen: FuzzTarget = .gguf

/// libFuzzer's driver (from libclang_rt.fuzzer): parses its options and runs the loop.
@_silgen_name("LLVMFuzzerRunDriver")
private func runDriver(_ argc: UnsafeMutablePointer<Int32>,
                       _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                       _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

/// The executable's entry point under SwiftPM's name for it (SwiftPM links `main` to it),
/// so libFuzzer's own `main` is not needed: the driver is started from here.
@_cdecl("MedgemmaFuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    if answeredQuestion(Array(CommandLine.arguments.dropFirst())) { return 0 }
    let name = ProcessInfo.processInfo.environment["MEDGEMMA_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        fputs("medgemma-fuzz: set MEDGEMMA_FUZZ_TARGET to one of \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n", stderr)
        return 2
    }
    chosen = target
    var count = argc
    var vector: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return runDriver(&count, &vector) { data, size in
        chosen.run(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size))
        return 0
    }
}
#else
@main
enum FuzzReplay {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if answeredQuestion(arguments) { return }
        guard let first = arguments.first, let target = FuzzTarget(rawValue: first) else {
            print("Usage: medgemma-fuzz TARGET FILE...   (TARGET: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")))")
            print("Runs a fuzz target on each file (a crash found by `make fuzz`); `make fuzz` builds the fuzzer itself.")
            print("       medgemma-fuzz --targets | --seeds TARGET   (the target names; a target's seed folders)")
            exit(arguments.first == "-h" || arguments.first == "--help" ? 0 : 2)
        }
        for path in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                fputs("medgemma-fuzz: \(path): cannot read\n", stderr)
                exit(1)
            }
            data.withUnsafeBytes { target.run($0) }
            print("\(path): ok")
        }
    }
}
#endif
