import SafeTensors
import Support

/// The parts of PEFT's `adapter_config.json` that decide how a LoRA applies.
///
/// Anything that would change the arithmetic and is not read is refused in one line
/// rather than ignored: another `peft_type`, DoRA, per-module `rank_pattern` /
/// `alpha_pattern`. The rest (dropout, `task_type`, …) does not matter at inference.
public struct PEFTAdapterConfig: Equatable, Sendable {
    /// `target_modules` as written: PEFT accepts a list of module names, the string
    /// `"all-linear"`, or any other string, which it takes as a regular expression that must
    /// match a module's whole path. (`save_pretrained` writes "all-linear" out as the list it
    /// chose.) Informational here: the tensors present say what was trained.
    public enum TargetModules: Equatable, Sendable {
        case list([String])
        case allLinear
        case regex(String)
    }

    /// `r`: the rank.
    public let rank: Int
    /// `lora_alpha`.
    public let alpha: Float
    public let targetModules: TargetModules?
    /// `use_rslora` (false when absent).
    public let useRSLoRA: Bool
    /// `modules_to_save` (nil when absent or null).
    public let modulesToSave: [String]?
    /// `base_model_name_or_path`, for messages only.
    public let baseModel: String?

    /// Larger than any config PEFT writes by far; a bigger file is not read.
    public static let sizeLimit = 1 << 20

    public init(path: String) throws(PEFTAdapterError) {
        let bytes: [UInt8]
        do { bytes = try WholeFile.read(path: path, limit: Self.sizeLimit) } catch {
            throw PEFTAdapterError(file: path, .cannotRead(reason: error.problemText))
        }
        let json: JSONNode
        do { json = try JSONReader.parse(bytes) } catch { throw PEFTAdapterError(file: path, .notJSON(reason: error.text)) }
        try self.init(json: json, path: path)
    }

    public init(json: JSONNode, path: String) throws(PEFTAdapterError) {
        func fail(_ p: PEFTAdapterError.Problem) -> PEFTAdapterError { PEFTAdapterError(file: path, p) }
        func present(_ key: String) -> JSONNode? {
            guard let v = json[key], v != .null else { return nil }
            return v
        }
        guard case .object = json else { throw fail(.notObject(found: json.kindName)) }

        guard let type = present("peft_type") else { throw fail(.missingKey("peft_type")) }
        guard let typeName = type.string else { throw fail(.wrongType(key: "peft_type", expected: "a string", found: type.kindName)) }
        guard typeName == "LORA" else { throw fail(.notLoRA(peftType: typeName)) }

        guard let r = present("r") else { throw fail(.missingKey("r")) }
        guard let rank = r.exactInt else { throw fail(.wrongType(key: "r", expected: "a whole number", found: r.kindName)) }
        guard rank > 0, rank <= 1 << 16 else { throw fail(.invalidValue(key: "r", reason: "is \(rank); a rank is 1 to 65536")) }
        self.rank = rank

        guard let a = present("lora_alpha") else { throw fail(.missingKey("lora_alpha")) }
        guard let alpha = a.double else { throw fail(.wrongType(key: "lora_alpha", expected: "a number", found: a.kindName)) }
        guard Float(alpha).isFinite else { throw fail(.invalidValue(key: "lora_alpha", reason: "is out of range")) }
        self.alpha = Float(alpha)

        if let rs = present("use_rslora") {
            guard case .bool(let b) = rs else { throw fail(.wrongType(key: "use_rslora", expected: "true or false", found: rs.kindName)) }
            useRSLoRA = b
        } else {
            useRSLoRA = false
        }
        if let dora = present("use_dora") {
            guard case .bool(let b) = dora else { throw fail(.wrongType(key: "use_dora", expected: "true or false", found: dora.kindName)) }
            if b { throw fail(.doraUnsupported) }
        }

        var patterned: [String] = []
        for key in ["rank_pattern", "alpha_pattern"] {
            guard let p = present(key) else { continue }
            guard case .object(let members) = p else { throw fail(.wrongType(key: key, expected: "an object", found: p.kindName)) }
            if !members.isEmpty { patterned.append(key) }
        }
        if !patterned.isEmpty { throw fail(.patternsUnsupported(keys: patterned)) }

        switch present("target_modules") {
        case nil: targetModules = nil
        case .string(let s)?: targetModules = s == "all-linear" ? .allLinear : .regex(s)
        case .array(let items)?: targetModules = .list(try Self.strings(items, key: "target_modules", fail: fail))
        case let other?: throw fail(.wrongType(key: "target_modules", expected: "a list or a string", found: other.kindName))
        }
        switch present("modules_to_save") {
        case nil: modulesToSave = nil
        case .array(let items)?: modulesToSave = try Self.strings(items, key: "modules_to_save", fail: fail)
        case let other?: throw fail(.wrongType(key: "modules_to_save", expected: "a list", found: other.kindName))
        }
        switch present("base_model_name_or_path") {
        case nil: baseModel = nil
        case .string(let s)?: baseModel = s
        case let other?: throw fail(.wrongType(key: "base_model_name_or_path", expected: "a string", found: other.kindName))
        }
    }

    private static func strings(_ items: [JSONNode], key: String,
                                fail: (PEFTAdapterError.Problem) -> PEFTAdapterError) throws(PEFTAdapterError) -> [String] {
        var out: [String] = []
        for item in items {
            guard let s = item.string else { throw fail(.wrongType(key: key, expected: "a list of strings", found: "a list holding \(item.kindName)")) }
            out.append(s)
        }
        return out
    }
}
