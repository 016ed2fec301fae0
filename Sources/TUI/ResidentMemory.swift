import Foundation

/// The process's resident memory, for the status bar: mapped model pages count once
/// they have been touched, which is what the user's machine actually spends.
enum ResidentMemory {
    /// Bytes resident now (Linux `/proc/self/statm`), nil where it cannot be read.
    static func bytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
