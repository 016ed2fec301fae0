/// What Ctrl-C, Esc and quit mean at this moment — the rules from the issue, kept out
/// of the event loop so they can be tested: Esc or Ctrl-C cancel a running
/// generation; a second Ctrl-C when idle quits; quitting with an unsaved draft asks
/// first.
public struct QuitGuard: Equatable, Sendable {
    public enum Outcome: Equatable, Sendable {
        /// Stop the generation in progress.
        case cancelGeneration
        /// Show this hint; the next Ctrl-C quits.
        case armed(String)
        /// Ask this question; quit only on yes.
        case confirm(String)
        case quit
        /// Nothing to do (Esc when idle).
        case none
    }

    /// A first Ctrl-C was pressed while idle, and no other key since.
    public private(set) var isArmed = false

    public static let armedHint = "Press Ctrl-C again to quit"
    public static let draftQuestion = "Quit and discard the unsent message? (y/n)"

    public init() {}

    /// Ctrl-C.
    public mutating func interrupt(isGenerating: Bool, hasDraft: Bool) -> Outcome {
        if isGenerating {
            isArmed = false
            return .cancelGeneration
        }
        if isArmed {
            isArmed = false
            return hasDraft ? .confirm(Self.draftQuestion) : .quit
        }
        isArmed = true
        return .armed(Self.armedHint)
    }

    /// Esc: cancels a generation, never quits.
    public mutating func escape(isGenerating: Bool) -> Outcome {
        isArmed = false
        return isGenerating ? .cancelGeneration : .none
    }

    /// The quit action (`q`, `:quit`, the palette).
    public mutating func quit(hasDraft: Bool) -> Outcome {
        isArmed = false
        return hasDraft ? .confirm(Self.draftQuestion) : .quit
    }

    /// Any other key: a later Ctrl-C starts over.
    public mutating func otherKey() {
        isArmed = false
    }
}
