/// The pending `Redraw` requests and when the last frame was drawn: asked for by
/// actions and events, answered by the frame that draws them.
///
/// Streamed tokens do not draw a frame each: while the chat changes without a key,
/// frames come at most every `streamingFrameNanoseconds`, so a fast model does not
/// spend the UI thread redrawing.
struct RedrawRequests {
    /// While tokens stream (no key pressed), frames come at most this often.
    static let streamingFrameNanoseconds: UInt64 = 100_000_000

    /// The first frame sends every cell and writes the picture.
    private(set) var pending: Redraw = [.allCells, .image]
    /// When the last frame in the loop was drawn (uptime nanoseconds).
    private(set) var lastFrame: UInt64 = 0

    /// Asks for `what` at the next frame.
    mutating func request(_ what: Redraw) {
        pending.formUnion(what)
    }

    /// Whether any of `what` was asked for; it is answered (no longer pending).
    mutating func take(_ what: Redraw) -> Bool {
        let asked = !pending.isDisjoint(with: what)
        pending.subtract(what)
        return asked
    }

    /// Whether this loop turn should draw a frame.
    var wantsFrame: Bool { pending.contains(.frame) }

    /// The chat's revision was looked at: a frame when it moved on and the last frame is
    /// old enough (a key's frame counts too).
    mutating func noteChat(changed: Bool, at now: UInt64) {
        if changed, now - lastFrame >= Self.streamingFrameNanoseconds { request(.frame) }
    }

    /// A frame was drawn in the loop at `now` (the turn's time, taken before drawing).
    mutating func noteFrame(at now: UInt64) {
        lastFrame = now
    }
}
