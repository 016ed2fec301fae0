import Foundation
import Support

/// The access token for gated repositories, found where the `huggingface_hub` tools keep it:
/// `$HF_TOKEN`, else the file `$HF_TOKEN_PATH`, else `$HF_HOME/token`, else
/// `~/.cache/huggingface/token` — so a `huggingface-cli login` done once serves us too.
public enum HubToken {
    public static func find(environment: [String: String]) -> String? {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let token = value("HF_TOKEN") { return token.trimmingCharacters(in: .whitespacesAndNewlines) }
        let path = value("HF_TOKEN_PATH")
            ?? value("HF_HOME").map { $0 + "/token" }
            ?? UserDirectories(environment: environment).cacheHome + "/huggingface/token"
        guard let data = FileManager.default.contents(atPath: path), data.count < 4096 else { return nil }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return token.isEmpty ? nil : token
    }
}
