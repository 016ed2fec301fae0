import Foundation

/// A report's five sections, parsed from Markdown text and rendered back to it.
///
/// The text comes from a small model, then from a clinician's editor, so parsing is
/// tolerant: headings may be Markdown headings ("## Findings"), bold labels
/// ("**Findings:** …", "**Findings**: …", "1. **Findings:**") or plain labels
/// ("Findings: …", "FINDINGS:"), in any case; text on the label's line belongs to the
/// section; a section may be missing (nil) or repeated (joined); text before the first
/// heading is kept as `preamble`. Only a line whose whole label is a section name is a
/// heading, so "Findings are unremarkable." stays text. Another Markdown heading at the
/// level of the section's own ("## Recommendations" after "## Impression") ends the
/// section; the text under it belongs to no section (it stays in the saved report, whose
/// full text is kept, but not in the FHIR conclusion). Deeper headings ("### Lungs"
/// under "## Findings") stay inside.
public struct ReportSections: Sendable, Equatable {
    /// Text before the first section heading (a title the model added), nil when none.
    public var preamble: String?
    private var texts: [ReportSection: String] = [:]

    public init() {}

    /// The section's text, trimmed; nil when absent or blank. Setting blank text removes it.
    public subscript(section: ReportSection) -> String? {
        get { texts[section] }
        set {
            let trimmed = newValue?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            texts[section] = trimmed.isEmpty ? nil : trimmed
        }
    }

    /// The sections the text does not give (in report order).
    public var missing: [ReportSection] { ReportSection.allCases.filter { texts[$0] == nil } }

    public init(parsing markdown: String) {
        var current: ReportSection?
        // The Markdown level of the heading that opened `current` (a label counts as 2).
        var currentLevel = 2
        var seenSection = false
        var preambleLines: [Substring] = []
        var lines: [ReportSection: [Substring]] = [:]
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = line.hasSuffix("\r") ? line.dropLast() : line
            // A model sometimes wraps its whole answer in a code fence; the fence is not text.
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") { continue }
            if let (section, rest) = Self.heading(line) {
                if lines[section] != nil { lines[section]!.append("") }
                lines[section, default: []].append(contentsOf: rest.isEmpty ? [] : [rest])
                current = section
                currentLevel = Self.headingLevel(line) ?? 2
                seenSection = true
            } else if current != nil, let level = Self.headingLevel(line), level <= currentLevel {
                // Another heading at the same level ("## Recommendations") ends the
                // section: it must not become part of the Impression (FHIR conclusion).
                current = nil
            } else if let current {
                lines[current]!.append(line)
            } else if !seenSection {
                preambleLines.append(line)
            }
        }
        for (section, body) in lines { self[section] = body.joined(separator: "\n") }
        let preamble = preambleLines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        self.preamble = preamble.isEmpty ? nil : preamble
    }

    /// All five sections as `## Heading` blocks, in report order; a missing section keeps
    /// its heading with an empty body, so the clinician sees where to write. Parsing the
    /// result gives these sections back (the preamble is not rendered).
    public var markdown: String {
        ReportSection.allCases.map { section in
            "## \(section.title)\n\n" + (texts[section].map { $0 + "\n\n" } ?? "")
        }.joined().trimmingCharacters(in: .newlines) + "\n"
    }

    // MARK: - Headings

    /// The section a line introduces and the text after its label, or nil for a text line.
    static func heading(_ line: Substring) -> (ReportSection, Substring)? {
        var s = line.drop { $0 == " " || $0 == "\t" }
        var isATX = false
        if s.hasPrefix("#") {
            let hashes = s.prefix { $0 == "#" }
            guard hashes.count <= 6 else { return nil }
            s = s.dropFirst(hashes.count)
            guard s.isEmpty || s.first == " " || s.first == "\t" else { return nil }
            s = trim(s)
            while s.hasSuffix("#") { s = s.dropLast() }
            s = trim(s)
            isATX = true
        } else {
            s = dropListMarker(s)
        }
        for marker in ["**", "__"] where s.hasPrefix(marker) {
            let inner = s.dropFirst(2)
            guard let close = inner.range(of: marker) else { return nil }
            var label = trim(inner[..<close.lowerBound])
            var rest = trim(inner[close.upperBound...])
            let labelHadColon = label.hasSuffix(":")
            if labelHadColon { label = label.dropLast() }
            if rest.hasPrefix(":") {
                rest = trim(rest.dropFirst())
            } else if !labelHadColon && !rest.isEmpty && !isATX {
                return nil  // "**Findings** are normal": emphasis in a sentence
            }
            guard let section = ReportSection.named(String(cleanLabel(label))) else { return nil }
            return (section, rest)
        }
        if let colon = s.firstIndex(of: ":"), let section = ReportSection.named(String(cleanLabel(s[..<colon]))) {
            return (section, trim(s[s.index(after: colon)...]))
        }
        if let section = ReportSection.named(String(cleanLabel(s))) { return (section, "") }
        return nil
    }

    /// The level of an ATX heading line ("## x" is 2), nil for any other line.
    static func headingLevel(_ line: Substring) -> Int? {
        let s = line.drop { $0 == " " || $0 == "\t" }
        let hashes = s.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes) else { return nil }
        let after = s.dropFirst(hashes)
        return after.isEmpty || after.first == " " || after.first == "\t" ? hashes : nil
    }

    /// "- ", "* ", "+ ", "1. ", "1) " at the start of a line.
    private static func dropListMarker(_ s: Substring) -> Substring {
        if let first = s.first, "-*+".contains(first), s.dropFirst().first == " " { return trim(s.dropFirst(2)) }
        let digits = s.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, digits.count <= 2 {
            let after = s.dropFirst(digits.count)
            if let mark = after.first, mark == "." || mark == ")", after.dropFirst().first == " " { return trim(after.dropFirst(2)) }
        }
        return s
    }

    /// A label without numbering ("1. Findings"), emphasis ("*Findings*") or a colon.
    private static func cleanLabel(_ label: Substring) -> Substring {
        var s = trim(label)
        s = dropListMarker(s)
        while let first = s.first, let last = s.last, s.count >= 2, first == last, first == "*" || first == "_" {
            s = trim(s.dropFirst().dropLast())
        }
        if s.hasSuffix(":") { s = trim(s.dropLast()) }
        return s
    }

    private static func trim(_ s: Substring) -> Substring {
        let start = s.firstIndex { $0 != " " && $0 != "\t" } ?? s.endIndex
        let end = s[start...].lastIndex { $0 != " " && $0 != "\t" }.map { s.index(after: $0) } ?? start
        return s[start..<end]
    }
}
