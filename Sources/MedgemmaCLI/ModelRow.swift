import Foundation
import Gemma
import GGUF
import ModelCatalog
import Support

/// One line of `medgemma models`: a found model with what its header says — architecture,
/// parameters, quantization — its vision part when it fits, whether it is verified, and
/// the memory it needs at the default context with that vision part (`MemoryEstimate`).
/// A file whose header cannot be read is listed with the reason instead.
struct ModelRow {
    let model: LocalModel
    var architecture = "?"
    var parameters: Int?
    var quantization = "?"
    /// The paired vision part's path; nil when none was found or it belongs to another model.
    var vision: String?
    var visionNote: String?
    var memory: Int?
    var problem: String?

    init(_ model: LocalModel) {
        self.model = model
        do {
            let file = try GGUFFile(path: model.path)
            architecture = try file.metadata.string("general.architecture") ?? "?"
            parameters = file.tensorInfos.reduce(0) { $0 + $1.elementCount }
            quantization = (try file.metadata.int("general.file_type")).map(ModelCard.fileTypeName) ?? "?"
            if let mmproj = model.mmproj {
                if let why = VisionPairing.mismatch(mmproj: mmproj, model: model.path) {
                    visionNote = why
                } else {
                    vision = mmproj
                }
            }
            if architecture == "gemma3" {
                memory = try MemoryEstimate(model: file, contextSize: GenerationOptions.defaultContextSize,
                                            mmproj: vision.flatMap { try? GGUFFile(path: $0) }).total
            }
        } catch {
            problem = OneLine.clean("\(error)")
        }
    }

    /// "yes" when a record or store says what the file must hash to and (for our own record)
    /// the file has not changed since; "unchecked" when a hash is known but was not compared
    /// here ('models verify' does); "no" when nothing says.
    var verified: String {
        switch model.source {
        case .medgemma:
            guard let record = VerificationRecord.read(besides: model.path) else { return "no" }
            return record.stillDescribes(model.path) ? "yes" : "changed"
        default:
            return model.expectedSHA256 == nil ? "no" : "unchecked"
        }
    }

    var cells: [String] {
        [model.name, model.source.rawValue, architecture, parameters.map(Format.count) ?? "?", quantization,
         vision.map { ($0 as NSString).lastPathComponent } ?? (visionNote == nil ? "-" : "not paired"),
         Format.bytes(model.size), verified, problem.map { "unreadable: \($0)" } ?? memory.map(Format.bytes) ?? "-"]
    }

    var json: JSONValue {
        .object([
            ("name", .string(model.name)), ("source", .string(model.source.rawValue)), ("path", .string(model.path)),
            ("architecture", .string(architecture)), ("parameters", parameters.map(JSONValue.int) ?? .null),
            ("quantization", .string(quantization)), ("mmproj", vision.map(JSONValue.string) ?? .null),
            ("mmprojNote", visionNote.map(JSONValue.string) ?? .null), ("bytes", .int(model.size)),
            ("sha256", model.expectedSHA256.map(JSONValue.string) ?? .null), ("verified", .string(verified)),
            ("memoryBytes", memory.map(JSONValue.int) ?? .null), ("memoryContext", .int(GenerationOptions.defaultContextSize)),
            ("problem", problem.map(JSONValue.string) ?? .null),
        ])
    }
}
