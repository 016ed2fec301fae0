/// One model file found on this machine, before its header is read.
public struct LocalModel: Sendable, Equatable {
    /// The name to give `--model` and `models rm`: the file name without `.gguf` for a
    /// plain file, `NAME:TAG` for Ollama, `org/repo/FILE` for the Hugging Face cache.
    public var name: String
    public var path: String
    public var source: ModelSource
    public var size: Int
    /// The vision part that goes with it, when one was found beside it (or in its manifest).
    public var mmproj: String?
    /// The sha256 the file must have, when its store says (an Ollama digest, a Hugging Face
    /// blob name, our own `.verified` record); nil when nothing says.
    public var expectedSHA256: String?

    public init(name: String, path: String, source: ModelSource, size: Int, mmproj: String? = nil, expectedSHA256: String? = nil) {
        self.name = name
        self.path = path
        self.source = source
        self.size = size
        self.mmproj = mmproj
        self.expectedSHA256 = expectedSHA256
    }
}
