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
public final class WorkstationApp {
    public static let enlargeMessage = "Enlarge the terminal (needs at least \(PaneLayout.minimum.columns)×\(PaneLayout.minimum.rows))"
    public static let notAvailable = "not available yet"
    static let pollMilliseconds = 50

    var backend: InferenceBackend
    /// Makes a backend for another model file (`:model FILE`); nil when switching is not offered.
    let loadBackend: (@Sendable (String) throws -> InferenceBackend)?
    let library: StudyLibrary?
    let keymap = Keymap.standard
    var imageStyle: ImagePreview.Style
    /// `--graphics`/`MEDGEMMA_GRAPHICS` when given; nil: detect (sixel asked of the terminal at start).
    let graphicsChoice: GraphicsMode?
    let environment: [String: String]
    /// The sixel last written and when; it is written again only when it changes, after
    /// something covered it, or every few seconds (a sixel is tens of kilobytes).
    var lastSixel: (text: String, row: Int, column: Int, at: UInt64)?
    /// What the next frame has to redo; asked for with `invalidate`, answered by `draw`.
    var redraw = RedrawRequests()
    let trace: UITrace?
    /// Themes from `Themes/` and `~/.config/medgemma/themes`; the one in use.
    let themes: ThemeLibrary
    var theme: Theme
    /// The theme's colour pairs, registered once the terminal has started.
    var colors = ColorPairs(mode: .monochrome, theme: .defaultDark)

    var terminal: Terminal!
    var session: ChatSession
    var study: Study?
    var viewer = ImageViewer()
    var editor = LineEditor()
    var transcript = TranscriptView(width: 40, height: 10)
    var shownEntries: [TranscriptEntry] = []
    var lastRevision = -1
    var focus = PaneFocus.input
    var overlay = WorkstationOverlay.none
    var quitGuard = QuitGuard()
    var paste = PasteCollector(startCode: Terminal.pasteStartCode, endCode: Terminal.pasteEndCode)
    var message: String?
    var running = true
    /// Whether the shown image goes with the next message (when the backend takes images).
    var attachImages = true
    /// The `:` line, kept between openings for its history.
    var commandEditor = LineEditor()
    var modelLoad: ModelLoad?
    var attachmentCache: (key: String, attachment: ImageAttachment)?
    var backgroundPaused = false
    /// The draft report, and the backend it is drafted on (a sibling conversation of the
    /// chat's for the in-process engine, so the two do not evict each other's cache).
    var report = ReportPane()
    var reportBackend: InferenceBackend
    let provenance: ReportProvenance
    var lastSavedTranscript = -1
    /// ASCII previews of studies' first images for the browser.
    var browserPreviews: [String: [String]] = [:]
    var lastBackgroundLine: String?

    var layout: PaneLayout?
    var laidOutSize = (rows: 0, columns: 0, inputLines: 0)
    var windows: [Window] = []

    /// `graphics`: the user's `--graphics` value; without it `MEDGEMMA_GRAPHICS`; `auto`
    /// or neither: detected from the environment. An unknown name throws
    /// `GraphicsModeError` (before the screen is touched).
    /// `startupMessage`: shown in the status bar until the first key (e.g. why the
    /// study folder could not be read).
    /// `theme`: a theme name (`--theme`); nil: the default. A theme that cannot be loaded
    /// falls back to the default and the status bar says why.
    public init(backend: InferenceBackend, library: StudyLibrary?, graphics: String? = nil, theme: String? = nil,
                loadBackend: (@Sendable (String) throws -> InferenceBackend)? = nil,
                modelFiles: (model: String?, mmproj: String?) = (nil, nil),
                environment: [String: String] = ProcessInfo.processInfo.environment, startupMessage: String? = nil) throws {
        self.backend = backend
        self.loadBackend = loadBackend
        reportBackend = (backend as? LocalEngineBackend)?.sibling() ?? backend
        provenance = ReportProvenance(model: modelFiles.model, mmproj: modelFiles.mmproj, servedModel: backend.displayName)
        self.library = library
        session = ChatSession(backend: backend)
        let chosen = try GraphicsMode.parseOverride(graphics ?? environment["MEDGEMMA_GRAPHICS"])
        graphicsChoice = chosen
        self.environment = environment
        trace = UITrace(environment: environment)
        themes = ThemeLibrary.standard(environment: environment)
        let loaded = themes.loadOrDefault(theme ?? ThemeLibrary.defaultName)
        self.theme = loaded.theme
        let mode = chosen ?? GraphicsMode.automatic(environment: environment, sixelSupported: false)
        // Sixel is settled in `run`, once the terminal has been asked and its cell size is known.
        imageStyle = mode == .ascii ? .ascii : .blocks(ColorDepth.detect(environment: environment))
        if let first = library?.studies.first(where: \.isUsable) { open(first, announce: false) }
        // A theme error first: it names a file and line the user has to fix; then what
        // opening the first study said (a restored conversation), then the start-up notes.
        let notes = [loaded.error.map { $0.shortDescription + " (default theme used)" }, message, startupMessage]
        message = notes.compactMap { $0 }.joined(separator: " · ")
        if message?.isEmpty == true { message = nil }
    }

    /// Runs until the user quits; restores the terminal on every way out.
    public func run() throws {
        // Asked before ncurses owns the input: does the terminal draw sixels?
        let automatic = GraphicsMode.automatic(environment: environment, sixelSupported: false)
        let probe = graphicsChoice == .sixel || (graphicsChoice == nil && automatic != .ascii) ? TerminalProbe.run() : nil
        try Terminal.withSession { terminal in
            self.terminal = terminal
            if graphicsChoice == .sixel || (graphicsChoice == nil && probe?.sixel == true) {
                let cell = terminal.cellPixelSize ?? (10, 20)
                imageStyle = .sixel(cellWidth: cell.width, cellHeight: cell.height, colors: probe?.colorRegisters ?? 256)
            }
            colors = ColorPairs(terminal: terminal, theme: theme)
            terminal.setRawInput(true)  // Ctrl-C is a key here: cancel, then quit
            terminal.enableInputReporting()
            relayout()
            draw()
            defer {
                trace?.write()
                // Nothing is lost on the way out: the draft goes to its recovery file.
                autosaveReport(force: true)
                saveTranscriptIfChanged(force: true)
            }
            var quickFailures = 0
            while running {
                let keyAt = readKey(quickFailures: &quickFailures)
                let chat = followBackgroundWork()
                let now = DispatchTime.now().uptimeNanoseconds
                redraw.noteChat(changed: chat.revision != lastRevision, at: now)
                if redraw.wantsFrame && running {
                    drawFrame(generating: chat.isGenerating, keyAt: keyAt)
                    redraw.noteFrame(at: now)
                }
            }
            self.terminal = nil
        }
    }
}
