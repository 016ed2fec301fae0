/// What `medgemma pull` was asked for: `REPO`, `REPO:FILE` or a short name, a revision and
/// a quantization.
public struct PullRequest: Sendable, Equatable {
    public var repo: String
    /// One file named after `:`; nil lets `QuantChoice` pick.
    public var file: String?
    public var revision: String
    public var quant: String?

    public init(repo: String, file: String? = nil, revision: String = "main", quant: String? = nil) {
        self.repo = repo
        self.file = file
        self.revision = revision
        self.quant = quant
    }

    /// Parses `NAME`, `ORG/NAME` or `ORG/NAME:FILE`.
    public init(parsing text: String, revision: String?, quant: String?) throws(ModelStoreError) {
        let name = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        if let known = KnownModels.entry(named: text) {
            self.init(repo: known.repo, revision: revision ?? "main", quant: quant)
            return
        }
        let repo = name.first ?? ""
        let parts = repo.split(separator: "/", omittingEmptySubsequences: false)
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(allowed.contains) && $0 != ".." && $0 != "." }),
              name.count == 1 || !(name[1].isEmpty || name[1].hasPrefix("/") || name[1].split(separator: "/").contains("..")) else {
            throw ModelStoreError.badName(text)
        }
        self.init(repo: repo, file: name.count == 2 ? name[1] : nil, revision: revision ?? "main", quant: quant)
    }
}
