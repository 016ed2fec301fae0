/// A draft report as the clinician edits it: the whole Markdown text (what the model
/// wrote, then edited) and the stamp saying how it was generated.
///
/// The sections are parsed from the text when needed — on save, the Impression becomes
/// the FHIR `conclusion` — so the editor edits free text and never a form.
public struct DraftReport: Codable, Sendable, Equatable {
    public var text: String
    public var stamp: ReportStamp

    public init(text: String, stamp: ReportStamp) {
        self.text = text
        self.stamp = stamp
    }

    public var sections: ReportSections { ReportSections(parsing: text) }

    /// The Impression section, nil when the text has none.
    public var impression: String? { sections[.impression] }
}
