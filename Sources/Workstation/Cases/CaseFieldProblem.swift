/// A problem in one field, thrown from inside the `case.json` decoders with the decoder's
/// coding path; `CaseFile.decode` turns it into a `CaseFileError` that names the file.
struct CaseFieldProblem: Error {
    var path: [any CodingKey]
    var message: String

    /// `images[2].file`: array indices in brackets, keys joined with dots.
    static func describe(_ path: [any CodingKey]) -> String {
        var out = ""
        for key in path {
            if let index = key.intValue {
                out += "[\(index)]"
            } else {
                out += out.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return out
    }
}
