/// The version of this engine and workstation, as stamped into every saved report (and
/// printed by `medgemma --version`). It lives here, below the CLI, so the report code —
/// which must not depend on the command-line module — stamps the same string.
public enum EngineVersion {
    public static let current = "0.1.0"
}
