import Foundation
import Support

/// The progress of one download on standard error: at a terminal a line redrawn in place
/// (name, received / size, percent, speed, time left) at most ten times a second; into a
/// pipe or a log, a plain line every ten seconds, so logs stay short.
public final class DownloadProgress: @unchecked Sendable {
    private let name: String
    private let total: Int64
    private let terminal: Bool
    private let write: (String) -> Void
    private let started = Date()
    private let startBytes: Int64
    private var lastDraw = Date.distantPast

    public init(name: String, total: Int64, alreadyHave: Int64, terminal: Bool, write: @escaping (String) -> Void) {
        self.name = name
        self.total = total
        self.startBytes = alreadyHave
        self.terminal = terminal
        self.write = write
    }

    public func update(_ received: Int64) {
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= (terminal ? 0.1 : 10) else { return }
        lastDraw = now
        draw(received, final: false)
    }

    public func finish(_ received: Int64) { draw(received, final: true) }

    /// "medgemma-4b-it-Q4_K_M.gguf  1.2 GB / 2.5 GB  48%  31.2 MB/s  0:41 left"
    public func line(_ received: Int64, final: Bool) -> String {
        let elapsed = max(Date().timeIntervalSince(started), 0.001)
        let speed = Double(received - startBytes) / elapsed
        let sizes = total > 0 ? "\(Format.bytes(Int(received))) / \(Format.bytes(Int(total)))  \(received * 100 / max(total, 1))%" : Format.bytes(Int(received))
        let rate = "\(Format.bytes(Int(speed)))/s"
        let eta = final ? "done in \(Format.clock(elapsed))"
            : total > 0 && speed > 0 ? "\(Format.clock(Double(total - received) / speed)) left" : "--:-- left"
        return "\(name)  \(sizes)  \(rate)  \(eta)"
    }

    private func draw(_ received: Int64, final: Bool) {
        let text = line(received, final: final)
        write(terminal ? "\r\(text)\u{1B}[K" + (final ? "\n" : "") : text + "\n")
    }
}
