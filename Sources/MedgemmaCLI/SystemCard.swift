import Foundation
import GGUF
import Kernels
import Support
import Workstation

/// What `medgemma info --system` prints: the processor, the instruction-set extensions the
/// kernels look for, and which kernels run for each kind of work on this machine — the
/// figures a benchmark needs beside it.
struct SystemCard {
    let path = KernelPath.active
    let requested = ProcessInfo.processInfo.environment["MEDGEMMA_KERNELS"]
    let blasCore = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"]

    func render() -> String {
        var lines = ["System"]
        lines.append(row("cpu", "\(CPUFeatures.modelName ?? "unknown"), \(ProcessInfo.processInfo.activeProcessorCount) cores"))
        lines.append(row("threads", "\(WorkerThreads.count) worker threads"))
        lines.append(row("extensions", CPUFeatures.summary.isEmpty ? "none the kernels use" : CPUFeatures.summary.joined(separator: " ")))
        lines.append(row("kernel path", "\(path.rawValue) (\(KernelBackend.name))" + pathNote))
        for (work, kernel) in KernelBackend.workDescription { lines.append(row(work, kernel)) }
        lines.append(row("model weights", weightsNote))
        lines.append(row("OpenBLAS", "\(blasCoreName) kernels" + (blasCore.map { " (OPENBLAS_CORETYPE=\($0))" } ?? "")))
        return lines.joined(separator: "\n") + "\n"
    }

    func json() -> JSONValue {
        .object([
            ("cpu", CPUFeatures.modelName.map(JSONValue.string) ?? .null),
            ("cores", .int(ProcessInfo.processInfo.activeProcessorCount)),
            ("threads", .int(WorkerThreads.count)),
            ("extensions", .array(CPUFeatures.summary.map(JSONValue.string))),
            ("kernel_path", .string(path.rawValue)),
            ("supported_paths", .array(KernelPath.supported.map { .string($0.rawValue) })),
            ("work", .object(KernelBackend.workDescription.map { ($0.work, JSONValue.string($0.kernel)) })),
            ("model_weights", .string(weightsOverride == "mapped" ? "mapped" : "memory if it fits")),
            ("available_memory_bytes", FileResidency.availableMemory().map(JSONValue.int) ?? .null),
            ("openblas_core", .string(blasCoreName)),
        ])
    }

    /// How a model's weights are loaded (`FileResidency`).
    private var weightsNote: String {
        if weightsOverride == "mapped" { return "mapped from the file (MEDGEMMA_WEIGHTS=mapped)" }
        let available = FileResidency.availableMemory().map { ", \(Format.bytes($0)) available now" } ?? ""
        return "files of 1 GiB or more read into memory on huge pages when they fit, else mapped\(available); MEDGEMMA_WEIGHTS=mapped maps them"
    }

    private var weightsOverride: String? {
        ProcessInfo.processInfo.environment["MEDGEMMA_WEIGHTS"].map { ["mapped", "mmap"].contains($0.lowercased()) ? "mapped" : $0 }
    }

    /// Why the path is not the fastest one, when it isn't.
    private var pathNote: String {
        guard path != KernelPath.supported[0] else { return "" }
        return "; MEDGEMMA_KERNELS=\(requested ?? "") (fastest here: \(KernelPath.supported[0].rawValue))"
    }

    private func row(_ label: String, _ value: String) -> String {
        "  " + label.padded(22) + value
    }
}
