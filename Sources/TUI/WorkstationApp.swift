import Foundation
import MedImaging
import TerminalGraphics
import Workstation

/// The full-screen workstation: case, image, transcript, input and status bar, driven
/// by `Keymap.standard` and redrawn as the model streams.
///
/// One thread: the loop polls for a key with a short timeout (`pollMilliseconds`), and
/// between keys compares the chat session's `revision` so streamed tokens are drawn
/// without the UI ever waiting for the engine, which runs on its own queue.
///
/// Every pane is drawn again on each frame; ncurses sends only the cells that changed.
/// The half-block image is written straight to the terminal (`Terminal.drawRaw`) after
/// each frame without an overlay, since ncurses does not know those cells.
///
/// State, drawing and actions are kept apart so a change has one place to go: each pane's
/// state is its own value (`ChatPaneState`, `ImagePaneState`, `CasePaneState`,
/// `ReportPane`, `StatusBarState`, `ModelState`, `ScreenState`); `draw` and the `+Panes`
/// and `+OverlayDrawing` extensions read it and draw; actions change it and ask for what
/// the next frame has to redo with `invalidate(_:)`, the one way a redraw is requested.
public final class WorkstationApp {
    public static let enlargeMessage = "Enlarge the terminal (needs at least \(PaneLayout.minimum.columns)×\(PaneLayout.minimum.rows))"
    public static let notAvailable = "not available yet"
    static let pollMilliseconds = 50

    let keymap = Keymap.standard
    let environment: [String: String]
    /// `--graphics`/`MEDGEMMA_GRAPHICS` when given; nil: detect (sixel asked of the terminal at start).
    let graphicsChoice: GraphicsMode?
    let trace: UITrace?
    var terminal: Terminal!
    var running = true

    // Each pane's state, and the screen's; drawing reads them, actions change them.
    var chatPane: ChatPaneState
    var imagePane: ImagePaneState
    var casePane: CasePaneState
    /// The draft report, shown in place of the chat.
    var report = ReportPane()
    var status = StatusBarState()
    var model: ModelState
    var screen: ScreenState

    // Where keys go.
    var focus = PaneFocus.input
    var overlay = WorkstationOverlay.none
    /// The `:` line, kept between openings for its history.
    var commandEditor = LineEditor()
    var quitGuard = QuitGuard()
    var paste = PasteCollector(startCode: Terminal.pasteStartCode, endCode: Terminal.pasteEndCode)

    /// `graphics`: the user's `--graphics` value; without it `MEDGEMMA_GRAPHICS`; `auto`
    /// or neither: detected from the environment. An unknown name throws
    /// `GraphicsModeError` (before the screen is touched).
    /// `startupMessage`: shown in the status bar until the first key (e.g. why the
    /// study folder could not be read).
    /// `theme`: a theme name (`--theme`); nil: the default. A theme that cannot be loaded
    /// falls back to the default and the status bar says why.
    public init(backend: InferenceBackend, library: StudyLibrary?, graphics: String? = nil, theme: String? = nil,
                loadBackend: (@Sendable (String) throws -> InferenceBackend)? = nil,
                modelFiles: (model: String?, mmproj: String?) = (nil, nil), remote: RemoteBackendOffer? = nil,
                modelChoices: (@Sendable () -> [ModelChoice])? = nil,
                pullModel: (@Sendable (String, ModelPullJob) throws -> String)? = nil,
                applyAdapter: (@Sendable (String, Float, LocalEngineBackend) throws -> Void)? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment, startupMessage: String? = nil) throws {
        model = ModelState(backend: backend, loadBackend: loadBackend, modelFiles: modelFiles, remote: remote, modelChoices: modelChoices,
                           pullModel: pullModel, applyAdapter: applyAdapter)
        casePane = CasePaneState(library: library)
        chatPane = ChatPaneState(session: ChatSession(backend: backend))
        let chosen = try GraphicsMode.parseOverride(graphics ?? environment["MEDGEMMA_GRAPHICS"])
        graphicsChoice = chosen
        self.environment = environment
        trace = UITrace(environment: environment)
        let themes = ThemeLibrary.standard(environment: environment)
        let loaded = themes.loadOrDefault(theme ?? ThemeLibrary.defaultName)
        screen = ScreenState(themes: themes, theme: loaded.theme)
        let mode = chosen ?? GraphicsMode.automatic(environment: environment, sixelSupported: false)
        // Sixel is settled in `run`, once the terminal has been asked and its cell size is known.
        imagePane = ImagePaneState(style: mode == .ascii ? .ascii : .blocks(ColorDepth.detect(environment: environment)))
        if let first = library?.studies.first(where: \.isUsable) { open(first, announce: false) }
        // A theme error first: it names a file and line the user has to fix; then what
        // opening the first study said (a restored conversation), then the start-up notes.
        let notes = [loaded.error.map { $0.shortDescription + " (default theme used)" }, status.message, startupMessage]
        status.message = notes.compactMap { $0 }.joined(separator: " · ")
        if status.message?.isEmpty == true { status.message = nil }
    }

    /// Runs until the user quits; restores the terminal on every way out.
    public func run() throws {
        // Asked before ncurses owns the input: does the terminal draw sixels?
        let automatic = GraphicsMode.automatic(environment: environment, sixelSupported: false)
        let probe = graphicsChoice == .sixel || (graphicsChoice == nil && automatic != .ascii) ? TerminalProbe.run() : nil
        // Once the screen is restored: what could not be saved is printed, not lost.
        var unkept: [String] = []
        defer { for text in unkept { fputs(text, stdout) }; fflush(stdout) }
        try Terminal.withSession { terminal in
            self.terminal = terminal
            if graphicsChoice == .sixel || (graphicsChoice == nil && probe?.sixel == true) {
                let cell = terminal.cellPixelSize ?? (10, 20)
                imagePane.style = .sixel(cellWidth: cell.width, cellHeight: cell.height, colors: probe?.colorRegisters ?? 256)
            }
            screen.colors = ColorPairs(terminal: terminal, theme: screen.theme)
            terminal.setRawInput(true)  // Ctrl-C is a key here: cancel, then quit
            terminal.enableInputReporting()
            relayout()
            draw()
            defer {
                trace?.write()
                // Nothing is lost on the way out: the draft goes to its recovery file, or
                // when that cannot be written, to the terminal after the screen is restored.
                autosaveReport(force: true)
                saveTranscriptIfChanged(force: true)
                if let draft = draftThatCouldNotBeKept() { unkept.append(draft) }
                if let problem = chatPane.saveProblem { unkept.append("medgemma: the conversation was not saved: \(problem)\n") }
            }
            var quickFailures = 0
            while running {
                let keyAt = readKey(quickFailures: &quickFailures)
                let chat = followBackgroundWork()
                let now = DispatchTime.now().uptimeNanoseconds
                screen.redraw.noteChat(changed: chat.revision != chatPane.shownRevision, at: now)
                if screen.redraw.wantsFrame && running {
                    drawFrame(generating: chat.isGenerating, keyAt: keyAt)
                    screen.redraw.noteFrame(at: now)
                }
            }
            self.terminal = nil
        }
    }
}
