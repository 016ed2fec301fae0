import Support
import Workstation
import GGUF
import Gemma

/// The human-readable description `medgemma info` prints for a GGUF file: what it is,
/// its sizes, how it is quantized, its tokenizer — like a model card.
struct ModelCard {
    let file: GGUFFile

    private var meta: GGUFMetadata { file.metadata }

    func render() throws -> String {
        var lines: [String] = []
        let arch = try meta.string("general.architecture") ?? "unknown"
        let name = try meta.string("general.name") ?? fileName(file.path)
        let parameters = file.tensorInfos.reduce(0) { $0 + $1.elementCount }

        lines.append(name)
        let headerOnly = file.isHeaderOnly ? " (header only: the tensor data is not in this file)" : ""
        lines.append(row("file", "\(fileName(file.path)), \(Format.bytes(file.fileSize)), GGUF v\(file.version)\(headerOnly)"))
        lines.append(row("architecture", try architectureLine(arch)))
        if let ft = try meta.int("general.file_type") {
            lines.append(row("file type", "\(Self.fileTypeName(ft)) (general.file_type \(ft))"))
        }
        lines.append(row("parameters", "\(Format.count(parameters)) in \(file.tensorInfos.count) tensors"))
        for key in ["general.license", "general.basename", "general.size_label", "general.finetune"] {
            if let v = try? meta.string(key) { lines.append(row(String(key.dropFirst(8)), v)) }
        }

        if arch == "clip" {
            lines.append("")
            lines.append("Vision")
            lines += try visionLines()
        } else {
            lines.append("")
            lines.append("Model")
            lines += try textModelLines(arch)
        }

        lines.append("")
        lines.append("Quantization")
        lines += quantizationLines()

        if arch == "gemma3", let plan = try? MemoryPlan(model: file, contextSize: GenerationOptions.defaultContextSize,
                                                       available: SystemMemory.available()) {
            lines.append("")
            lines.append("Memory")
            lines += memoryLines(plan)
        }

        if meta.contains("tokenizer.ggml.model") {
            lines.append("")
            lines.append("Tokenizer")
            lines += try tokenizerLines()
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: Sections

    /// What running it takes at the default context, and whether that fits now
    /// (`MemoryPlan`; an mmproj adds its own weights and activations).
    private func memoryLines(_ plan: MemoryPlan) -> [String] {
        var out = [row("at --ctx \(plan.contextSize)", "≈ \(Format.bytes(plan.estimate.total)): \(MemoryCheck.breakdown(plan.estimate))")]
        if let available = plan.available {
            var verdict = plan.fits ? "fits" : "does not fit"
            if !plan.fits, let ctx = plan.fittingContext { verdict += " (--ctx \(ctx) does)" }
            out.append(row("available now", "\(Format.bytes(available)): \(verdict)"))
        }
        return out
    }

    private func architectureLine(_ arch: String) throws -> String {
        switch arch {
        case "gemma3": return "gemma3 (Gemma 3 text decoder)"
        case "clip":
            let projector = try meta.string("clip.projector_type") ?? "unknown projector"
            return "clip (vision encoder, \(projector) projector)"
        default: return arch
        }
    }

    private func textModelLines(_ arch: String) throws -> [String] {
        let p = arch + "."
        var out: [String] = []
        let d = try meta.int(p + "embedding_length")
        let layers = try meta.int(p + "block_count")
        if let d { out.append(row("embedding", "\(d)")) }
        if let layers {
            var text = "\(layers)"
            if let window = try meta.int(p + "attention.sliding_window"), window > 0, arch == "gemma3" {
                let global = layers / 6
                text += " (\(layers - global) local with a \(window)-token sliding window, \(global) global)"
            }
            out.append(row("layers", text))
        }
        if let heads = try meta.intOrPerLayer(p + "attention.head_count") {
            let kv = try meta.intOrPerLayer(p + "attention.head_count_kv") ?? heads
            var text = "\(Self.perLayer(heads)) query, \(Self.perLayer(kv)) key/value"
            if let dHead = try meta.int(p + "attention.key_length") { text += ", head size \(dHead)" }
            out.append(row("attention", text))
        }
        if let ff = try meta.intOrPerLayer(p + "feed_forward_length") { out.append(row("feed-forward", Self.perLayer(ff))) }
        if let ctx = try meta.int(p + "context_length") { out.append(row("context", "\(ctx) tokens")) }
        if let base = try meta.float(p + "rope.freq_base") {
            var text = "base \(Format.number(base))"
            if arch == "gemma3" { text += " on global layers (10000 on local)" }
            if let type = try meta.string(p + "rope.scaling.type"), let factor = try meta.float(p + "rope.scaling.factor"), factor > 0 {
                text += ", \(type) scaling ×\(Format.number(factor))"
            } else {
                text += ", no scaling"
            }
            out.append(row("rope", text))
        }
        if let eps = try meta.float(p + "attention.layer_norm_rms_epsilon") { out.append(row("rms epsilon", "\(Float(eps))")) }
        if let cap = try meta.float(p + "final_logit_softcapping") { out.append(row("logit softcap", Format.number(cap))) }
        return out
    }

    private func visionLines() throws -> [String] {
        var out: [String] = []
        let v = "clip.vision."
        if let size = try meta.int(v + "image_size"), let patch = try meta.int(v + "patch_size") {
            out.append(row("image", "\(size)×\(size) pixels, \(patch)×\(patch) patches (\((size / max(patch, 1)) * (size / max(patch, 1))) patches)"))
        }
        if let width = try meta.int(v + "embedding_length") { out.append(row("width", "\(width)")) }
        if let blocks = try meta.int(v + "block_count") { out.append(row("layers", "\(blocks)")) }
        if let heads = try meta.int(v + "attention.head_count") { out.append(row("attention", "\(heads) heads")) }
        if let ff = try meta.int(v + "feed_forward_length") { out.append(row("feed-forward", "\(ff)")) }
        if let proj = try meta.int(v + "projection_dim") { out.append(row("output width", "\(proj) (text model embedding)")) }
        return out
    }

    private func quantizationLines() -> [String] {
        var byType: [GGMLType: (count: Int, bytes: Int, params: Int)] = [:]
        for t in file.tensorInfos {
            var entry = byType[t.type] ?? (0, 0, 0)
            entry.count += 1
            entry.bytes += t.byteCount
            entry.params += t.elementCount
            byType[t.type] = entry
        }
        let total = max(1, file.tensorInfos.reduce(0) { $0 + $1.byteCount })
        let params = max(1, file.tensorInfos.reduce(0) { $0 + $1.elementCount })
        var out = byType.sorted { $0.value.bytes > $1.value.bytes }.map { type, e in
            let share = Double(e.bytes) * 100 / Double(total)
            return "  " + type.name.padded(6) + "\(e.count) tensors".padded(12)
                + Format.bytes(e.bytes).padded(11) + "\(Format.percent(share)) of weights"
        }
        let bpw = Double(total * 8) / Double(params)
        out.append(row("average", "\(Format.fixed(bpw, 2)) bits per weight"))
        return out
    }

    private func tokenizerLines() throws -> [String] {
        var out: [String] = []
        let model = try meta.string("tokenizer.ggml.model") ?? "?"
        let tokens = try meta.stringArray("tokenizer.ggml.tokens") ?? []
        let kind = model == "llama" ? "SentencePiece (llama)" : model
        out.append(row("model", "\(kind), \(tokens.count) tokens"))
        if let types = try meta.intArray("tokenizer.ggml.token_type") {
            let names = [1: "normal", 2: "unknown", 3: "control", 4: "user-defined", 5: "unused", 6: "byte"]
            var counts: [Int: Int] = [:]
            for t in types { counts[t, default: 0] += 1 }
            let parts = counts.sorted { $0.value > $1.value }.map { "\($0.value) \(names[$0.key] ?? "type \($0.key)")" }
            out.append(row("token types", parts.joined(separator: ", ")))
        }
        var specials: [String] = []
        for (label, key) in [("bos", "bos_token_id"), ("eos", "eos_token_id"), ("unk", "unknown_token_id"), ("pad", "padding_token_id")] {
            if let id = try meta.int("tokenizer.ggml." + key) {
                let piece = id >= 0 && id < tokens.count ? " \(Self.printable(tokens[id]))" : ""
                specials.append("\(label) \(id)\(piece)")
            }
        }
        if !specials.isEmpty { out.append(row("special", specials.joined(separator: ", "))) }
        let addBOS = try meta.bool("tokenizer.ggml.add_bos_token")
        let addSpace = try meta.bool("tokenizer.ggml.add_space_prefix")
        out.append(row("adds", "bos \(addBOS.map { $0 ? "yes" : "no" } ?? "default"), space prefix \(addSpace.map { $0 ? "yes" : "no" } ?? "default")"))
        if let template = try meta.string("tokenizer.chat_template") {
            out.append(row("chat template", "present (\(template.count) characters)"))
        } else {
            out.append(row("chat template", "none (base model; the built-in Gemma template is used)"))
        }
        return out
    }

    // MARK: Formatting

    private func row(_ label: String, _ value: String) -> String {
        "  " + label.padded(15) + value
    }

    private func fileName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// Token text made safe to print: control characters shown as escapes.
    static func printable(_ s: String) -> String {
        var out = ""
        for scalar in s.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value) {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func perLayer(_ values: [Int]) -> String {
        guard let first = values.first else { return "?" }
        if values.allSatisfy({ $0 == first }) { return "\(first)" }
        return "\(values.min()!)–\(values.max()!) (per layer)"
    }

    static func fileTypeName(_ ft: Int) -> String {
        let names: [Int: String] = [
            0: "ALL_F32", 1: "MOSTLY_F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1",
            10: "Q2_K", 11: "Q3_K_S", 12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M",
            16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K", 32: "BF16",
        ]
        return names[ft] ?? "unknown"
    }
}

extension String {
    /// Left-aligned in a column of `width` characters (at least one trailing space).
    func padded(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
