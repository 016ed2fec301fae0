import Foundation
import MedImaging
import Workstation

/// The overlays — help, palette, study browser, `:` line, recovered draft, quit question:
/// while one is open it gets every key. Drawing them is in `WorkstationApp+OverlayDrawing`.
extension WorkstationApp {
    func handleOverlay(_ key: Key) {
        switch overlay {
        case .none: return
        case .help(let top):
            switch key {
            case .up, .down, .pageUp, .pageDown, .wheelUp, .wheelDown:
                let step = key == .pageUp || key == .pageDown ? 10 : 1
                let up = key == .up || key == .pageUp || key == .wheelUp
                overlay = .help(top: max(0, top + (up ? -step : step)))
            default:
                closeOverlay()
            }
        case .restoreDraft(let draft):
            closeOverlay()
            answerRecovery(draft, restore: key == .character("y") || key == .character("Y") || key == .enter)
        case .seriesQuestion(let offer):
            handleSeriesOffer(key, offer: offer)
        case .models(var picker):
            switch key {
            case .escape, .control("c"): closeOverlay()
            case .enter:
                guard let chosen = picker.list.selected else { return }
                closeOverlay()
                if let name = chosen.pullName { return pullModel(named: name) }
                switchModel(to: chosen.path)
                if model.loading != nil { status.message = "loading \(TerminalSanitizer.singleLine.sanitize(chosen.name))…" }
            default:
                if picker.list.handle(key) { overlay = .models(picker) }
            }
        case .confirmQuit:
            if key == .character("y") || key == .character("Y") {
                running = false
            } else {
                closeOverlay()
            }
        case .palette(var palette):
            switch key {
            case .escape, .control("c"), .control("p"): closeOverlay()
            case .enter:
                closeOverlay()
                guard let entry = palette.list.selected else { return }
                // Actions whose argument may be left out (export to the default place) run
                // from the palette; the others open the `:` line with their name typed.
                if let argument = entry.action.argument, !argument.isOptional {
                    openCommandLine(for: entry.action)
                } else {
                    perform(entry.action)
                }
            default:
                if palette.list.handle(key) { overlay = .palette(palette) }
            }
        case .commandLine(var line):
            switch key {
            case .escape, .control("c"):
                closeOverlay()
            case .enter:
                let typed = line.text
                _ = line.submit()
                commandEditor = line
                closeOverlay()
                runCommandLine(typed)
            case .backspace where line.isEmpty:
                closeOverlay()
            default:
                _ = line.handle(key, keymap: keymap)
                overlay = .commandLine(line)
            }
        case .studies(var browser):
            switch key {
            case .escape, .control("c"): closeOverlay()
            case .enter:
                guard let chosen = browser.list.selected else { return }
                guard chosen.isUsable else {
                    status.message = "cannot open: " + (chosen.problems.first ?? "no image")
                    return
                }
                closeOverlay()
                open(chosen, announce: true)
            default:
                if browser.list.handle(key) { overlay = .studies(browser) }
            }
        }
    }

    func closeOverlay() {
        overlay = .none
    }
}
