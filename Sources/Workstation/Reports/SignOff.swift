import Foundation

/// A clinician's sign-off of a report, as typed in the report editor:
/// `:signoff NAME ROLE [final|amended]` (the name may have spaces; the role is one word).
///
/// The status says whether the signed text is the model's draft as written (`final`) or a
/// changed one (`amended`). When the editor still has the model's draft to compare with,
/// the text decides: leaving the status out takes it from the comparison, and naming the
/// other one is refused, since a signed status that contradicts the file would make the
/// training data lie. When there is nothing to compare with (a typed or restored report),
/// the status must be given.
public enum SignOff {
    /// The reviewer fields for `arguments`, stamped `date` in `timeZone`.
    ///
    /// - Parameters:
    ///   - draft: the model's draft text, nil when the editor cannot tell (typed, restored).
    ///   - text: the report text being signed.
    public static func fields(_ arguments: String, draft: String?, text: String,
                              date: Date, timeZone: TimeZone) throws(SignOffError) -> ReviewerFields {
        var words = arguments.split(whereSeparator: \.isWhitespace).map(String.init)
        var named: ReviewStatus?
        if let last = words.last?.lowercased(), let status = ReviewStatus(rawValue: last) {
            guard status.isSignOff else { throw .unknownStatus(last) }
            named = status
            words.removeLast()
        }
        guard words.count >= 2 else { throw .usage }
        let role = words.removeLast()
        let name = words.joined(separator: " ")
        let edited = draft.map { trimmed($0) != trimmed(text) }
        let status: ReviewStatus
        switch (named, edited) {
        case (nil, nil): throw .statusNeeded
        case (let named?, nil): status = named
        case (nil, let edited?): status = edited ? .amended : .final
        case (let named?, let edited?):
            guard named == (edited ? .amended : .final) else { throw .contradicts(named: named, edited: edited) }
            status = named
        }
        return ReviewerFields(name: name, role: role, signedOffAt: ReportTime.iso8601(date, timeZone: timeZone), status: status)
    }

    private static func trimmed(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
