import Foundation

/// Everything needed to tell how a draft report was made, saved with it in both the
/// Markdown and the FHIR file: the model and mmproj files (name and sha256), the engine
/// version, the generation settings and seed, the exact prompts, each image's file hash,
/// DICOM UIDs and preparation, the time with its zone, the (empty) reviewer fields and
/// the research-draft line. A report without its provenance cannot be reviewed.
public struct ReportStamp: Codable, Sendable, Equatable {
    public var engineVersion: String
    /// The backend as the status bar names it ("gemma-3-270m-q4_k_m.gguf · in-process").
    public var backend: String
    public var model: StampedFile
    public var mmproj: StampedFile?
    /// LoRA adapters applied on the fly (`--lora`, `:lora`); written only when there are some.
    public var adapters: [StampedAdapter] = []
    public var settings: StampedSettings
    public var systemPrompt: String
    public var userPrompt: String
    public var images: [StampedImage]
    /// When the draft was generated, ISO-8601 with zone (`ReportTime.iso8601`).
    public var createdAt: String
    public var reviewer: ReviewerFields
    public var disclaimer: String

    public init(engineVersion: String = EngineVersion.current, backend: String, model: StampedFile, mmproj: StampedFile?,
                settings: StampedSettings, systemPrompt: String, userPrompt: String, images: [StampedImage],
                createdAt: String, reviewer: ReviewerFields = ReviewerFields(), disclaimer: String = Disclaimer.text) {
        self.engineVersion = engineVersion
        self.backend = backend
        self.model = model
        self.mmproj = mmproj
        self.settings = settings
        self.systemPrompt = systemPrompt
        self.userPrompt = userPrompt
        self.images = images
        self.createdAt = createdAt
        self.reviewer = reviewer
        self.disclaimer = disclaimer
    }

    /// The stamp of a report about to be generated for `request`, at `date` in `timeZone`.
    public init(request: ReportRequest, backend: String, model: StampedFile, mmproj: StampedFile?,
                images: [StampedImage], date: Date, timeZone: TimeZone, engineVersion: String = EngineVersion.current) {
        self.init(engineVersion: engineVersion, backend: backend, model: model, mmproj: mmproj,
                  settings: StampedSettings(request.settings), systemPrompt: request.settings.system ?? "",
                  userPrompt: request.userPrompt, images: images,
                  createdAt: ReportTime.iso8601(date, timeZone: timeZone))
    }

    enum CodingKeys: String, CodingKey {
        case engineVersion, backend, model, mmproj, adapters, settings, systemPrompt, userPrompt, images, createdAt, reviewer, disclaimer
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        engineVersion = try c.decode(String.self, forKey: .engineVersion)
        backend = try c.decode(String.self, forKey: .backend)
        model = try c.decode(StampedFile.self, forKey: .model)
        mmproj = try c.decodeIfPresent(StampedFile.self, forKey: .mmproj)
        adapters = try c.decodeIfPresent([StampedAdapter].self, forKey: .adapters) ?? []
        settings = try c.decode(StampedSettings.self, forKey: .settings)
        systemPrompt = try c.decode(String.self, forKey: .systemPrompt)
        userPrompt = try c.decode(String.self, forKey: .userPrompt)
        images = try c.decode([StampedImage].self, forKey: .images)
        createdAt = try c.decode(String.self, forKey: .createdAt)
        reviewer = try c.decode(ReviewerFields.self, forKey: .reviewer)
        disclaimer = try c.decode(String.self, forKey: .disclaimer)
    }

    /// As synthesised, except that a missing mmproj is written as `null` ("no vision
    /// part") rather than left out, and no adapters as nothing (stamps made before
    /// adapters existed read the same).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(engineVersion, forKey: .engineVersion)
        try c.encode(backend, forKey: .backend)
        try c.encode(model, forKey: .model)
        try c.encode(mmproj, forKey: .mmproj)
        if !adapters.isEmpty { try c.encode(adapters, forKey: .adapters) }
        try c.encode(settings, forKey: .settings)
        try c.encode(systemPrompt, forKey: .systemPrompt)
        try c.encode(userPrompt, forKey: .userPrompt)
        try c.encode(images, forKey: .images)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(reviewer, forKey: .reviewer)
        try c.encode(disclaimer, forKey: .disclaimer)
    }

    /// Compact JSON with sorted keys: the same stamp always gives the same bytes.
    public func json(pretty: Bool = false) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        // Every field is a plain string, number, bool or null: encoding cannot fail.
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
