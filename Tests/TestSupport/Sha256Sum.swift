import Foundation

/// A file's sha256 as coreutils' `sha256sum` computes it: an expected value from outside
/// the code under test (our own SHA256 is what the stamps and stores use).
public enum Sha256Sum {
    public static func of(_ path: String) throws -> String {
        let process = Process()
        let pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        return String(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).prefix(64))
    }
}
