import Foundation
import GGUF
import MedImaging
import RemoteInference
import SafeTensors
import TUI
import Workstation

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
    /// A DICOM file's data set alone, as a series scan reads it: header, nested sequences,
    /// the enhanced multi-frame geometry, no pixels — the path every file of a dropped
    /// folder takes, so it is fuzzed apart from the pixel decoders that dominate `image`.
    case dicomHeader = "dicom-header"
    /// A server-sent event stream from a remote server, fed in two chunks (cut where the first
    /// byte says), as the network splits it.
    case sse
    /// A study's `case.json`: written by hand and read for every study of the library at
    /// start-up, so one bad file must be an error on its entry, never a crash.
    case caseFile = "case"
    /// A theme file from the user's config folder (`ThemeParser`).
    case theme
    /// The backend config file (`BackendConfig`): keys, quoting, comments.
    case config
    /// What is typed after `:` (`CommandLineParser`): quotes, escapes, numbers, `~`.
    case command
    /// The tokenizer on any bytes (pasted text, a report, a file's words): encoding must
    /// decode back to the same bytes, at once and streamed token by token (`TokenizerFuzz`).
    case tokenizer
    /// The chat template over a conversation whose turns are the fuzz text, tokenized as
    /// the engine would (`ChatTemplateFuzz`): what a user types reaches the model this way.
    case chat

    /// The folders (relative to the repository root, where `make fuzz` runs) whose files
    /// seed this target's corpus. `medgemma-fuzz --seeds TARGET` prints them for the Makefile.
    public var seedFolders: [String] {
        switch self {
        case .gguf: return ["Tests/Fixtures/gguf"]
        case .safetensors: return ["Tests/Fixtures/safetensors"]
        case .image: return ["Tests/Fixtures/png", "Tests/Fixtures/jpeg", "Tests/Fixtures/dicom", "Tests/Fixtures/dicom/codecs"]
        case .dicomHeader: return ["Tests/Fixtures/dicom", "Tests/Fixtures/dicom/series/enhanced", "Tests/Fixtures/dicom/series/two_series"]
        case .sse: return ["Tests/Fixtures/fuzz/sse"]
        case .caseFile: return ["Tests/Fixtures/fuzz/case"]
        case .theme: return ["Themes"]
        case .config: return ["Tests/Fixtures/fuzz/config"]
        case .command: return ["Tests/Fixtures/fuzz/command"]
        case .tokenizer, .chat: return ["Tests/Fixtures/fuzz/text"]
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
        case .dicomHeader:
            withFile(bytes, suffix: ".dcm") { path in _ = try? DICOMSeries.multiFrame(path: path) }
        case .sse:
            var parser = ServerSentEventParser()
            let cut = bytes.isEmpty ? 0 : Int(bytes[0]) % bytes.count
            _ = parser.feed(bytes[..<cut])
            _ = parser.feed(bytes[cut...])
        case .caseFile:
            // The study browser shows a broken case's error, and an opened one becomes the
            // conversation's context: both are part of reading a case.
            do {
                _ = CaseContext(try CaseFile.decode(Data(bytes), file: "fuzz/case.json"))
            } catch {
                _ = error.description
            }
        case .theme:
            do {
                _ = try ThemeParser.parse(text(bytes), name: "fuzz", file: "fuzz.theme")
            } catch {
                _ = error.description
            }
        case .config:
            do {
                _ = try BackendConfig.parse(text(bytes), path: "fuzz.config")
            } catch {
                _ = error.description
            }
        case .command:
            do {
                _ = try CommandLineParser(homeDirectory: "/home/fuzz").parse(text(bytes))
            } catch {
                _ = error.description
            }
        case .tokenizer:
            TokenizerFuzz.run(bytes)
        case .chat:
            ChatTemplateFuzz.run(bytes)
        }
    }

    /// The bytes as text the way the workstation reads text files: invalid UTF-8 becomes U+FFFD.
    private func text(_ bytes: UnsafeRawBufferPointer) -> String {
        String(decoding: bytes, as: UTF8.self)
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
