import Foundation

/// Which files of a repository a pull takes: one model GGUF by quantization, and the
/// repository's vision part (`mmproj*.gguf`) when it has one, so images work at once.
public enum QuantChoice {
    /// The quantization taken when none is asked for: small enough for a laptop, close to
    /// the full model's answers, and what llama.cpp and Ollama default to.
    public static let defaultQuant = "Q4_K_M"

    /// The model file: the one whose name carries `quant` (case-insensitive, as a whole
    /// tag: `Q4_K` does not pick `Q4_K_M`), the smallest when several do; without `quant`
    /// the smallest Q4_K_M file, else the smallest other 4-bit one.
    public static func model(in files: [HubFile], quant: String?, repo: String) throws(ModelStoreError) -> HubFile {
        let models = files.filter { $0.isGGUF && !$0.isVisionPart && !isSplitPart($0.name) }
        guard !models.isEmpty else {
            throw ModelStoreError.noMatchingFile(repo: repo, detail: files.contains(where: { $0.isGGUF })
                ? "only split or vision GGUF files here; name one as \(repo):FILE"
                : "no GGUF file in this repository (medgemma runs GGUF models; try a -GGUF repository)")
        }
        let wanted = quant ?? defaultQuant
        var matching = models.filter { hasTag(wanted, $0.name) }
        if matching.isEmpty && quant == nil {
            matching = models.filter { $0.name.uppercased().contains("Q4") }
        }
        guard let chosen = matching.min(by: { $0.size < $1.size }) else {
            let available = models.map(\.name).sorted().joined(separator: ", ")
            throw ModelStoreError.noMatchingFile(repo: repo, detail: "no \(wanted) file (there are: \(available))")
        }
        return chosen
    }

    /// The vision part to fetch with a model: F16 first (what llama.cpp's own conversions
    /// publish), then BF16, then the smallest; nil when the repository has none.
    public static func visionPart(in files: [HubFile]) -> HubFile? {
        let parts = files.filter { $0.isGGUF && $0.isVisionPart }
        for tag in ["F16", "BF16"] {
            if let part = parts.filter({ hasTag(tag, $0.name) }).min(by: { $0.size < $1.size }) { return part }
        }
        return parts.min { $0.size < $1.size }
    }

    /// Whether `tag` appears in `name` between separators (`-`, `.`, `_` before; `-`, `.` after).
    static func hasTag(_ tag: String, _ name: String) -> Bool {
        let upper = Array(name.uppercased()), wanted = Array(tag.uppercased())
        guard !wanted.isEmpty, upper.count >= wanted.count else { return false }
        for start in 0...(upper.count - wanted.count) where Array(upper[start..<start + wanted.count]) == wanted {
            let before = start == 0 ? "-" : upper[start - 1]
            let after = start + wanted.count == upper.count ? "." : upper[start + wanted.count]
            if "-._".contains(before) && "-.".contains(after) { return true }
        }
        return false
    }

    /// `NAME-00001-of-00003.gguf`: one part of a model stored in several files.
    static func isSplitPart(_ name: String) -> Bool {
        name.range(of: #"-\d{5}-of-\d{5}\.gguf$"#, options: .regularExpression) != nil
    }
}
