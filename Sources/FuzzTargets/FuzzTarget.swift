import Foundation
import GGUF
import MedImaging
import RemoteInference
import SafeTensors

/// The parsers that read outside data, each as a function of arbitrary bytes, for libFuzzer
/// (`make fuzz`, the `medgemma-fuzz` executable) and for replaying seeds and found crashes in
/// the tests. A target must never crash, hang or allocate without bound, whatever the bytes:
/// a clean error is a pass.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// A GGUF model file: header, metadata, tensor infos (through a file, as models arrive).
    case gguf
    /// A safetensors file (PEFT adapters): the JSON header and every entry against the file.
    case safetensors
    /// Any image the loader sniffs: PNG, JPEG, DICOM (every transfer syntax it decodes).
    case image
    /// A server-sent event stream from a remote server, fed in two chunks (cut where the first
    /// byte says), as the network splits it.
    case sse

    /// The fixture folders (below Tests/Fixtures) whose files seed this target's corpus.
    public var seedFolders: [String] {
        switch self {
        case .gguf: return ["gguf"]
        case .safetensors: return ["safetensors"]
        case .image: return ["png", "jpeg", "dicom", "dicom/codecs"]
        case .sse: return ["fuzz/sse"]
        }
    }

    /// Runs the target on `bytes`; returns normally for any input that does not crash.
    public func run(_ bytes: UnsafeRawBufferPointer) {
        switch self {
        case .gguf:
            withFile(bytes, suffix: ".gguf") { path in
                guard let file = try? GGUFFile(path: path) else { return }
                for info in file.tensorInfos { _ = file.tensor(named: info.name) }
            }
        case .safetensors:
            withFile(bytes, suffix: ".safetensors") { path in
                guard let file = try? SafeTensorsFile(path: path) else { return }
                for name in file.tensorNames { _ = file.tensor(named: name) }
            }
        case .image:
            _ = try? MedicalImage.load(bytes: Array(bytes), source: "fuzz", maxPixels: 1 << 22)
        case .sse:
            var parser = ServerSentEventParser()
            let cut = bytes.isEmpty ? 0 : Int(bytes[0]) % bytes.count
            _ = parser.feed(bytes[..<cut])
            _ = parser.feed(bytes[cut...])
        }
    }

    /// Writes `bytes` to this process's scratch file for the target and runs `body` on it.
    private func withFile(_ bytes: UnsafeRawBufferPointer, suffix: String, _ body: (String) -> Void) {
        let path = NSTemporaryDirectory() + "medgemma-fuzz-\(getpid())-\(rawValue)\(suffix)"
        guard let handle = fopen(path, "wb") else { return }
        if let base = bytes.baseAddress, bytes.count > 0 { fwrite(base, 1, bytes.count, handle) }
        fclose(handle)
        body(path)
        unlink(path)
    }
}
