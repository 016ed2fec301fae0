import Foundation
import TUI
import Workstation
import XCTest
import TestSupport

/// The whole workstation in a real terminal: `medgemma --samples <repo>/samples` with the
/// real default model in a 120×40 tmux pane, looked at and typed into as a person would.
/// Every wait polls the screen with a timeout; nothing sleeps a fixed time.
final class WorkstationAppTmuxTests: XCTestCase {
    private var work: URL!

    override func setUpWithError() throws {
        work = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("tuiapp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: work)
    }

    func testStartShowsTheFirstCaseItsImageAndTheDisclaimer() throws {
        let tmux = try startApp()
        let title = try firstStudyTitle()
        let screen = try waitFor(tmux, "the first case title and its image") {
            Self.casePane($0).contains(title) && Self.imageRows($0) > 5
        }
        XCTAssertTrue(screen.contains("Transcript"), screen)
        XCTAssertTrue(screen.contains("AI-generated research draft"), screen)
        // The case context is prefilled first ("preparing case context…"), then idle.
        _ = try waitFor(tmux, "idle") { $0.contains("in-process · idle") }
    }

    func testNoColorDrawsTheImageWithTheASCIIRamp() throws {
        let tmux = try startApp(environment: "NO_COLOR=1")
        let screen = try waitFor(tmux, "an ASCII image") { Self.imagePaneInk($0) > 100 }
        XCTAssertEqual(Self.imageRows(screen), 0, screen)
        XCTAssertFalse(screen.contains("▀"), screen)
    }

    /// A question streams its reply over time (the transcript grows between captures while
    /// the status says generating), Esc cancels it mid-reply, the screen follows resizes to
    /// 80×24 and 200×60, and a second question runs to its timing line.
    func testQuestionStreamsCancelsResizesAndAnswersAgain() throws {
        let tmux = try startApp()
        _ = try waitFor(tmux, "start") { $0.contains("idle") }
        try tmux.sendKeys("-l", "What does the heart look like?")
        try tmux.sendKeys("Enter")
        _ = try waitFor(tmux, "the question in the transcript") { $0.contains("What does the heart look like?") && $0.contains("You") }
        let first = try waitFor(tmux, "streaming status") { $0.contains("in-process · generating") && Self.replyText($0).count > 5 }
        let grown = try waitFor(tmux, "more tokens") {
            $0.contains("in-process · generating") && Self.replyText($0).count > Self.replyText(first).count
        }
        XCTAssertTrue(Self.replyText(grown).hasPrefix(String(Self.replyText(first).prefix(5))), grown)
        try tmux.sendKeys("Escape")
        _ = try waitFor(tmux, "cancelled") { $0.contains("reply cancelled") && $0.contains("in-process · idle") }

        try tmux.resize(columns: 80, rows: 24)
        let small = try waitFor(tmux, "80×24 layout") { screen in
            let lines = screen.components(separatedBy: "\n")
            return lines.count >= 24 && lines.allSatisfy { DisplayWidth.of($0) <= 80 } && DisplayWidth.of(lines[0]) == 80
                && screen.contains("Transcript") && screen.contains("Case")
        }
        XCTAssertFalse(small.contains(WorkstationApp.enlargeMessage), small)
        try tmux.resize(columns: 200, rows: 60)
        _ = try waitFor(tmux, "200×60 layout") { screen in
            let lines = screen.components(separatedBy: "\n")
            return lines.count >= 60 && DisplayWidth.of(lines[0]) == 200 && screen.contains("Transcript")
        }

        // A shorter second reply, so the question stays on screen with it.
        try tmux.sendKeys("Tab")
        try command(tmux, "set max-tokens 40", expect: "replies stop after 40 tokens")
        try tmux.sendKeys("BTab")
        try tmux.sendKeys("-l", "And the lungs?")
        try tmux.sendKeys("Enter")
        _ = try waitFor(tmux, "second question") { $0.contains("And the lungs?") && $0.contains("in-process · generating") }
        // The first reply's timing line says "(cancelled)"; the second one ends on its own.
        let screen = try waitFor(tmux, "the timing line and idle", timeout: 120) {
            ($0.contains("(token limit)") || $0.contains("(end of turn)")) && $0.contains("in-process · idle")
        }
        XCTAssertTrue(screen.contains("first token after"), "timing line missing:\n\(screen)")
    }

    /// The transcript pane's text after its last "MedGemma" label (the streaming reply),
    /// joined. At 120×40 a row reads `│case…││transcript…│`: the transcript is the fourth cell.
    static func replyText(_ screen: String) -> String {
        let cells = screen.components(separatedBy: "\n").map { line -> String in
            let parts = line.components(separatedBy: "│")
            return parts.count > 3 ? parts[3] : ""
        }
        guard let label = cells.lastIndex(where: { $0.hasPrefix("MedGemma") }) else { return "" }
        return cells[(label + 1)...].joined().trimmingCharacters(in: .whitespaces)
    }

    func testHelpOverlayListsTheKeymap() throws {
        let tmux = try startApp()
        _ = try waitFor(tmux, "start") { $0.contains("idle") }
        try tmux.sendKeys("Tab")  // out of the input, where ? is typed
        try tmux.sendKeys("?")
        // Poll until the whole overlay is drawn (a capture can land mid-redraw).
        let expected = ["any other key closes", "Ctrl-P", Action.palette.summary, Action.cancel.summary, "not for clinical use"]
        let screen = try waitFor(tmux, "help overlay") { screen in expected.allSatisfy { screen.contains($0) } }
        XCTAssertTrue(screen.contains("Ctrl-P"), screen)
        XCTAssertTrue(screen.contains(Action.palette.summary), screen)
        XCTAssertTrue(screen.contains(Action.cancel.summary), screen)
        XCTAssertTrue(screen.contains("not for clinical use"), screen)
        try tmux.sendKeys("x")
        _ = try waitFor(tmux, "overlay closed") { !$0.contains("any other key closes") }
    }

    func testStudyBrowserOpensTheFundusStudy() throws {
        let tmux = try startApp()
        _ = try waitFor(tmux, "start") { $0.contains("idle") }
        let fundus = try caseTitle(folder: "fundus-01")
        try tmux.sendKeys("Tab")
        try tmux.sendKeys("o")
        _ = try waitFor(tmux, "study browser") { $0.contains("Enter opens") }
        try tmux.sendKeys("-l", "fundus")
        _ = try waitFor(tmux, "filtered list") { $0.contains("> fundus") }
        try tmux.sendKeys("Enter")
        _ = try waitFor(tmux, "fundus case") { !$0.contains("Enter opens") && Self.casePane($0).contains(fundus) }
    }

    func testTooSmallShowsTheEnlargeMessageAndResizingBackRestores() throws {
        let tmux = try startApp()
        let title = try firstStudyTitle()
        _ = try waitFor(tmux, "start") { Self.casePane($0).contains(title) }
        try tmux.resize(columns: 50, rows: 15)
        _ = try waitFor(tmux, "enlarge message") { $0.contains("Enlarge the terminal") }
        try tmux.resize(columns: 120, rows: 40)
        let screen = try waitFor(tmux, "panes again") {
            Self.casePane($0).contains(title) && !$0.contains("Enlarge the terminal") && Self.imageRows($0) > 5
        }
        XCTAssertTrue(screen.contains("Transcript"), screen)
    }

    func testCtrlCTwiceQuitsWithStatusZeroAndRestoresTheTerminal() throws {
        let tmux = try startApp()
        _ = try waitFor(tmux, "start") { $0.contains("idle") }
        try tmux.sendKeys("C-c")
        _ = try waitFor(tmux, "armed hint") { $0.contains(QuitGuard.armedHint) }
        try tmux.sendKeys("C-c")
        XCTAssertEqual(try waitForResult(), "rc=0 same=yes")
    }

    func testInputNewlinesAndBracketedPasteDoNotSend() throws {
        let tmux = try startApp()
        _ = try waitFor(tmux, "start") { $0.contains("idle") }
        try tmux.sendKeys("-l", "first")
        try tmux.sendKeys("C-j")
        try tmux.sendKeys("-l", "second")
        try tmux.sendKeys("M-Enter")
        try tmux.sendKeys("-l", "third")
        try tmux.sendKeys("C-Left")  // Ctrl-← : to the start of the word
        try tmux.sendKeys("-l", "a ")
        try tmux.sendKeys("C-Right")
        try tmux.paste("pasted one\npasted two")
        let screen = try waitFor(tmux, "five input lines") { $0.contains("a thirdpasted one") && $0.contains("pasted two") }
        let rows = screen.components(separatedBy: "\n")
        let first = try XCTUnwrap(rows.firstIndex { $0.contains("│first") }, screen)
        XCTAssertTrue(rows[first + 1].contains("│second"), screen)
        XCTAssertTrue(rows[first + 2].contains("│a thirdpasted one"), screen)
        XCTAssertTrue(rows[first + 3].contains("│pasted two"), screen)
        XCTAssertFalse(screen.contains("You"), "nothing was sent:\n\(screen)")
        // Ctrl-C with a draft asks before quitting.
        try tmux.sendKeys("C-c")
        try tmux.sendKeys("C-c")
        _ = try waitFor(tmux, "draft question") { $0.contains(QuitGuard.draftQuestion) }
        try tmux.sendKeys("y")
        XCTAssertEqual(try waitForResult(), "rc=0 same=yes")
    }

    func testImageKeysPaletteAndThemeCycling() throws {
        let tmux = try startApp()
        _ = try waitFor(tmux, "start") { $0.contains("idle") }
        try tmux.sendKeys("Tab", "Tab")
        _ = try waitFor(tmux, "image focus") { $0.contains("focus image") }
        try tmux.sendKeys("w")
        _ = try waitFor(tmux, "preset") { $0.contains("window high contrast") }
        try tmux.sendKeys("i", "+")
        _ = try waitFor(tmux, "title") { $0.contains("1.5×") && $0.contains("· inv") }
        try tmux.sendKeys("0")
        _ = try waitFor(tmux, "reset") { $0.contains("view reset") && $0.contains("1.0×") && !$0.contains("· inv") }
        try tmux.sendKeys("t")
        _ = try waitFor(tmux, "next theme") { $0.contains("theme light") }
        try tmux.sendKeys("t")
        _ = try waitFor(tmux, "third theme") { $0.contains("theme high-contrast") }
        try tmux.sendKeys("C-p")
        _ = try waitFor(tmux, "palette") { $0.contains("Command palette") && $0.contains("new-chat") }
        try tmux.sendKeys("-l", "new chat")
        try tmux.sendKeys("Enter")
        _ = try waitFor(tmux, "new chat") { !$0.contains("Command palette") && $0.contains("new chat") }
        try tmux.sendKeys("q")
        XCTAssertEqual(try waitForResult(), "rc=0 same=yes")
    }

    /// A user theme with a mistake: the status bar names the file and line, and the
    /// workstation runs with the default theme; `:theme light` then switches.
    func testBrokenUserThemeNamesTheLineAndFallsBack() throws {
        let config = work.appendingPathComponent("config")
        let folder = config.appendingPathComponent("medgemma/themes")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "# mine\ntext = white on black\nstatus-bar = bleu on black\n"
            .write(to: folder.appendingPathComponent("mine.theme"), atomically: true, encoding: .utf8)
        let tmux = try startApp(environment: "env -u NO_COLOR XDG_CONFIG_HOME='\(config.path)'", arguments: "--theme mine")
        _ = try waitFor(tmux, "theme error") { $0.contains("mine.theme:3: unknown colour 'bleu'") }
        try tmux.sendKeys("Tab")
        try command(tmux, "theme light", expect: "theme light")
        try tmux.sendKeys("q")
        XCTAssertEqual(try waitForResult(), "rc=0 same=yes")
    }

    /// With the model's vision part (the tiny test mmproj that fits the 270M model), opening
    /// a study encodes its images in the background into the embedding cache, and a question
    /// carries the shown image: the transcript says so and the reply comes from the cache.
    func testImagesAreEncodedInTheBackgroundAndSentWithTheQuestion() throws {
        let cache = work.appendingPathComponent("cache")
        let mmproj = TestEnvironment.fixture("tiny_gemma_vision/mmproj-270m.gguf").path
        let tmux = try startApp(environment: "env -u NO_COLOR XDG_CACHE_HOME='\(cache.path)'", arguments: "--mmproj '\(mmproj)'")
        _ = try waitFor(tmux, "image input offered") { $0.contains("Message + image 1") }
        let embeddings = cache.appendingPathComponent("medgemma/embeddings").path
        let library = try StudyLibrary(path: TestEnvironment.samples.path)
        let first = try XCTUnwrap(library.studies.first(where: \.isUsable))
        let deadline = Date().addingTimeInterval(60)
        while ((try? FileManager.default.contentsOfDirectory(atPath: embeddings)) ?? []).count < first.images.count, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: embeddings).count, first.images.count)
        try tmux.sendKeys("Tab")
        try command(tmux, "set max-tokens 8", expect: "replies stop after 8 tokens")
        try tmux.sendKeys("BTab")
        try tmux.sendKeys("-l", "What do you see?")
        try tmux.sendKeys("Enter")
        _ = try waitFor(tmux, "image line") { $0.contains("(with image ") }
        _ = try waitFor(tmux, "reply", timeout: 120) { $0.contains("tok/s") && $0.contains("in-process · idle") }
        // Still one entry per image: the question's embedding came from the cache.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: embeddings).count, first.images.count)
        try tmux.sendKeys("C-c", "C-c")
        XCTAssertEqual(try waitForResult(), "rc=0 same=yes")
    }

    /// "Compare with prior" on cxr-01, whose image lists a prior: c in the image pane sends
    /// the prior and the current picture, each after its dated label, with the standard
    /// question; the status bar says what it costs before the reply comes.
    func testCompareWithPriorSendsBothDatedPictures() throws {
        let cache = work.appendingPathComponent("cache")
        let mmproj = TestEnvironment.fixture("tiny_gemma_vision/mmproj-270m.gguf").path
        let tmux = try startApp(environment: "env -u NO_COLOR XDG_CACHE_HOME='\(cache.path)'", arguments: "--mmproj '\(mmproj)'")
        _ = try waitFor(tmux, "image input offered") { $0.contains("Message + image 1") }
        try tmux.sendKeys("Tab", "Tab")
        _ = try waitFor(tmux, "image focus") { $0.contains("focus image") }
        try command(tmux, "set max-tokens 4", expect: "replies stop after 4 tokens")
        try tmux.sendKeys("c")
        _ = try waitFor(tmux, "cost said") { $0.contains("comparing image 1 with its prior of 2023-01-12 · 2 images:") }
        _ = try waitFor(tmux, "both pictures in the transcript") {
            $0.contains("Compare the current study with the prior study.") && $0.contains("(with image Prior study") && $0.contains("(with image Current study")
        }
        _ = try waitFor(tmux, "reply", timeout: 120) { $0.contains("tok/s") && $0.contains("in-process · idle") }
        try tmux.sendKeys("C-c", "C-c")
        XCTAssertEqual(try waitForResult(), "rc=0 same=yes")
    }

    /// The draft report: `r` drafts it from the case (streaming into the editor), the
    /// user types into it (Ctrl-Z undoes, Ctrl-Y redoes), it autosaves; after kill -9
    /// the reopened study offers it back, and Ctrl-S writes Markdown + FHIR into the
    /// study's reports/ folder, private.
    func testReportDraftAutosaveRecoveryAfterKillAndSave() throws {
        let samples = work.appendingPathComponent("samples")
        try FileManager.default.createDirectory(at: samples, withIntermediateDirectories: true)
        let library = try StudyLibrary(path: TestEnvironment.samples.path)
        let first = try XCTUnwrap(library.studies.first(where: \.isUsable))
        try FileManager.default.copyItem(at: first.folder, to: samples.appendingPathComponent(first.folderName))

        var tmux = try startApp(samples: samples.path)
        _ = try waitFor(tmux, "start") { $0.contains("idle") }
        try tmux.sendKeys("Tab")
        try command(tmux, "set max-tokens 12", expect: "replies stop after 12 tokens")
        try tmux.sendKeys("r")
        _ = try waitFor(tmux, "draft written", timeout: 120) { $0.contains("Report · unsaved") }
        try tmux.sendKeys("C-e", "Enter")
        try tmux.sendKeys("-l", "Reviewed by the test.")
        _ = try waitFor(tmux, "typed") { $0.contains("Reviewed by the test.") }
        // Ctrl-Z takes the typing back, Ctrl-Y makes it again.
        try tmux.sendKeys("C-z")
        _ = try waitFor(tmux, "undone") { $0.contains("undone") && !$0.contains("Reviewed by the test.") }
        try tmux.sendKeys("C-y")
        _ = try waitFor(tmux, "redone") { $0.contains("redone") && $0.contains("Reviewed by the test.") }
        let recovery = work.appendingPathComponent("data/medgemma/recovery").path
        let deadline = Date().addingTimeInterval(20)
        func recovered() -> String? {
            guard let name = (try? FileManager.default.contentsOfDirectory(atPath: recovery))?.first(where: { $0.hasSuffix(".json") }) else { return nil }
            return try? String(contentsOfFile: recovery + "/" + name, encoding: .utf8)
        }
        while recovered()?.contains("Reviewed by the test.") != true, Date() < deadline { Thread.sleep(forTimeInterval: 0.2) }
        XCTAssertEqual(recovered()?.contains("Reviewed by the test."), true, "no autosave in \(recovery)")

        // kill -9: no chance to save anything on the way out.
        let pid = try app.pid()
        XCTAssertEqual(kill(pid, SIGKILL), 0)
        XCTAssertTrue(try waitForResult().hasPrefix("rc=137"))

        tmux = try startApp(samples: samples.path)
        _ = try waitFor(tmux, "recovery offer") { $0.contains("Recovered draft") && $0.contains("Restore it?") }
        try tmux.sendKeys("y")
        _ = try waitFor(tmux, "restored") { $0.contains("Reviewed by the test.") && $0.contains("restored") }
        try tmux.sendKeys("C-s")
        // (The first save may wait for the model's sha256, hashed in the background.)
        let savedScreen = try waitFor(tmux, "saved", timeout: 120) { $0.contains("report saved:") }
        XCTAssertFalse(savedScreen.contains("read-only"), savedScreen)
        let reports = samples.appendingPathComponent(first.folderName).appendingPathComponent("reports").path
        let files = try FileManager.default.contentsOfDirectory(atPath: reports).sorted()
        XCTAssertEqual(files.filter { $0.hasSuffix(".md") }.count, 1, "\(files)")
        XCTAssertEqual(files.filter { $0.hasSuffix(".fhir.json") }.count, 1, "\(files)")
        let fhirName = try XCTUnwrap(files.first { $0.hasSuffix(".fhir.json") })
        let fhir = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: reports + "/" + fhirName))) as? [String: Any])
        XCTAssertEqual(fhir["resourceType"] as? String, "DiagnosticReport")
        XCTAssertEqual(fhir["status"] as? String, "preliminary")
        let form = try XCTUnwrap((fhir["presentedForm"] as? [[String: Any]])?.first)
        let markdown = try XCTUnwrap(Data(base64Encoded: try XCTUnwrap(form["data"] as? String)).flatMap { String(data: $0, encoding: .utf8) })
        XCTAssertTrue(markdown.contains("Reviewed by the test."), markdown)
        XCTAssertTrue(markdown.contains("AI-generated research draft — not for clinical use; requires review by a qualified clinician"), markdown)
        for name in files {
            let mode = (try FileManager.default.attributesOfItem(atPath: reports + "/" + name)[.posixPermissions] as? NSNumber)?.intValue
            XCTAssertEqual(mode, 0o600, name)
        }
        // Saved: the recovery file is gone, so the next opening offers nothing.
        XCTAssertNil(recovered())

        // Sign-off from the report (Ctrl-P, signoff): a restored draft has no model draft to
        // compare with, so the status must be given; then it is saved again, signed.
        func signOff(_ arguments: String, expect answer: String) throws {
            try tmux.sendKeys("C-p")
            _ = try waitFor(tmux, "palette") { $0.contains("Command palette") }
            try tmux.sendKeys("-l", "signoff")
            try tmux.sendKeys("Enter")
            try tmux.sendKeys("-l", arguments)
            try tmux.sendKeys("Enter")
            _ = try waitFor(tmux, "':signoff \(arguments)' answered") { $0.contains(answer) }
        }
        try signOff("Test Reviewer resident", expect: "there is no model draft to compare with")
        try signOff("Test Reviewer resident amended", expect: "signed off (amended) and saved:")
        _ = try waitFor(tmux, "signed heading") { $0.contains("signed off (amended) by Test Reviewer") }
        let signed = try XCTUnwrap(ReportStore(fallbackRoot: work.path + "/unused").latestSaved(for: Study(path: samples.appendingPathComponent(first.folderName).path)))
        XCTAssertNotEqual(signed.markdownPath, reports + "/" + fhirName.replacingOccurrences(of: ".fhir.json", with: ".md"))
        let signedFHIR = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: signed.fhirPath))) as? [String: Any])
        XCTAssertEqual(signedFHIR["status"] as? String, "amended")
        let signedMarkdown = try String(contentsOfFile: signed.markdownPath, encoding: .utf8)
        XCTAssertTrue(signedMarkdown.contains("- Reviewer name: Test Reviewer\n- Reviewer role: resident\n- Signed off at: 20"), signedMarkdown)
        XCTAssertTrue(signedMarkdown.contains("- Status (final / amended): amended\n"), signedMarkdown)
        try tmux.sendKeys("Escape")
        _ = try waitFor(tmux, "chat again") { $0.contains("Transcript") }
        try tmux.sendKeys("C-c", "C-c")
        XCTAssertEqual(try waitForResult(), "rc=0 same=yes")
    }

    /// The conversation is kept with the study: quit, start again, and it is back.
    func testConversationIsRestoredWhenTheStudyOpensAgain() throws {
        var tmux = try startApp()
        _ = try waitFor(tmux, "start") { $0.contains("idle") }
        try tmux.sendKeys("Tab")
        try command(tmux, "set max-tokens 2", expect: "replies stop after 2 tokens")
        try tmux.sendKeys("BTab")
        try tmux.sendKeys("-l", "Remember this question.")
        try tmux.sendKeys("Enter")
        _ = try waitFor(tmux, "reply", timeout: 120) { $0.contains("tok/s") && $0.contains("in-process · idle") }
        try tmux.sendKeys("C-c", "C-c")
        XCTAssertEqual(try waitForResult(), "rc=0 same=yes")

        tmux = try startApp()
        let screen = try waitFor(tmux, "restored") { $0.contains("Remember this question.") && $0.contains("restored") }
        XCTAssertTrue(screen.contains("tok/s"), "the reply's timing line comes back too:\n\(screen)")
        try tmux.sendKeys("C-c", "C-c")
        XCTAssertEqual(try waitForResult(), "rc=0 same=yes")
    }

    /// A new chat (Ctrl-N) and another study keep the token limit set on the `:` line (they
    /// used to go back to 512 tokens: the soak test's replies grew after its first new chat).
    func testNewChatAndAnotherStudyKeepTheSettings() throws {
        let tmux = try startApp()
        _ = try waitFor(tmux, "start") { $0.contains("idle") }
        try tmux.sendKeys("Tab")
        try command(tmux, "set max-tokens 3", expect: "replies stop after 3 tokens")
        try tmux.sendKeys("C-n")
        _ = try waitFor(tmux, "new chat") { $0.contains("in-process · idle") && !$0.contains("replies stop after") }
        try tmux.sendKeys("BTab")
        try tmux.sendKeys("-l", "Describe the finding.")
        try tmux.sendKeys("Enter")
        _ = try waitFor(tmux, "3-token reply", timeout: 120) { Self.unwrapped($0).contains(" 3 tokens at") && $0.contains("in-process · idle") }
        try tmux.sendKeys("Tab", "o")
        _ = try waitFor(tmux, "study browser") { $0.contains("Enter opens") }
        try tmux.sendKeys("Down", "Enter")
        _ = try waitFor(tmux, "study opened", timeout: 120) { !$0.contains("Enter opens") && $0.contains("in-process · idle") }
        try tmux.sendKeys("BTab")
        try tmux.sendKeys("-l", "And in this study?")
        try tmux.sendKeys("Enter")
        _ = try waitFor(tmux, "3-token reply in the other study", timeout: 120) {
            $0.contains("And in this study?") && Self.unwrapped($0).contains(" 3 tokens at") && $0.contains("in-process · idle")
        }
        try tmux.sendKeys("C-c", "C-c")
        XCTAssertEqual(try waitForResult(), "rc=0 same=yes")
    }

    /// The transcript pane's text as one line of words (each screen line right of the
    /// transcript's left border, found by its title's column), so a phrase the transcript
    /// wrapped can be looked for whole. Not by the panes' meeting "││": where a left pane
    /// ends, its corner meets the border ("┘│") and that line would be lost.
    private static func unwrapped(_ screen: String) -> String {
        let lines = screen.split(separator: "\n").map(Array.init)
        guard let title = lines.first(where: { String($0).contains("┌─ Transcript") }),
              let border = String(title).range(of: "┌─ Transcript").map({ String(title)[..<$0.lowerBound].count })
        else { return "" }
        return lines.compactMap { line -> String? in
            guard line.count > border, line[border] == "│" else { return nil }
            return String(line[(border + 1)...]).replacingOccurrences(of: "│", with: " ")
        }.joined(separator: " ").split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Opening a study prefills its case context before any question: the status bar goes
    /// idle with the context already used, and the first question's timing line counts
    /// those tokens as cached.
    func testTheCaseContextIsPreparedBeforeTheFirstQuestion() throws {
        let tmux = try startApp()
        try waitFor(tmux, "idle with the case context in the cache") {
            $0.range(of: #"in-process · idle · context [1-9][0-9]*/"#, options: .regularExpression) != nil
        }
        try tmux.sendKeys("Tab")
        try command(tmux, "set max-tokens 2", expect: "replies stop after 2 tokens")
        try tmux.sendKeys("BTab")
        try tmux.sendKeys("-l", "Heart size?")
        try tmux.sendKeys("Enter")
        let screen = try waitFor(tmux, "the timing line", timeout: 120) {
            $0.contains("tok/s") && $0.contains("in-process · idle")
        }
        XCTAssertTrue(screen.replacingOccurrences(of: "\n", with: " ").range(of: #"\(\+[1-9][0-9]* "#, options: .regularExpression) != nil,
                      "the case context came from the cache:\n\(screen)")
        try tmux.sendKeys("C-c", "C-c")
        XCTAssertEqual(try waitForResult(), "rc=0 same=yes")
    }

    /// A case whose `images` entry names a folder of DICOM slices (the ct_gap fixture
    /// series) opens as a series: the gap is said in the status bar, `.`/`,` step through
    /// the slices with "slice i/n" in the pane title, so does the wheel over the image pane,
    /// and the model gets the slice shown.
    func testSeriesFolderScrollsThroughSlicesAndSendsTheShownOne() throws {
        let samples = work.appendingPathComponent("samples")
        try SeriesStudyFixture.write(series: "ct_gap", to: samples.appendingPathComponent("series-01"))

        let mmproj = TestEnvironment.fixture("tiny_gemma_vision/mmproj-270m.gguf").path
        let tmux = try startApp(environment: "env -u NO_COLOR XDG_CACHE_HOME='\(work.path)/cache'", samples: samples.path,
                                arguments: "--mmproj '\(mmproj)'")
        _ = try waitFor(tmux, "the series and its gap note") {
            $0.contains("1/1 · slice 1/6 · W400 C40") && $0.contains("gap after slice 3") && $0.contains("[●  ·")
        }
        try tmux.sendKeys("Tab", "Tab")
        _ = try waitFor(tmux, "image focus") { $0.contains("focus image") }
        try tmux.sendKeys(".", ".")
        _ = try waitFor(tmux, "slice 3") { $0.contains("1/1 · slice 3/6") }
        try tmux.sendKeys(",")
        _ = try waitFor(tmux, "back to slice 2") { $0.contains("1/1 · slice 2/6") }
        try tmux.sendKeys(",", ",")
        _ = try waitFor(tmux, "stops at the first slice") { $0.contains("slice 1/6 (first slice)") }
        try tmux.sendKeys(".")
        _ = try waitFor(tmux, "slice 2 again") { $0.contains("1/1 · slice 2/6") }
        // Slice 2, stayed on, is encoded in the background beside the first (opened with
        // the study); the slices scrolled past are not.
        let embeddings = work.appendingPathComponent("cache/medgemma/embeddings").path
        func cached() -> Int { ((try? FileManager.default.contentsOfDirectory(atPath: embeddings)) ?? []).count }
        let deadline = Date().addingTimeInterval(30)
        while cached() < 2, Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        Thread.sleep(forTimeInterval: 0.5)
        XCTAssertEqual(cached(), 2)
        // The wheel turned over the image pane (X10 report: button, column, row, each + 32).
        let pane = try XCTUnwrap(PaneLayout.compute(rows: 40, columns: 120)).imagePane
        let cell = String(UnicodeScalar(UInt8(33 + pane.column + 5))) + String(UnicodeScalar(UInt8(33 + pane.row + 3)))
        try tmux.sendKeys("-l", "\u{1B}[Ma" + cell)
        _ = try waitFor(tmux, "wheel down: next slice") { $0.contains("1/1 · slice 3/6") }
        try tmux.sendKeys("-l", "\u{1B}[M`" + cell)
        _ = try waitFor(tmux, "wheel up: previous slice") { $0.contains("1/1 · slice 2/6") }
        try command(tmux, "set max-tokens 4", expect: "replies stop after 4 tokens")
        try tmux.sendKeys("Tab")
        try tmux.sendKeys("-l", "What do you see?")
        try tmux.sendKeys("Enter")
        // ct_gap's second slice in position order is IM0965.dcm.
        _ = try waitFor(tmux, "reply", timeout: 120) { $0.contains("tok/s") && $0.contains("in-process · idle") }
        _ = try waitFor(tmux, "the shown slice sent") { $0.contains("image sent: IM0965.dcm") && $0.contains("(with image") }

        // Ask about the series (from the palette): the offer says which slices and what they
        // cost before anything goes; - halves them; Enter sends them, each after its label.
        try tmux.sendKeys("C-p")
        _ = try waitFor(tmux, "palette") { $0.contains("Command palette") }
        try tmux.sendKeys("-l", "ask about the series")
        try tmux.sendKeys("Enter")
        _ = try waitFor(tmux, "the offer with its cost") {
            $0.contains("Ask about the series slices") && $0.contains("6 of the 6 slices, evenly spread: 1, 2, 3, 4, 5, 6")
                && $0.contains("Cost here: 6 images:") && $0.contains("Fits the context of 4096 tokens.")
                && $0.contains("no remote backend configured") && $0.contains("Each slice: CT windows as R, G, B (−1024…1024, −135…215, 0…80 HU)")
        }
        try tmux.sendKeys("-")
        _ = try waitFor(tmux, "fewer slices") { $0.contains("3 of the 6 slices, evenly spread: 1, 4, 6") && $0.contains("Cost here: 3 images:") }
        try tmux.sendKeys("Enter")
        _ = try waitFor(tmux, "sent with their labels") {
            $0.contains("asking about 3 slices of 6") && $0.contains("(with image Slice 1/6 (z = ")
        }
        _ = try waitFor(tmux, "second reply", timeout: 120) {
            $0.components(separatedBy: "tok/s").count > 2 && $0.contains("in-process · idle")
        }
        try tmux.sendKeys("C-c", "C-c")
        XCTAssertEqual(try waitForResult(), "rc=0 same=yes")
    }

    /// A series question too heavy for this machine goes to the configured server: with
    /// the in-process engine chosen (`--backend local`) over a config that names
    /// llama-cpp-python's server, the offer names the server, and r moves the chat there
    /// and sends the slices once it is connected.
    func testSeriesQuestionGoesToTheConfiguredServer() throws {
        let model = try TestEnvironment.defaultModel()
        let server = try OpenAIServer(model: model, contextSize: 4096)
        defer { server.stop() }
        let config = work.appendingPathComponent("medgemma-config").path
        try "backend = \(server.baseURL)\n".write(toFile: config, atomically: true, encoding: .utf8)
        let samples = work.appendingPathComponent("samples")
        try SeriesStudyFixture.write(series: "ct_axial", to: samples.appendingPathComponent("series-01"))
        let mmproj = TestEnvironment.fixture("tiny_gemma_vision/mmproj-270m.gguf").path
        let tmux = try startApp(environment: "env -u NO_COLOR MEDGEMMA_CONFIG='\(config)'", samples: samples.path,
                                arguments: "--backend local --mmproj '\(mmproj)'")
        _ = try waitFor(tmux, "the series") { $0.contains("1/1 · slice 1/6") && $0.contains("in-process") }
        try tmux.sendKeys("Tab", "Tab")
        _ = try waitFor(tmux, "image focus") { $0.contains("focus image") }
        try command(tmux, "set max-tokens 4", expect: "replies stop after 4 tokens")
        try tmux.sendKeys("v")
        _ = try waitFor(tmux, "the offer names the server") {
            $0.contains("6 of the 6 slices") && $0.contains("r sends to \(server.baseURL) instead") && $0.contains("Cost here: 6 images:")
        }
        try tmux.sendKeys("r")
        _ = try waitFor(tmux, "moved to the server and asked there", timeout: 60) {
            $0.contains("asking about 6 slices on the server") && $0.contains("(with image Slice 6/6 (z = -87.5 mm):")
                && !$0.contains("in-process")
        }
        // The server's answer (a text-only model may refuse the pictures: either ends the turn).
        _ = try waitFor(tmux, "the turn ends", timeout: 120) { $0.contains("/v1 · idle") }
        try tmux.sendKeys("C-c", "C-c")
        XCTAssertEqual(try waitForResult(), "rc=0 same=yes")
    }

    /// On a server backend the offer counts nothing here (the server encodes the slices
    /// and holds its own context) and offers no other server; Esc sends nothing.
    func testSeriesOfferOnAServerBackend() throws {
        let model = try TestEnvironment.defaultModel()
        let server = try OpenAIServer(model: model, contextSize: 4096)
        defer { server.stop() }
        let samples = work.appendingPathComponent("samples")
        try SeriesStudyFixture.write(series: "ct_axial", to: samples.appendingPathComponent("series-01"))
        let tmux = try startApp(environment: "env -u NO_COLOR MEDGEMMA_CONFIG=/nonexistent", samples: samples.path,
                                arguments: "--backend '\(server.baseURL)'", localModel: false)
        _ = try waitFor(tmux, "the series") { $0.contains("1/1 · slice 1/6") && $0.contains("/v1 · idle") }
        try tmux.sendKeys("Tab", "Tab")
        _ = try waitFor(tmux, "image focus") { $0.contains("focus image") }
        try tmux.sendKeys("v")
        _ = try waitFor(tmux, "the offer") {
            $0.contains("6 of the 6 slices") && $0.contains("Cost here: 6 pictures, encoded by gemma-3-270m")
                && $0.contains("Enter sends · - fewer · + more · Esc cancels")
        }
        try tmux.sendKeys("Escape")
        _ = try waitFor(tmux, "not sent") { $0.contains("series question not sent") && !$0.contains("Cost here") }
        try tmux.sendKeys("C-c", "C-c")
        XCTAssertEqual(try waitForResult(), "rc=0 same=yes")
    }

    /// A model folder that also holds another model's vision part: the workstation starts
    /// (text only) and says once which file it passed over and why.
    func testAnotherModelsMMProjBesideTheModelIsPassedOverWithANote() throws {
        let folder = work.appendingPathComponent("models")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let model = folder.appendingPathComponent("gemma-3-270m-q4_k_m.gguf").path
        try FileManager.default.linkItem(atPath: try TestEnvironment.defaultModel(), toPath: model)
        try FileManager.default.copyItem(atPath: TestEnvironment.fixture("tiny_gemma_vision/bad-width.gguf").path,
                                         toPath: folder.appendingPathComponent("mmproj-medgemma-4b.gguf").path)
        let tmux = try startApp(modelPath: model)
        let screen = try waitFor(tmux, "started with a note") {
            $0.contains("mmproj-medgemma-4b.gguf beside the model is not used") && $0.contains("idle")
        }
        XCTAssertEqual(screen.components(separatedBy: "mmproj-medgemma-4b.gguf").count, 2, "named once:\n\(screen)")
        try tmux.sendKeys("C-c", "C-c")
        XCTAssertEqual(try waitForResult(), "rc=0 same=yes")
    }

    /// Quitting while the case context is still being prefilled ends cleanly: the engine's
    /// work on its own queue does not meet the libraries' exit-time clean-up (it crashed
    /// the process on the way out, rc 139, or hung while the crash was reported).
    func testQuitWhileTheCaseContextIsPreparedExitsCleanly() throws {
        let samples = work.appendingPathComponent("samples")
        try FileManager.default.createDirectory(at: samples, withIntermediateDirectories: true)
        let library = try StudyLibrary(path: TestEnvironment.samples.path)
        let first = try XCTUnwrap(library.studies.first(where: \.isUsable))
        let copy = samples.appendingPathComponent(first.folderName)
        try FileManager.default.copyItem(at: first.folder, to: copy)
        // The longest history a case may have: about two thousand tokens to prefill.
        let caseURL = copy.appendingPathComponent("case.json")
        var json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: caseURL)) as? [String: Any])
        let sentence = "Intermittent epigastric pain after meals with weight loss over four weeks. "
        json["history"] = String(String(repeating: sentence, count: 200).prefix(7990))
        try JSONSerialization.data(withJSONObject: json).write(to: caseURL)

        // The crash needed the exit to meet a matrix product: about one quit in ten did.
        for _ in 0..<8 {
            let tmux = try startApp(samples: samples.path)
            _ = try waitFor(tmux, "preparing") { $0.contains("preparing case context") }
            try tmux.sendKeys("C-c", "C-c")
            let result = try waitForResult()
            XCTAssertEqual(result, "rc=0 same=yes")
            if result.isEmpty { break }
        }
    }

    /// `:model FILE` loads another model in the background and the chat moves to it; a file
    /// that is not a model is one line naming it, and the current model stays.
    func testSwitchModelFromTheCommandLine() throws {
        let model = try TestEnvironment.defaultModel()
        let tmux = try startApp()
        _ = try waitFor(tmux, "start") { $0.contains("idle") }
        let notModel = TestEnvironment.fixture("png/gray8.png").path
        try tmux.sendKeys("Tab")
        try command(tmux, "model \(notModel)", expect: "gray8.png: not a GGUF file")
        try tmux.sendKeys(":")
        try tmux.sendKeys("-l", "model \(model)")
        try tmux.sendKeys("Enter")
        _ = try waitFor(tmux, "switched") { $0.contains("now using ") && $0.contains("· in-process") }
        try tmux.sendKeys("q")
        XCTAssertEqual(try waitForResult(), "rc=0 same=yes")
    }

    /// `:lora FILE SCALE` applies an adapter between replies without reloading the model and
    /// the status bar names it; a model file instead is one line saying it is no adapter;
    /// `:lora off` removes it.
    func testLoRAAdapterOnAndOffFromTheCommandLine() throws {
        let adapter = TestEnvironment.fixture("lora/gemma-3-270m-rank8-f16.gguf").path
        let tmux = try startApp()
        _ = try waitFor(tmux, "start") { $0.contains("idle") }
        try tmux.sendKeys("Tab")
        try command(tmux, "lora \(try TestEnvironment.defaultModel())", expect: "gemma-3-270m-q4_k_m.gguf: metadata \"general.type\": not a LoRA adapter")
        try command(tmux, "lora \(adapter) 0.5", expect: "LoRA on: gemma-3-270m-rank8-f16.gguf ×0.5")
        try command(tmux, "lora off", expect: "adapters off")
        try tmux.sendKeys("q")
        XCTAssertEqual(try waitForResult(), "rc=0 same=yes")
    }

    /// `:model` alone opens the picker: the models on this machine, each with what it
    /// needs in memory; typing filters, Enter loads the highlighted one.
    func testModelPickerListsTheModelsHereAndLoadsTheChosenOne() throws {
        let models = work.appendingPathComponent("models")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        try FileManager.default.linkItem(atPath: try TestEnvironment.defaultModel(), toPath: models.appendingPathComponent("gemma-3-270m-q4_k_m.gguf").path)
        try FileManager.default.copyItem(atPath: TestEnvironment.fixture("tiny_gemma/tiny-gemma3.gguf").path,
                                         toPath: models.appendingPathComponent("tiny-gemma3.gguf").path)
        let tmux = try startApp(environment: "env -u NO_COLOR MEDGEMMA_MODELS='\(models.path)'")
        _ = try waitFor(tmux, "start") { $0.contains("idle") }
        try tmux.sendKeys("Tab")
        try tmux.sendKeys(":")
        try tmux.sendKeys("-l", "model")
        try tmux.sendKeys("Enter")
        _ = try waitFor(tmux, "the picker") {
            $0.contains("Models · type to filter") && $0.contains("gemma-3-270m-q4_k_m  ·  medgemma · 268.1 M · Q4_K_M · needs ≈ 345.9 MB (fits)")
                && $0.contains("tiny-gemma3  ·  medgemma · ")
        }
        try tmux.sendKeys("-l", "tiny")
        _ = try waitFor(tmux, "filtered") { !$0.contains("gemma-3-270m-q4_k_m  ·") && $0.contains("tiny-gemma3  ·") }
        try tmux.sendKeys("Enter")
        _ = try waitFor(tmux, "switched") { $0.contains("now using ") && $0.contains("· in-process") && !$0.contains("Models · type") }
        try tmux.sendKeys("q")
        XCTAssertEqual(try waitForResult(), "rc=0 same=yes")
    }

    /// A known model not downloaded yet, chosen in the picker, is pulled from the hub (our
    /// test hub on 127.0.0.1) with its progress in the status bar; Esc stops it keeping the
    /// partial file, and choosing it again continues from there (a Range request) and loads it.
    func testThePickerPullsAKnownModelAndEscStopsIt() throws {
        let hub = try TestHub()
        defer { hub.stop() }
        let repo = hub.root.appendingPathComponent("unsloth/medgemma-4b-it-GGUF")
        try FileManager.default.createDirectory(at: repo, withIntermediateDirectories: true)
        // The tiny Gemma 3 model stands in for the 4B file: it loads, and it is small.
        try FileManager.default.copyItem(atPath: TestEnvironment.fixture("tiny_gemma/tiny-gemma3.gguf").path,
                                         toPath: repo.appendingPathComponent("medgemma-4b-it-Q4_K_M.gguf").path)
        try hub.setFaults(["unsloth/medgemma-4b-it-GGUF/medgemma-4b-it-Q4_K_M.gguf": ["trickle": 500]])
        let models = work.appendingPathComponent("models")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        let tmux = try startApp(environment: "env -u NO_COLOR MEDGEMMA_MODELS='\(models.path)' HF_ENDPOINT='\(hub.endpoint)'")
        _ = try waitFor(tmux, "start") { $0.contains("idle") }
        try tmux.sendKeys("Tab")
        func pick() throws {
            try tmux.sendKeys(":")
            try tmux.sendKeys("-l", "model")
            try tmux.sendKeys("Enter")
            _ = try waitFor(tmux, "the picker offers the pull") {
                $0.contains("medgemma-4b-it  ·  not downloaded · MedGemma 4B instruction-tuned")
            }
            try tmux.sendKeys("-l", "medgemma-4b")
            try tmux.sendKeys("Enter")
        }
        try pick()
        _ = try waitFor(tmux, "progress in the status bar") { $0.contains("pulling · Esc stops · medgemma-4b-it-Q4_K_M.gguf  ") }
        try tmux.sendKeys("Escape")
        _ = try waitFor(tmux, "stopped, partial kept") { $0.contains("medgemma-4b-it: download cancelled; ") }
        let partial = models.appendingPathComponent("medgemma-4b-it-Q4_K_M.gguf.incomplete").path
        let kept = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: partial)[.size] as? Int)
        XCTAssertGreaterThan(kept, 0)
        try hub.setFaults([:])
        try pick()
        _ = try waitFor(tmux, "pulled and loaded", timeout: 60) { $0.contains("now using ") && $0.contains("· in-process") }
        XCTAssertFalse(FileManager.default.fileExists(atPath: partial))
        XCTAssertTrue(FileManager.default.fileExists(atPath: models.appendingPathComponent("medgemma-4b-it-Q4_K_M.gguf.verified").path))
        XCTAssertTrue(hub.requests.contains { $0.contains("medgemma-4b-it-Q4_K_M.gguf") && $0.contains("bytes=\(kept)-") }, "\(hub.requests)")
        try tmux.sendKeys("q")
        XCTAssertEqual(try waitForResult(), "rc=0 same=yes")
    }

    /// Ctrl-Z in an interactive shell: the workstation stops and the shell says so; `fg`
    /// brings it back repainted and taking keys. Without job control it says it cannot.
    func testCtrlZSuspendsAndFgRepaints() throws {
        let model = try TestEnvironment.defaultModel()
        let tmux = try TmuxHarness.required()
        try tmux.start("env -u NO_COLOR PS1='shell$ ' LANG=C.UTF-8 bash --norc --noprofile -i", columns: 120, rows: 40)
        _ = try waitFor(tmux, "prompt") { $0.contains("shell$") }
        try tmux.sendKeys("-l", "XDG_DATA_HOME='\(work.path)/data' '\(TestEnvironment.executable)' --model '\(model)' --samples '\(TestEnvironment.samples.path)'")
        try tmux.sendKeys("Enter")
        _ = try waitFor(tmux, "start") { $0.contains("idle") && $0.contains("Transcript") }
        try tmux.sendKeys("C-z")
        _ = try waitFor(tmux, "stopped") { $0.contains("Stopped") && !$0.contains("Transcript") }
        try tmux.sendKeys("-l", "fg")
        try tmux.sendKeys("Enter")
        _ = try waitFor(tmux, "repainted") { $0.contains("Transcript") && $0.contains("idle") }
        try tmux.sendKeys("-l", "still here")
        _ = try waitFor(tmux, "typing") { $0.contains("still here") }
        try tmux.sendKeys("C-u", "C-c", "C-c")
        _ = try waitFor(tmux, "back at the prompt") { !$0.contains("Transcript") && $0.contains("shell$") }

        // Under `sh script` (no job control) nothing could continue a stopped program.
        let plain = try startApp()
        _ = try waitFor(plain, "start") { $0.contains("idle") }
        try plain.sendKeys("C-z")
        _ = try waitFor(plain, "refused") { $0.contains("cannot suspend") && $0.contains("Transcript") }
        try plain.sendKeys("C-c", "C-c")
        XCTAssertEqual(try waitForResult(), "rc=0 same=yes")
    }

    /// The `:` line: settings, a mistake, loading an image file; `e` equalises the shown
    /// image; the palette opens the `:` line for an action that needs an argument.
    func testCommandLineSettingsLoadImageAndEqualisation() throws {
        let tmux = try startApp()
        _ = try waitFor(tmux, "start") { $0.contains("idle") }
        try tmux.sendKeys("Tab", ":")
        _ = try waitFor(tmux, "command line") { $0.contains("Command · Enter runs") }
        try tmux.sendKeys("-l", "set temperature 0")
        try tmux.sendKeys("Enter")
        _ = try waitFor(tmux, "temperature set") { $0.contains("temperature 0: greedy") && !$0.contains("Command · Enter runs") }
        try command(tmux, "set temperature 7", expect: "needs a number from 0 to 2, not '7'")
        try command(tmux, "frobnicate", expect: "unknown command 'frobnicate'")
        let png = TestEnvironment.fixture("png/gray8.png").path
        try tmux.sendKeys(":")
        try tmux.sendKeys("-l", "load \(png)")
        try tmux.sendKeys("Enter")
        _ = try waitFor(tmux, "loaded image") { $0.contains("showing gray8.png") && $0.contains("─ 2/2 · ") }
        // A folder of DICOM slices loads as a series, read off the UI thread.
        try tmux.sendKeys(":")
        try tmux.sendKeys("-l", "load \(TestEnvironment.fixture("dicom/series/ct_axial").path)")
        try tmux.sendKeys("Enter")
        _ = try waitFor(tmux, "loaded series") {
            $0.contains("─ 3/3 · slice 1/6 · ") && $0.contains("series of 6 slices · . and , step through them")
        }
        try tmux.sendKeys("Tab")
        _ = try waitFor(tmux, "image focus") { $0.contains("focus image") }
        try tmux.sendKeys("e")
        // The series' title keeps "slice 1/6" and lets the zoom go where the pane is narrow.
        _ = try waitFor(tmux, "equalised") { $0.contains("histogram equalisation on") && $0.contains("slice 1/6 · W400 C40 · eq ─") }
        // The palette, for an action with an argument, types its name on the `:` line.
        try tmux.sendKeys("C-p")
        _ = try waitFor(tmux, "palette") { $0.contains("Command palette") }
        try tmux.sendKeys("-l", "max tokens")
        try tmux.sendKeys("Enter")
        _ = try waitFor(tmux, "prefilled") { $0.contains(":set-max-tokens") && $0.contains("Command · Enter runs") }
        try tmux.sendKeys("-l", "3")
        try tmux.sendKeys("Enter")
        _ = try waitFor(tmux, "max tokens") { $0.contains("replies stop after 3 tokens") }
        try tmux.sendKeys("q")
        XCTAssertEqual(try waitForResult(), "rc=0 same=yes")
    }

    /// The mouse wheel scrolls the transcript: the bytes a terminal sends for wheel-up in
    /// normal tracking mode (ESC [ M, button 64+32, column, row) move the view up.
    func testMouseWheelScrollsTheTranscript() throws {
        let tmux = try startApp()
        _ = try waitFor(tmux, "start") { $0.contains("idle") }
        try tmux.sendKeys("Tab")
        try command(tmux, "set max-tokens 2", expect: "replies stop after 2 tokens")
        try tmux.sendKeys("BTab")
        _ = try waitFor(tmux, "input focus") { $0.contains("focus input") }
        try tmux.paste((1...60).map { String(format: "row %02d", $0) }.joined(separator: "\n"))
        try tmux.sendKeys("Enter")
        let before = try waitFor(tmux, "reply", timeout: 120) { $0.contains("tok/s") && $0.contains("in-process · idle") }
        let top = try XCTUnwrap(Self.firstRowNumber(before), before)
        for _ in 0..<6 { try tmux.sendKeys("-l", "\u{1B}[M`!!") }
        // One line per notch: six notches show (at least) five more rows at the top.
        let after = try waitFor(tmux, "scrolled up") { (Self.firstRowNumber($0) ?? 99) <= top - 5 }
        // Two notches down: on a loaded machine tmux may hand over a sequence's ESC on its
        // own, which reads as the Esc key (the scroll-up above tolerates a lost notch too).
        for _ in 0..<2 { try tmux.sendKeys("-l", "\u{1B}[Ma!!") }  // wheel down
        _ = try waitFor(tmux, "scrolled down") { (Self.firstRowNumber($0) ?? 0) > (Self.firstRowNumber(after) ?? 0) }
        try tmux.sendKeys("C-c", "C-c")
        XCTAssertEqual(try waitForResult(), "rc=0 same=yes")
    }

    /// The smallest "row NN" visible in the transcript.
    static func firstRowNumber(_ screen: String) -> Int? {
        screen.components(separatedBy: "row ").dropFirst().compactMap { Int($0.prefix(2)) }.min()
    }

    /// Export from the palette: the chat as Markdown under $XDG_DATA_HOME, private to the
    /// user, starting with the study's title and the research-draft note.
    func testExportTranscriptFromThePalette() throws {
        let data = work.appendingPathComponent("data").path
        let tmux = try startApp(environment: "env -u NO_COLOR XDG_DATA_HOME='\(data)'")
        _ = try waitFor(tmux, "start") { $0.contains("idle") }
        try tmux.sendKeys("-l", "Hello")
        try tmux.sendKeys("Enter")
        _ = try waitFor(tmux, "reply", timeout: 120) { $0.contains("tok/s") && $0.contains("in-process · idle") }
        try tmux.sendKeys("C-p")
        _ = try waitFor(tmux, "palette") { $0.contains("Command palette") }
        try tmux.sendKeys("-l", "export")
        try tmux.sendKeys("Enter")
        _ = try waitFor(tmux, "saved") { $0.contains("transcript saved to") }
        let folder = data + "/medgemma/transcripts"
        let files = try FileManager.default.contentsOfDirectory(atPath: folder)
        XCTAssertEqual(files.count, 1, "\(files)")
        let path = folder + "/" + files[0]
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(text.contains("\n\n> AI-generated research draft — not for clinical use"), text)
        XCTAssertTrue(text.contains("## You\n\nHello\n\n## Model\n\n"), text)
        let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue
        XCTAssertEqual(mode, 0o600)

        // `y` in the transcript copies the last reply through OSC 52, which tmux (with
        // set-clipboard on) keeps as its newest paste buffer.
        // The export writes "## Model", a blank line, the reply, a blank line, its timing.
        let reply = try XCTUnwrap(text.components(separatedBy: "## Model\n\n").last?.components(separatedBy: "\n\n<sub>").first)
        try tmux.setOption("set-clipboard", "on")
        try tmux.sendKeys("Tab")
        _ = try waitFor(tmux, "transcript focus") { $0.contains("focus transcript") }
        try tmux.sendKeys("y")
        _ = try waitFor(tmux, "copied") { $0.contains("last reply copied") }
        XCTAssertEqual(try tmux.showBuffer(), reply)
        try tmux.sendKeys("q")
        XCTAssertEqual(try waitForResult(), "rc=0 same=yes")
    }

    func testUnreadableStudyFolderIsOneStatusLineNotACrash() throws {
        let tmux = try startApp(samples: work.appendingPathComponent("no-such-folder").path)
        let screen = try waitFor(tmux, "status note") { $0.contains("no such folder") }
        XCTAssertTrue(screen.contains("No study open"), screen)
        XCTAssertTrue(screen.contains("AI-generated research draft"), screen)
        try tmux.sendKeys("Tab", "o")
        _ = try waitFor(tmux, "explanation") { $0.contains("no study folder could be read") }
        try tmux.sendKeys("C-c")
        try tmux.sendKeys("C-c")
        XCTAssertEqual(try waitForResult(), "rc=0 same=yes")
    }

    // MARK: - Helpers

    /// The shared driver (`WorkstationAppDriver`) over this test's folder.
    private var app: WorkstationAppDriver { WorkstationAppDriver(work: work) }

    private func startApp(environment: String = "env -u NO_COLOR",
                          samples: String = TestEnvironment.samples.path, arguments: String = "",
                          localModel: Bool = true, modelPath: String? = nil) throws -> TmuxHarness {
        try app.start(environment: environment, samples: samples, arguments: arguments, localModel: localModel, modelPath: modelPath)
    }

    private func command(_ tmux: TmuxHarness, _ line: String, expect answer: String,
                         file: StaticString = #filePath, line number: UInt = #line) throws {
        try app.command(tmux, line, expect: answer, file: file, line: number)
    }

    @discardableResult
    private func waitFor(_ tmux: TmuxHarness, _ what: String, timeout: TimeInterval = 30,
                         _ predicate: @escaping (String) -> Bool,
                         file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try app.waitFor(tmux, what, timeout: timeout, predicate, file: file, line: line)
    }

    private func waitForResult(timeout: TimeInterval = 30, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try app.waitForResult(timeout: timeout, file: file, line: line)
    }

    /// The title in a sample's case.json, read as JSON.
    private func caseTitle(folder: String) throws -> String {
        let url = TestEnvironment.samples.appendingPathComponent(folder).appendingPathComponent("case.json")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        return try XCTUnwrap(object?["title"] as? String)
    }

    /// The study the workstation opens first (the library's first usable one), checked
    /// against its case.json.
    private func firstStudyTitle() throws -> String {
        let library = try StudyLibrary(path: TestEnvironment.samples.path)
        let first = try XCTUnwrap(library.studies.first(where: \.isUsable))
        let title = try caseTitle(folder: first.folderName)
        XCTAssertEqual(first.title, title)
        return title
    }

    /// Non-blank cells inside the image pane at 120×40.
    static func imagePaneInk(_ screen: String) -> Int {
        let rect = PaneLayout.compute(rows: 40, columns: 120)!.imagePane
        let rows = screen.components(separatedBy: "\n").map(Array.init)
        var ink = 0
        for row in (rect.row + 1)..<(rect.bottom - 1) where row < rows.count {
            for column in (rect.column + 1)..<(rect.right - 1) where column < rows[row].count {
                if rows[row][column] != " " { ink += 1 }
            }
        }
        return ink
    }

    /// Rows showing a run of half-block image cells.
    static func imageRows(_ screen: String) -> Int {
        screen.components(separatedBy: "\n").filter { $0.contains("▀▀▀▀▀▀▀▀") }.count
    }

    /// The case pane's text at 120 columns (the left 40 columns, top 40 % of the rows),
    /// borders removed and wrapped rows joined by single spaces.
    static func casePane(_ screen: String) -> String {
        let rows = screen.components(separatedBy: "\n").prefix(15)
        let words = rows.flatMap { row in
            String(row.prefix(PaneLayout.compute(rows: 40, columns: 120)!.casePane.columns))
                .split(whereSeparator: { $0 == " " || "│─┌┐└┘●".contains($0) })
        }
        return words.joined(separator: " ")
    }
}
