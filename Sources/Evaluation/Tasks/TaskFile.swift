import Foundation
import Support

/// A task file: JSON Lines, one item a line, all of one kind — multiple choice (`options`
/// and `answer`), image classification (a first line `{"labels": […], "prompt": "…"}`,
/// then `{"id", "image", "label"}`), or report / open answer (`reference`). Blank lines
/// and lines starting with `#` are skipped. Everything is checked before a model is
/// loaded, and the first problem is one line naming the file and line.
public struct TaskFile: Sendable, Equatable {
    public let path: String
    public let items: [EvalItem]
    /// Classification only: the label set and the question asked about each image.
    public let labels: [String]
    public let prompt: String?

    /// A task file may hold at most this many items (and be at most `WholeFile.textLimit`).
    public static let maxItems = 1_000_000

    /// - Parameters:
    ///   - labels: classification labels given on the command line, for a file without a
    ///     `{"labels": …}` line (a file's own line wins over them).
    ///   - prompt: the classification question, over the file's.
    public static func read(path: String, labels: [String] = [], prompt: String? = nil) throws(TaskFileError) -> TaskFile {
        let bytes: [UInt8]
        do {
            bytes = try WholeFile.read(path: path, limit: WholeFile.textLimit)
        } catch {
            throw TaskFileError(file: path, "\(error.problemText)")
        }
        return try parse(String(decoding: bytes, as: UTF8.self), path: path, labels: labels, prompt: prompt)
    }

    public static func parse(_ text: String, path: String, labels givenLabels: [String] = [],
                             prompt givenPrompt: String? = nil) throws(TaskFileError) -> TaskFile {
        var items: [EvalItem] = []
        var ids = Set<String>()
        var labels = givenLabels
        var prompt = givenPrompt
        var kind: String?
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let number = index + 1
            func fail(_ problem: String) -> TaskFileError { TaskFileError(file: path, line: number, problem) }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
                throw fail("not a JSON object")
            }
            if items.isEmpty, kind == nil, let header = object["labels"] {
                guard let names = header as? [String], names.count >= 2, Set(names).count == names.count else {
                    throw fail("\"labels\" must list at least two different label names")
                }
                labels = names
                prompt = givenPrompt ?? object["prompt"] as? String
                kind = "classification"
                continue
            }
            guard items.count < maxItems else { throw fail("more than \(maxItems) items") }
            let item = try parseItem(object, labels: labels, fail: fail)
            let itemKind: String
            switch item {
            case .multipleChoice: itemKind = "multiple choice"
            case .classification: itemKind = "classification"
            case .report: itemKind = "report"
            }
            if let kind, kind != itemKind {
                throw fail("a \(itemKind) item in a \(kind) file (one kind per file)")
            }
            kind = itemKind
            guard ids.insert(item.id).inserted else { throw fail("id \"\(item.id)\" is used twice") }
            items.append(item)
        }
        guard !items.isEmpty else { throw TaskFileError(file: path, "no items") }
        return TaskFile(path: path, items: items, labels: labels, prompt: prompt)
    }

    private static func parseItem(_ o: [String: Any], labels: [String], fail: (String) -> TaskFileError) throws(TaskFileError) -> EvalItem {
        guard let id = (o["id"] as? String) ?? (o["id"] as? NSNumber).map({ $0.stringValue }), !id.isEmpty else {
            throw fail("no \"id\"")
        }
        let image = o["image"] as? String
        if o["options"] != nil {
            guard let question = o["question"] as? String, !question.isEmpty else { throw fail("no \"question\"") }
            let options: [String], letters: [String]
            if let list = o["options"] as? [String] {
                options = list
                letters = list.indices.map { String(UnicodeScalar(UInt8(65 + $0 % 26))) }
            } else if let keyed = o["options"] as? [String: String] {
                letters = keyed.keys.sorted()
                options = letters.map { keyed[$0]! }
            } else {
                throw fail("\"options\" must be a list of texts or an object of letter: text")
            }
            guard (2...26).contains(options.count) else { throw fail("\(options.count) options: a question needs 2 to 26") }
            let answer: Int
            if let number = o["answer"] as? NSNumber, String(cString: number.objCType) != "c" {
                // A JSON number (not true/false, which arrive as char-typed NSNumbers).
                let value = number.doubleValue
                guard value == value.rounded(), let index = Int(exactly: value), options.indices.contains(index) else {
                    throw fail("answer \(number) is not one of the \(options.count) options (0-based)")
                }
                answer = index
            } else if let letter = o["answer"] as? String, let found = letters.firstIndex(of: letter.uppercased()) ?? letters.firstIndex(of: letter) {
                answer = found
            } else {
                throw fail("answer \(o["answer"].map { "'\($0)'" } ?? "missing") is not one of the \(options.count) options")
            }
            return .multipleChoice(MultipleChoiceItem(id: id, question: question, options: options, answer: answer,
                                                      image: image, category: o["category"] as? String))
        }
        if let reference = o["reference"] as? String {
            guard let prompt = o["prompt"] as? String, !prompt.isEmpty else { throw fail("no \"prompt\"") }
            return .report(ReportItem(id: id, prompt: prompt, image: image, reference: reference))
        }
        if let label = o["label"] as? String {
            guard !labels.isEmpty else { throw fail("a classification item before the {\"labels\": […]} line") }
            guard let index = labels.firstIndex(of: label) else { throw fail("label \"\(label)\" is not one of \(labels.joined(separator: ", "))") }
            guard let image else { throw fail("no \"image\"") }
            return .classification(ClassificationItem(id: id, image: image, label: index))
        }
        throw fail("not an item: it needs \"options\" and \"answer\", \"label\" and \"image\", or \"prompt\" and \"reference\"")
    }
}
