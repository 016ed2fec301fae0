import Foundation
import Gemma

/// `--precision fast|exact`, for the commands that check numbers: `fast` (the default) is
/// what the engine runs everywhere — Q8 activations with the int8 matrix kernels and an f16
/// KV cache, as llama.cpp does; `exact` is the f32 reference path (weights dequantized to
/// f32, f32 activations and cache), the one compared with transformers to 1e-3.
enum PrecisionOption {
    static let option = "--precision"
    /// The option's help line, its description starting at `column` like the command's others.
    static func help(column: Int) -> String {
        "  " + "--precision P".padding(toLength: column - 2, withPad: " ", startingAt: 0)
            + "fast (default: int8 kernels, f16 KV cache, as llama.cpp) or exact (f32 throughout)"
    }

    static func parse(_ args: ParsedArguments, command: String) throws -> GemmaModel.Precision {
        switch args[option] {
        case nil, "fast": return .fast
        case "exact": return .reference
        case let other?: throw UsageError(command: command, "--precision takes fast or exact, not '\(other)'")
        }
    }
}
