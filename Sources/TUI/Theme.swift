/// A named set of styles, one for every `ThemeElement`.
///
/// A theme always has a style for every element: elements a theme file leaves out
/// take `text`'s colours (without its attributes), so a user theme written for an
/// older version keeps working when elements are added. `text` itself is required.
public struct Theme: Equatable, Sendable {
    public let name: String
    public let styles: [ThemeElement: ThemeStyle]

    /// A theme from the styles given; missing elements take `text`'s colours (or the
    /// terminal's own, when `text` is missing too).
    public init(name: String, styles: [ThemeElement: ThemeStyle]) {
        self.name = name
        let text = styles[.text] ?? .plain
        var complete: [ThemeElement: ThemeStyle] = [:]
        for element in ThemeElement.allCases {
            complete[element] = styles[element] ?? ThemeStyle(text.foreground, on: text.background)
        }
        self.styles = complete
    }

    public subscript(element: ThemeElement) -> ThemeStyle { styles[element] ?? .plain }

    /// The default theme, built in so the workstation has colours even where
    /// `Themes/` is missing. It must stay equal to `Themes/dark.theme` (tested).
    public static let defaultDark: Theme = {
        let background = ThemeColor.hex(0x1c1c1c, 234)
        let raised = ThemeColor.hex(0x262626, 235)
        func style(_ foreground: UInt32, _ index: UInt8, on back: ThemeColor = background,
                   _ attributes: TextAttributes = []) -> ThemeStyle {
            ThemeStyle(.hex(foreground, index), on: back, attributes)
        }
        return Theme(name: "dark", styles: [
            .text: style(0xd0d0d0, 252),
            .paneBorder: style(0x4e4e4e, 239),
            .paneBorderFocused: style(0x5fafd7, 74, .bold),
            .paneTitle: style(0xbcbcbc, 250, .bold),
            .statusBar: style(0xd0d0d0, 252, on: .hex(0x303030, 236)),
            .statusBarBusy: style(0x1c1c1c, 234, on: .hex(0xd7af5f, 179), .bold),
            .statusBarError: style(0xffffff, 231, on: .hex(0xaf0000, 124), .bold),
            .inputPrompt: style(0x5fafd7, 74, .bold),
            .inputText: style(0xe4e4e4, 254),
            .userLabel: style(0x87afd7, 110, .bold),
            .modelLabel: style(0x87d7af, 115, .bold),
            .note: style(0x8a8a8a, 245, .italic),
            .timing: style(0x6c6c6c, 242),
            .warning: style(0xffaf5f, 215, .bold),
            .heading: style(0xffd787, 222, .bold),
            .code: style(0xd7af87, 180, on: raised),
            .codeBlock: style(0xbcbcbc, 250, on: raised),
            .listMarker: style(0x5fafd7, 74),
            .disclaimer: style(0xd7875f, 173, .italic),
            .selection: style(0xffffff, 231, on: .hex(0x005f87, 24), .bold),
            .overlay: style(0xd0d0d0, 252, on: raised),
            .overlayKey: style(0x87d7ff, 117, on: raised, .bold),
            .caseLabel: style(0x87afd7, 110, .bold),
            .reportHeading: style(0xffd787, 222, [.bold, .underline]),
        ])
    }()
}
