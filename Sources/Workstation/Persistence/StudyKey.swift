import Support
import Foundation

/// The file name under which per-study state (recovered drafts, conversations) is kept in
/// the user's data folder: the study folder's name, for people looking in the folder, then
/// 16 hex digits of the sha256 of its absolute, symlink-resolved path, so two studies both
/// called `cxr-01` in different places never share a file, and the same study reached
/// through a relative path or a link always finds its own.
public enum StudyKey {
    public static func key(forStudyAt path: String) -> String {
        let absolute = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL.resolvingSymlinksInPath().path
        let name = safeName((absolute as NSString).lastPathComponent)
        return name + "-" + String(SHA256.hex(of: Array(absolute.utf8)).prefix(16))
    }

    /// `name` reduced to letters, digits, `.`, `_` and `-` (at most 40), never empty or a
    /// dot name, so it is safe as one path component anywhere.
    public static func safeName(_ name: String) -> String {
        let kept = String(name.unicodeScalars.prefix(40).map { scalar -> Character in
            let ok = (scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar))) || "._-".unicodeScalars.contains(scalar)
            return ok ? Character(scalar) : "_"
        })
        if kept.isEmpty || kept.allSatisfy({ $0 == "." }) { return "study" }
        return kept
    }
}
