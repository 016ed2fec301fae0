import Adapters
import Foundation
import Gemma
import GGUF
import Support

/// Memory planning where a command opens a model (issue 15): the estimate from the headers
/// (`MemoryPlan`) against what is available, before a byte of the weights is read. When the
/// model does not fit, one line says so and what would: a smaller context that fits, a
/// smaller quantization, or a server. `MEDGEMMA_MEMORY_LIMIT` (e.g. `8G`) plans for at most
/// that much (to leave room for other work); `MEDGEMMA_MEMORY_CHECK=off` skips the check.
enum MemoryCheck {
    /// Throws a one-line failure when `model` (with `mmproj`) will not fit at `contextSize`.
    /// `adapters`: the `--lora` files to apply, counted at what they will hold (`AdapterFootprint`).
    static func ensureFits(model: String, mmproj: String?, contextSize: Int, adapters: [String] = [],
                           environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard environment["MEDGEMMA_MEMORY_CHECK"]?.lowercased() != "off" else { return }
        let adapterBytes = adapters.reduce(0) { $0 + (AdapterFootprint.bytes(ofAdapterAt: $1) ?? 0) }
        let plan = try MemoryPlan(model: GGUFFile(path: model), contextSize: contextSize, mmproj: mmproj.map { try GGUFFile(path: $0) },
                                  adapterBytes: adapterBytes, available: try available(environment))
        guard !plan.fits, let available = plan.available else { return }
        var message = "\((model as NSString).lastPathComponent) needs ≈ \(Format.bytes(plan.estimate.total)) at --ctx \(contextSize) "
            + "(\(breakdown(plan.estimate))) but \(Format.bytes(available)) is available: "
        if let ctx = plan.fittingContext {
            message += "--ctx \(ctx) fits; otherwise "
        }
        message += "a smaller quantization of the model, or a server (--backend URL)"
        throw CommandFailure(message)
    }

    /// "weights 2.5 GB, KV cache 0.3 GB, vision 0.9 GB, buffers 0.1 GB, process 0.05 GB".
    static func breakdown(_ e: MemoryEstimate) -> String {
        var parts = ["weights \(Format.bytes(e.weights))", "KV cache \(Format.bytes(e.kvCache))"]
        if e.vision > 0 { parts.append("vision \(Format.bytes(e.vision))") }
        if e.adapters > 0 { parts.append("adapters \(Format.bytes(e.adapters))") }
        parts += ["buffers \(Format.bytes(e.buffers))", "process \(Format.bytes(e.fixed))"]
        return parts.joined(separator: ", ")
    }

    /// What the plan may use: the system's available memory, capped by `MEDGEMMA_MEMORY_LIMIT`.
    static func available(_ environment: [String: String]) throws -> Int? {
        let system = SystemMemory.available()
        guard let text = environment["MEDGEMMA_MEMORY_LIMIT"], !text.isEmpty else { return system }
        guard let limit = parseBytes(text) else {
            throw CommandFailure("MEDGEMMA_MEMORY_LIMIT: '\(OneLine.clean(text))' is not a size (e.g. 8G, 512M)")
        }
        return system.map { min($0, limit) } ?? limit
    }

    /// "8G", "512M", "1.5GB", "1000000" (bytes): decimal-free binary units, as `free -h` reads.
    static func parseBytes(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces).uppercased().replacingOccurrences(of: "IB", with: "").replacingOccurrences(of: "B", with: "")
        let units: [Character: Double] = ["K": 1024, "M": 1_048_576, "G": 1_073_741_824, "T": 1_099_511_627_776]
        if let last = t.last, let unit = units[last], let value = Double(t.dropLast()), value >= 0 { return Int(value * unit) }
        return Int(t).flatMap { $0 >= 0 ? $0 : nil }
    }
}
