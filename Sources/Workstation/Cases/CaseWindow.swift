import MedImaging

/// A display window (centre and width in modality units, HU for CT) that a case gives for
/// an image: the default for a CT or MR file that carries none (the shipped Pancreas-CT
/// slice has no Window Center/Width), or a better preset than the file's.
public struct CaseWindow: Codable, Sendable, Equatable {
    public var center: Double
    public var width: Double

    public init(center: Double, width: Double) {
        self.center = center
        self.width = width
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case center, width
    }

    public init(from decoder: any Decoder) throws {
        let r = try CaseFieldReader(decoder)
        try r.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        center = try r.double("center")
        width = try r.double("width")
        if width <= 0 { throw r.problem("width", "must be greater than 0") }
    }

    /// The same window for the imaging module's display pipeline.
    public var voiWindow: VOIWindow { VOIWindow(center: center, width: width, explanation: "case preset") }
}
