import Foundation

/// Frame timings for `Tools/bench-ui.sh`, written when `MEDGEMMA_UI_TRACE=FILE` is set:
/// one line per frame — how long drawing took, whether it was a full redraw (start,
/// resize, Ctrl-L), whether a reply was streaming, and for a frame that answers a key,
/// the time from reading the key to the frame being on the terminal. Kept in memory
/// and written at exit, so tracing does not slow the frames it measures.
final class UITrace {
    private let path: String
    private var lines: [String] = ["# draw_us full generating key_to_frame_us"]

    init?(environment: [String: String]) {
        guard let path = environment["MEDGEMMA_UI_TRACE"], !path.isEmpty else { return nil }
        self.path = path
    }

    func frame(drawNanoseconds: UInt64, full: Bool, generating: Bool, keyToFrameNanoseconds: UInt64?) {
        guard lines.count < 1_000_000 else { return }
        lines.append("\(drawNanoseconds / 1000) \(full ? 1 : 0) \(generating ? 1 : 0) \(keyToFrameNanoseconds.map { String($0 / 1000) } ?? "-")")
    }

    func write() {
        try? (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }
}
