/// One image of a case: its file (inside the study folder) and what it is.
public struct CaseImage: Codable, Sendable, Equatable {
    /// Path relative to the study folder; never absolute and never through `..`, so a
    /// case can only point at files that ship with it.
    public var file: String
    /// DICOM modality code (`CR`, `DX`, `CT`, `MR`, `US`, `MG`, `XC`, `OP`, `SM`) or free text.
    public var modality: String
    /// e.g. `PA`, `axial`, `left eye, posterior pole`.
    public var view: String
    public var description: String
    /// Default display window, for CT/MR files that carry none.
    public var window: CaseWindow?
    /// The same view from an earlier study, for "compare with prior".
    public var prior: CasePrior?

    public init(file: String, modality: String, view: String, description: String, window: CaseWindow? = nil,
                prior: CasePrior? = nil) {
        self.file = file
        self.modality = modality
        self.view = view
        self.description = description
        self.window = window
        self.prior = prior
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case file, modality, view, description, window, prior
    }

    public init(from decoder: any Decoder) throws {
        let r = try CaseFieldReader(decoder)
        try r.rejectUnknownKeys(allowed: CodingKeys.allCases.map(\.rawValue))
        file = try r.string("file", limit: CaseText.shortLimit)
        if !Self.isInsideStudy(file) { throw r.problem("file", "must be a relative path inside the study") }
        modality = try r.string("modality", limit: CaseText.shortLimit)
        view = try r.string("view", limit: CaseText.shortLimit)
        description = try r.string("description", limit: CaseText.longLimit, multiline: true)
        window = try r.optionalObject(CaseWindow.self, "window")
        prior = try r.optionalObject(CasePrior.self, "prior")
    }

    /// True for a relative path that cannot leave its folder: not absolute, no `..`
    /// component, no backslash (a Windows separator that could hide a `..`). Symbolic
    /// links that lead outside are caught when the study checks its files.
    public static func isInsideStudy(_ path: String) -> Bool {
        if path.hasPrefix("/") || path.contains("\\") { return false }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        return !parts.contains("..") && parts.contains { !$0.isEmpty && $0 != "." }
    }

    /// The modality in words, for the model's context and the case pane.
    public var modalityName: String {
        switch modality.uppercased() {
        case "CR", "DX": return "X-ray (\(modality))"
        case "CT": return "CT"
        case "MR": return "MR"
        case "US": return "ultrasound (US)"
        case "MG": return "mammography (MG)"
        case "XC": return "clinical photograph (XC)"
        case "OP": return "fundus photograph (OP)"
        case "SM": return "histopathology slide (SM)"
        default: return modality
        }
    }
}
