/// Everything the workstation can do, by name.
///
/// The raw value is the stable command name used by the `:` command line and the
/// palette (`new-chat`, `set-temperature`…); it is part of the user interface, so
/// renaming a case must not change it. Keys are bound to actions in `Keymap`, the one
/// table the help overlay and the palette are both generated from.
public enum Action: String, CaseIterable, Sendable {
    // Conversation
    case send
    case newline
    case cancel
    case regenerate
    case newChat = "new-chat"
    case clear
    case copyReply = "copy-reply"
    case exportTranscript = "export-transcript"
    // Generation settings and model
    case setTemperature = "set-temperature"
    case setMaxTokens = "set-max-tokens"
    case setSystemPrompt = "set-system-prompt"
    case switchModel = "switch-model"
    case lora
    // Panes, overlays and files
    case help
    case palette
    case commandLine = "command-line"
    case focusNext = "focus-next"
    case focusPrevious = "focus-previous"
    case openStudies = "open-studies"
    case openReport = "open-report"
    case draftReport = "draft-report"
    case saveReport = "save-report"
    case signOff = "signoff"
    case undo
    case redo
    case loadImage = "load-image"
    case theme
    case cycleTheme = "cycle-theme"
    case redraw
    case suspend
    case quit
    // Transcript scrolling
    case scrollUp = "scroll-up"
    case scrollDown = "scroll-down"
    case scrollLineUp = "scroll-line-up"
    case scrollLineDown = "scroll-line-down"
    case scrollToTop = "scroll-to-top"
    case scrollToBottom = "scroll-to-bottom"
    // Image viewer
    case zoomIn = "zoom-in"
    case zoomOut = "zoom-out"
    case panLeft = "pan-left"
    case panRight = "pan-right"
    case panUp = "pan-up"
    case panDown = "pan-down"
    case windowPreset = "window-preset"
    case windowNarrower = "window-narrower"
    case windowWider = "window-wider"
    case levelDown = "level-down"
    case levelUp = "level-up"
    case invert
    case equalize
    case modelView = "model-view"
    case attachImage = "attach-image"
    case comparePrior = "compare-prior"
    case askSeries = "ask-series"
    case resetView = "reset-view"
    case nextImage = "next-image"
    case previousImage = "previous-image"
    case nextSlice = "next-slice"
    case previousSlice = "previous-slice"

    /// The command name typed after `:` and matched in the palette.
    public var name: String { rawValue }

    /// Short title for the palette list.
    public var title: String {
        switch self {
        case .send: return "Send message"
        case .newline: return "Insert newline"
        case .cancel: return "Cancel generation"
        case .regenerate: return "Regenerate reply"
        case .newChat: return "New chat"
        case .clear: return "Clear transcript"
        case .copyReply: return "Copy last reply"
        case .exportTranscript: return "Export transcript"
        case .setTemperature: return "Set temperature"
        case .setMaxTokens: return "Set max tokens"
        case .setSystemPrompt: return "Set system prompt"
        case .switchModel: return "Switch model"
        case .lora: return "LoRA adapter"
        case .help: return "Help"
        case .palette: return "Command palette"
        case .commandLine: return "Command line"
        case .focusNext: return "Focus next pane"
        case .focusPrevious: return "Focus previous pane"
        case .openStudies: return "Open study browser"
        case .openReport: return "Open report"
        case .draftReport: return "Draft the report"
        case .undo: return "Undo"
        case .redo: return "Redo"
        case .saveReport: return "Save report"
        case .signOff: return "Sign off report"
        case .loadImage: return "Load image file"
        case .theme: return "Set theme"
        case .cycleTheme: return "Cycle theme"
        case .redraw: return "Redraw screen"
        case .suspend: return "Suspend"
        case .quit: return "Quit"
        case .scrollUp: return "Page up"
        case .scrollDown: return "Page down"
        case .scrollLineUp: return "Scroll up"
        case .scrollLineDown: return "Scroll down"
        case .scrollToTop: return "Scroll to top"
        case .scrollToBottom: return "Scroll to bottom"
        case .zoomIn: return "Zoom in"
        case .zoomOut: return "Zoom out"
        case .panLeft: return "Pan left"
        case .panRight: return "Pan right"
        case .panUp: return "Pan up"
        case .panDown: return "Pan down"
        case .windowPreset: return "Window/level preset"
        case .windowNarrower: return "Narrower window"
        case .windowWider: return "Wider window"
        case .levelDown: return "Lower level"
        case .levelUp: return "Higher level"
        case .invert: return "Invert image"
        case .equalize: return "Histogram equalisation"
        case .modelView: return "What the model sees"
        case .attachImage: return "Attach image to messages"
        case .comparePrior: return "Compare with prior"
        case .askSeries: return "Ask about the series"
        case .resetView: return "Reset image view"
        case .nextImage: return "Next image"
        case .previousImage: return "Previous image"
        case .nextSlice: return "Next slice"
        case .previousSlice: return "Previous slice"
        }
    }

    /// One line saying what the action does, shown in the help overlay and palette.
    public var summary: String {
        switch self {
        case .send: return "Send the input to the model"
        case .newline: return "New line in the input without sending"
        case .cancel: return "Stop the running generation (twice when idle: quit)"
        case .regenerate: return "Generate the last reply again"
        case .newChat: return "Start a new conversation"
        case .clear: return "Clear the transcript"
        case .copyReply: return "Copy the last model reply"
        case .exportTranscript: return "Write the transcript to a Markdown file"
        case .setTemperature: return "Sampling temperature (0 = greedy)"
        case .setMaxTokens: return "Longest reply, in tokens"
        case .setSystemPrompt: return "Instructions sent before the conversation"
        case .switchModel: return "Load another model file"
        case .lora: return "Apply a LoRA adapter (FILE [SCALE]), or turn adapters off"
        case .help: return "Show every key"
        case .palette: return "Run any action by name"
        case .commandLine: return "Type a command, e.g. :set temperature 0.7"
        case .focusNext: return "Move focus to the next pane"
        case .focusPrevious: return "Move focus to the previous pane"
        case .openStudies: return "Browse studies and cases"
        case .openReport: return "Show or hide the draft report (Esc hides it)"
        case .draftReport: return "Ask the model for a draft (replaces the text)"
        case .undo: return "Undo the last change to the report"
        case .redo: return "Make the last undone report change again"
        case .saveReport: return "Save the report as Markdown + FHIR"
        case .signOff: return "Sign the report off as its reviewer, and save it"
        case .loadImage: return "Open an image, a DICOM file or a series folder"
        case .theme: return "Switch to a named theme"
        case .cycleTheme: return "Switch to the next theme"
        case .redraw: return "Repaint the whole screen"
        case .suspend: return "Back to the shell (fg returns)"
        case .quit: return "Leave the workstation"
        case .scrollUp: return "Scroll the transcript one page up"
        case .scrollDown: return "Scroll the transcript one page down"
        case .scrollLineUp: return "Scroll the transcript up"
        case .scrollLineDown: return "Scroll the transcript down"
        case .scrollToTop: return "Jump to the start of the transcript"
        case .scrollToBottom: return "Jump to the newest line and follow"
        case .zoomIn: return "Magnify the image"
        case .zoomOut: return "Shrink the image"
        case .panLeft: return "Move the view left"
        case .panRight: return "Move the view right"
        case .panUp: return "Move the view up"
        case .panDown: return "Move the view down"
        case .windowPreset: return "Next window/level preset"
        case .windowNarrower: return "More contrast: window width −10%"
        case .windowWider: return "Less contrast: window width +10%"
        case .levelDown: return "Brighter: window centre down by 5% of the width"
        case .levelUp: return "Darker: window centre up by 5% of the width"
        case .invert: return "Toggle inverted grey levels"
        case .equalize: return "Toggle histogram equalisation"
        case .modelView: return "Toggle the model's input view"
        case .attachImage: return "Send the shown image with the next message"
        case .comparePrior: return "Ask about the image beside its dated prior study"
        case .askSeries: return "Ask about N slices in one question (cost first)"
        case .resetView: return "Reset zoom, pan, window and filters"
        case .nextImage: return "Show the next image"
        case .previousImage: return "Show the previous image"
        case .nextSlice: return "Show the next slice of a series"
        case .previousSlice: return "Show the previous slice of a series"
        }
    }

    /// What the action needs after its name on the command line; nil when nothing.
    public var argument: ActionArgument? {
        switch self {
        case .setTemperature:
            return ActionArgument(kind: .number(0...2), placeholder: "0.7")
        case .setMaxTokens:
            return ActionArgument(kind: .integer(1...131_072), placeholder: "512")
        case .setSystemPrompt:
            return ActionArgument(kind: .text, placeholder: "TEXT")
        case .switchModel:
            return ActionArgument(kind: .path, placeholder: "MODEL.gguf", isOptional: true)
        case .lora:
            return ActionArgument(kind: .text, placeholder: "ADAPTER.gguf [SCALE] | off")
        case .loadImage:
            return ActionArgument(kind: .path, placeholder: "IMAGE|DIR")
        case .exportTranscript:
            return ActionArgument(kind: .path, placeholder: "FILE.md", isOptional: true)
        case .saveReport:
            return ActionArgument(kind: .path, placeholder: "FILE", isOptional: true)
        case .signOff:
            return ActionArgument(kind: .text, placeholder: "NAME ROLE [final|amended]")
        case .theme:
            return ActionArgument(kind: .name, placeholder: "NAME")
        default:
            return nil
        }
    }

    /// Whether the action needs an argument (the palette then opens the command line
    /// prefilled with the name instead of running it).
    public var takesArgument: Bool { argument != nil }
}
