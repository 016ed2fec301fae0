import Workstation

/// The transcript as screen rows for one width: each entry sanitised, its Markdown
/// rendered and word-wrapped by display width.
///
/// Layout is incremental. Rows are kept per entry, so appending a streamed token to
/// the last entry re-lays only that entry, whatever the length of the conversation
/// (`entriesLaidOut` counts entry layouts, for tests and diagnostics). Changing the
/// width re-lays everything once.
///
/// Entry shape: a blank separator row (not before the first entry), a label row
/// ("You", the model's name; none for notes), the text, then the timing row and an
/// "incomplete" marker for a reply not complete. Images shown with a message are
/// named after its text. User text is shown as typed (no Markdown);
/// model text gets headings, bold/italic/code spans, lists with a hanging indent and
/// fenced code blocks (hard-wrapped, never reflowed).
public struct TranscriptLayout: Sendable {
    public private(set) var entries: [TranscriptEntry] = []
    /// All rows, top to bottom.
    public private(set) var lines: [TranscriptLine] = []
    public private(set) var width: Int
    /// How many times an entry has been laid out since this layout was created.
    public private(set) var entriesLaidOut = 0
    public var userLabel: String
    public var modelLabel: String
    public var incompleteMarker = "⚠ incomplete"

    /// `lines` index of each entry's first row.
    private var entryStarts: [Int] = []

    private static let sanitizer = TerminalSanitizer(keepsNewlines: true, tabWidth: 4)

    public init(width: Int, userLabel: String = "You", modelLabel: String = "MedGemma") {
        self.width = max(1, width)
        self.userLabel = userLabel
        self.modelLabel = modelLabel
    }

    /// Re-lays every entry if the width changed.
    public mutating func setWidth(_ newWidth: Int) {
        let newWidth = max(1, newWidth)
        guard newWidth != width else { return }
        width = newWidth
        lines = []
        entryStarts = []
        for index in entries.indices { appendLines(ofEntry: index) }
    }

    public mutating func append(_ entry: TranscriptEntry) {
        entries.append(entry)
        appendLines(ofEntry: entries.count - 1)
    }

    /// Adds streamed text to the last entry (re-lays only that entry).
    public mutating func appendToLast(_ text: String) {
        updateLast { $0.text += text }
    }

    /// Changes the last entry (timing line, incomplete flag…) and re-lays only it.
    public mutating func updateLast(_ change: (inout TranscriptEntry) -> Void) {
        guard !entries.isEmpty else { return }
        let last = entries.count - 1
        change(&entries[last])
        lines.removeSubrange(entryStarts[last]...)
        entryStarts.removeLast()
        appendLines(ofEntry: last)
    }

    public mutating func removeAll() {
        entries = []
        lines = []
        entryStarts = []
    }

    /// The row index where an entry starts (its separator or label row).
    public func firstLine(ofEntry index: Int) -> Int { entryStarts[index] }

    /// The rows of one entry.
    public func lines(ofEntry index: Int) -> ArraySlice<TranscriptLine> {
        let end = index + 1 < entryStarts.count ? entryStarts[index + 1] : lines.count
        return lines[entryStarts[index]..<end]
    }

    private mutating func appendLines(ofEntry index: Int) {
        entriesLaidOut += 1
        entryStarts.append(lines.count)
        let rows = Self.rows(for: entries[index], isFirst: index == 0, width: width,
                             userLabel: userLabel, modelLabel: modelLabel, incompleteMarker: incompleteMarker)
        lines.append(contentsOf: rows.map { TranscriptLine(spans: $0, entryIndex: index) })
    }

    /// Styled rows for one entry.
    public static func rows(for entry: TranscriptEntry, isFirst: Bool, width: Int, userLabel: String = "You",
                            modelLabel: String = "MedGemma", incompleteMarker: String = "⚠ incomplete") -> [[StyledSpan]] {
        var rows: [[StyledSpan]] = isFirst ? [] : [[]]
        let text = sanitizer.sanitize(entry.text + imageNotes(entry.images))
        switch entry.role {
        case .user:
            rows += TextWrapper.wrap([StyledSpan(userLabel, .userLabel)], width: width)
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                rows += TextWrapper.wrap([StyledSpan(String(line))], width: width)
            }
        case .model:
            rows += TextWrapper.wrap([StyledSpan(modelLabel, .modelLabel)], width: width)
            rows += markdownRows(text, width: width)
        case .note:
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                rows += TextWrapper.wrap([StyledSpan(String(line), .note)], width: width)
            }
        }
        if let timing = entry.timing {
            rows += TextWrapper.wrap([StyledSpan(TerminalSanitizer.singleLine.sanitize(timing), .timing)], width: width)
        }
        if !entry.isComplete {
            rows += TextWrapper.wrap([StyledSpan(incompleteMarker, .warning)], width: width)
        }
        return rows
    }

    /// One paragraph per image shown with the message, naming it and how it was made
    /// ("(with image chest.png · window 400/40)", after its label when it has one:
    /// "(with image Prior study (2024-03-01): …)"), so the transcript says what the model saw.
    private static func imageNotes(_ images: [ImageAttachment]) -> String {
        images.map { image in
            let label = image.label.map { "\($0) " } ?? ""
            return "\n\n(with image " + TerminalSanitizer.singleLine.sanitize("\(label)\(image.source) · \(image.preparation)") + ")"
        }.joined()
    }

    /// Markdown text as rows (used for model replies; also usable for reports).
    public static func markdownRows(_ text: String, width: Int) -> [[StyledSpan]] {
        var rows: [[StyledSpan]] = []
        let source = text.split(separator: "\n", omittingEmptySubsequences: false)
        for line in MarkdownLine.parse(source) {
            switch line {
            case .blank:
                rows.append([])
            case .heading(_, let heading):
                rows += TextWrapper.wrap(InlineMarkdown.spans(heading, style: [.heading, .bold]), width: width)
            case .listItem(let indent, let marker, let item):
                let prefix = [StyledSpan(String(repeating: " ", count: min(indent, width / 2))),
                              StyledSpan(marker, .listMarker), StyledSpan(" ")].filter { !$0.text.isEmpty }
                rows += TextWrapper.wrap(InlineMarkdown.spans(item), width: width, prefix: prefix)
            case .fence:
                continue
            case .code(let code):
                rows += TextWrapper.wrap([StyledSpan(code, .codeBlock)], width: width, hard: true)
            case .paragraph(let paragraph):
                rows += TextWrapper.wrap(InlineMarkdown.spans(paragraph), width: width)
            }
        }
        return rows
    }
}
