import GGUF

/// Whether a model fits before it is loaded, and if not what would: the same model at a
/// smaller context (the KV cache shrinks with it), down to `minimumContext`. Loading a
/// model that does not fit ends with the kernel killing the process mid-load or mid-reply,
/// so the commands that open a model ask here first (`medgemma ask`, `report`, the
/// workstation, `:model FILE`).
public struct MemoryPlan: Sendable, Equatable {
    public let estimate: MemoryEstimate
    public let contextSize: Int
    /// Bytes the system says are available; nil when unknown (then nothing is refused).
    public let available: Int?
    /// The largest power-of-two context below `contextSize` that fits, when the requested
    /// one does not and one does.
    public let fittingContext: Int?

    /// Smaller contexts are not offered below this (a chat turn with one image needs ~600).
    public static let minimumContext = 1024
    /// Kept free beyond the estimate: page cache for the rest of the system, allocator slack.
    public static let headroom = 256 << 20

    /// `adapterBytes`: what the LoRA adapters to apply hold (`AdapterFootprint`).
    public init(model: GGUFFile, contextSize: Int, mmproj: GGUFFile? = nil, adapterBytes: Int = 0,
                available: Int?) throws(GGUFError) {
        estimate = try MemoryEstimate(model: model, contextSize: contextSize, mmproj: mmproj, adapterBytes: adapterBytes)
        self.contextSize = contextSize
        self.available = available
        var fitting: Int?
        if let available, estimate.total + Self.headroom > available {
            var ctx = 1
            while ctx * 2 < contextSize { ctx *= 2 }
            while ctx >= Self.minimumContext {
                let smaller = try MemoryEstimate(model: model, contextSize: ctx, mmproj: mmproj, adapterBytes: adapterBytes)
                if smaller.total + Self.headroom <= available {
                    fitting = ctx
                    break
                }
                ctx /= 2
            }
        }
        fittingContext = fitting
    }

    public var fits: Bool {
        guard let available else { return true }
        return estimate.total + Self.headroom <= available
    }
}
