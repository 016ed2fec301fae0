/// Joins paths as the user typed them, for messages: `samples` + `cxr-01` is
/// `samples/cxr-01`, and `samples/` does not become `samples//cxr-01`.
enum StudyPath {
    static func join(_ base: String, _ name: String) -> String {
        if base.isEmpty { return name }
        return base.hasSuffix("/") ? base + name : base + "/" + name
    }
}
