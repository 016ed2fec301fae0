import Foundation
import Support
import Workstation

/// `:lora ADAPTER.gguf [SCALE]` and `:lora off`: LoRA adapters swapped on the in-process
/// model while the workstation runs, without reloading it. The status bar names what is
/// on (the backend's name carries the adapters), and every report stamp names each
/// adapter with its sha256.
extension WorkstationApp {
    func applyLoRA(_ text: String) {
        guard let local = model.backend as? LocalEngineBackend, let apply = model.applyAdapter else {
            status.message = "\(Action.lora.title): \(Self.notAvailable) with this backend"
            return
        }
        guard model.adapterJob == nil else {
            status.message = "an adapter is already being applied"
            return
        }
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        if words == ["off"] {
            let job = AdapterJob(label: "off")
            model.adapterJob = job
            local.setAdapters([]) { error in job.finish(error.map { .failure($0) } ?? .success(())) }
            status.message = "turning adapters off after the reply in progress…"
            return
        }
        var path = text.trimmingCharacters(in: .whitespaces), scale: Float = 1
        if words.count > 1, let last = words.last, let number = Float(last), number.isFinite {
            scale = number
            path = String(path.dropLast(last.count)).trimmingCharacters(in: .whitespaces)
        }
        if path.hasPrefix("~/") { path = UserDirectories(environment: environment).expandingTilde(path) }
        let label = (path as NSString).lastPathComponent + (scale == 1 ? "" : " ×\(Format.number(Double(scale)))")
        let job = AdapterJob(label: label)
        model.adapterJob = job
        status.message = "applying LoRA \(label)…"
        let (file, factor) = (path, scale)
        DispatchQueue.global(qos: .userInitiated).async { job.finish(Result { try apply(file, factor, local) }) }
    }

    /// Called every loop turn: says how an adapter change ended.
    func followAdapterJob() {
        guard let job = model.adapterJob, let result = job.result else { return }
        model.adapterJob = nil
        invalidate(.frame)
        switch result {
        case .success:
            let on = (model.backend as? LocalEngineBackend)?.adapterSummary
            status.message = job.label == "off" ? "adapters off" : "LoRA on: \(on ?? job.label) (the next reply runs the conversation again under it)"
        case .failure(let error):
            status.message = TerminalSanitizer.singleLine.sanitize("\(error)")
        }
    }
}
