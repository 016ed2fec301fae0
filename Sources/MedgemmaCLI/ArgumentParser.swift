/// Hand-written argument parsing for the subcommands (no package dependencies).
///
/// Accepts `--name value`, `--name=value`, short aliases (`-m value`), boolean flags,
/// `--` to end options, and `-` as a positional (standard input). Anything unknown or a
/// missing value is a `UsageError`.
public struct ArgumentSpec {
    /// Boolean switches, e.g. `["--json", "--pieces"]`.
    public var flags: [String] = []
    /// Options that take a value, e.g. `["--model"]`.
    public var options: [String] = []
    /// Short spellings: `["-m": "--model"]`.
    public var aliases: [String: String] = [:]
    /// How many positional arguments are allowed.
    public var positionals: ClosedRange<Int> = 0...0
    /// What the positionals are called, for the error message.
    public var positionalName = "argument"

    public init(flags: [String] = [], options: [String] = [], aliases: [String: String] = [:],
                positionals: ClosedRange<Int> = 0...0, positionalName: String = "argument") {
        self.flags = flags
        self.options = options
        self.aliases = aliases
        self.positionals = positionals
        self.positionalName = positionalName
    }
}

public struct ParsedArguments {
    public var flags: Set<String> = []
    /// The last value of each option (an option given twice keeps its last value)…
    public var options: [String: String] = [:]
    /// …and every value, in order, for the options that may be repeated (`--image`).
    public var repeated: [String: [String]] = [:]
    public var positionals: [String] = []
    /// `-h` or `--help` was given.
    public var wantsHelp = false

    public func has(_ flag: String) -> Bool { flags.contains(flag) }
    public subscript(option: String) -> String? { options[option] }
    /// Every value given for `option`, in order; empty when it is absent.
    public func all(_ option: String) -> [String] { repeated[option] ?? [] }
}

public enum ArgumentParser {
    public static func parse(_ args: [String], spec: ArgumentSpec, command: String) throws -> ParsedArguments {
        var out = ParsedArguments()
        var i = 0
        var onlyPositionals = false
        while i < args.count {
            let arg = args[i]
            i += 1
            if onlyPositionals || arg == "-" || !arg.hasPrefix("-") {
                out.positionals.append(arg)
                continue
            }
            if arg == "--" { onlyPositionals = true; continue }
            if arg == "-h" || arg == "--help" { out.wantsHelp = true; continue }
            var name = arg
            var inlineValue: String?
            if arg.hasPrefix("--"), let eq = arg.firstIndex(of: "=") {
                name = String(arg[..<eq])
                inlineValue = String(arg[arg.index(after: eq)...])
            }
            name = spec.aliases[name] ?? name
            if spec.flags.contains(name) {
                guard inlineValue == nil else { throw UsageError(command: command, "\(name) takes no value") }
                out.flags.insert(name)
            } else if spec.options.contains(name) {
                let value: String
                if let v = inlineValue {
                    value = v
                } else {
                    guard i < args.count else { throw UsageError(command: command, "\(name) needs a value") }
                    value = args[i]
                    i += 1
                }
                out.options[name] = value
                out.repeated[name, default: []].append(value)
            } else {
                throw UsageError(command: command, "unknown option '\(name)'")
            }
        }
        if out.wantsHelp { return out }
        if out.positionals.count < spec.positionals.lowerBound {
            throw UsageError(command: command, "missing \(spec.positionalName)")
        }
        if out.positionals.count > spec.positionals.upperBound {
            let extra = out.positionals[spec.positionals.upperBound]
            throw UsageError(command: command, "unexpected argument '\(extra)'")
        }
        return out
    }

    /// Reads an integer option, with a usage error when it is not one or out of range.
    public static func int(_ parsed: ParsedArguments, _ name: String, default value: Int,
                           range: ClosedRange<Int> = Int.min...Int.max, command: String) throws -> Int {
        guard let text = parsed[name] else { return value }
        guard let v = Int(text), range.contains(v) else {
            throw UsageError(command: command, "\(name) must be an integer in \(range.lowerBound)...\(range.upperBound), got '\(text)'")
        }
        return v
    }
}
