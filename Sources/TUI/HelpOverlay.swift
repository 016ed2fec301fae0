/// The `?` overlay's content, generated from the keymap so it cannot drift from what
/// the keys do: one section per context, one entry per command, keys that do the same
/// thing shown together ("Esc, Ctrl-C").
public struct HelpOverlay: Equatable, Sendable {
    public let sections: [HelpSection]

    public init(keymap: Keymap = .standard) {
        sections = FocusContext.allCases.compactMap { context in
            var order: [KeyCommand] = []
            var keys: [KeyCommand: [Key]] = [:]
            for binding in keymap.bindings(in: context) {
                if keys[binding.command] == nil { order.append(binding.command) }
                keys[binding.command, default: []].append(binding.key)
            }
            guard !order.isEmpty else { return nil }
            return HelpSection(context: context,
                               entries: order.map { HelpEntry(keys: keys[$0]!, command: $0) })
        }
    }

    /// The overlay as plain text lines: a heading per section, then each entry with
    /// its keys padded (by display width) to one column, a blank line between
    /// sections. The last line points at the palette for actions without keys.
    public func lines() -> [String] {
        let keyColumn = sections.flatMap(\.entries).map { DisplayWidth.of($0.keyLabel) }.max() ?? 0
        var lines: [String] = []
        for section in sections {
            if !lines.isEmpty { lines.append("") }
            lines.append(section.title)
            for entry in section.entries {
                let padding = String(repeating: " ", count: keyColumn - DisplayWidth.of(entry.keyLabel))
                lines.append("  " + entry.keyLabel + padding + "  " + entry.summary)
            }
        }
        lines.append("")
        lines.append("Every action, with or without a key: Ctrl-P, or : outside the input.")
        return lines
    }
}
