import Support

/// Why a `case.json` could not be used, as one line that names the file and, when the
/// problem is in one field, that field — so the study browser can show it next to the
/// study and the author knows exactly what to fix:
/// `samples/cxr-01/case.json: field 'images[2].file': must be a relative path inside the study`.
public struct CaseFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file as the user named it (the library's path joined with the folder name).
    public var file: String
    /// The field's path, `images[2].file`; nil when the problem is the whole file.
    public var field: String?
    public var problem: String

    public init(file: String, field: String? = nil, problem: String) {
        self.file = file
        self.field = field
        self.problem = problem
    }

    public var description: String {
        // A file name or a field name from the file could hold control characters;
        // the message must stay one line and must not drive the terminal.
        let head = OneLine.clean(file)
        if let field { return "\(head): field '\(OneLine.clean(field))': \(OneLine.clean(problem))" }
        return "\(head): \(OneLine.clean(problem))"
    }
}
