import Foundation
import Support

/// A run file read back: JSON Lines, the `RunHeader` first, then one `ItemResult` per
/// scored item, in the order they were scored.
///
/// The writer appends and fsyncs one line per item, so a crash or power loss can leave
/// only the last line incomplete. That line — the last non-blank one, when it does not
/// parse — is dropped and `droppedPartialLine` says so (its item is simply run again);
/// a bad line anywhere else is an error naming the file and line, as is an id recorded
/// twice. A last line that parses but lacks its newline is kept. Blank lines are skipped.
public struct RunFile: Sendable, Equatable {
    public let path: String
    /// Nil for a file without a header line (a hand-made results file, or a crash before
    /// the header was complete).
    public let header: RunHeader?
    public let results: [ItemResult]
    public let droppedPartialLine: Bool
    /// How many leading bytes hold the header and the kept results: where the writer
    /// resumes, cutting away a dropped partial line.
    public let keptByteCount: Int
    /// Whether the kept bytes end without a newline (a complete last line written without
    /// one): the writer adds it before appending.
    public let keptEndsWithoutNewline: Bool

    /// A run file holds at most one line per task item (`TaskFile.maxItems`) plus its
    /// header; with answers and scores a line is at most a few kilobytes.
    public static let byteLimit = WholeFile.textLimit

    public static func read(path: String) throws(RunFileError) -> RunFile {
        let bytes: [UInt8]
        do {
            bytes = try WholeFile.read(path: path, limit: byteLimit)
        } catch {
            throw RunFileError(file: path, error.problemText)
        }
        return try parse(bytes, path: path)
    }

    public static func parse(_ bytes: [UInt8], path: String) throws(RunFileError) -> RunFile {
        let lines = RawLine.split(bytes)
        let lastContent = lines.lastIndex { !$0.isBlank(in: bytes) }
        var header: RunHeader?
        var results: [ItemResult] = []
        var firstLine: [String: Int] = [:]
        var kept = 0
        var keptWithoutNewline = false
        var dropped = false
        let decoder = RunLineCoding.decoder()
        for (index, raw) in lines.enumerated() where !raw.isBlank(in: bytes) {
            let number = index + 1
            let data = Data(bytes[raw.start..<raw.end])
            func fail(_ problem: String) -> RunFileError { RunFileError(file: path, line: number, problem) }
            let parsed: Line
            do {
                parsed = try Line.parse(data, isFirst: header == nil && results.isEmpty, decoder: decoder)
            } catch {
                if index == lastContent { dropped = true; break }
                throw fail(error.problem)
            }
            switch parsed {
            case .header(let h):
                guard h.version == RunHeader.currentVersion else {
                    throw fail("a version \(h.version) run file; this medgemma reads version \(RunHeader.currentVersion)")
                }
                header = h
            case .result(let r):
                if let first = firstLine[r.id] {
                    throw fail("id \"\(OneLine.shortened(r.id, to: 80))\" is recorded twice (first on line \(first))")
                }
                firstLine[r.id] = number
                results.append(r)
            }
            kept = raw.hasNewline ? raw.end + 1 : raw.end
            keptWithoutNewline = !raw.hasNewline
        }
        return RunFile(path: path, header: header, results: results, droppedPartialLine: dropped,
                       keptByteCount: kept, keptEndsWithoutNewline: keptWithoutNewline)
    }

    /// What one line holds: the header may only be the first line.
    private enum Line {
        case header(RunHeader)
        case result(ItemResult)

        struct Problem: Error { let problem: String }

        static func parse(_ data: Data, isFirst: Bool, decoder: JSONDecoder) throws(Problem) -> Line {
            guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
                throw Problem(problem: "not a JSON object")
            }
            let isHeader = object[RunHeader.CodingKeys.version.rawValue] != nil
            if isHeader && !isFirst { throw Problem(problem: "a run header that is not the first line") }
            do {
                return isHeader ? .header(try decoder.decode(RunHeader.self, from: data))
                                : .result(try decoder.decode(ItemResult.self, from: data))
            } catch {
                throw Problem(problem: (isHeader ? "not a run header: " : "not a result: ") + RunLineCoding.problem(error))
            }
        }
    }
}
