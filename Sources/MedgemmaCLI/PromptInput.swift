import Glibc
import Support

/// A prompt argument: the text itself, or `-` for all of standard input.
enum PromptInput {
    static func read(_ argument: String) throws -> String {
        guard argument == "-" else { return argument }
        let bytes = try WholeFile.read(descriptor: STDIN_FILENO, name: "standard input", limit: WholeFile.textLimit)
        return String(decoding: bytes, as: UTF8.self)
    }
}
