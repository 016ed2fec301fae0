import Foundation

/// One line of `dataset export`'s JSONL: a signed-off report as a supervised example in
/// the chat `messages` format TRL's SFT trainer takes (the MedGemma notebook's shape) —
/// the case context as the system turn, the images and the report request as the user
/// turn, exactly as the workstation asks for a draft (`ReportPrompt`), and the report as
/// the reviewer signed it as the assistant turn — so a model trained on it is asked at
/// use what it was taught with. Beside `messages`: the case's `study` id (the split key),
/// the sha256 of each image file in order (`images_sha256`, so a training run can check
/// it reads the pictures that were reviewed) and the `reviewer` fields.
public struct DatasetExample: Encodable, Sendable, Equatable {
    public var messages: [DatasetMessage]
    public var study: String
    public var imagesSHA256: [String]
    public var reviewer: ReviewerFields

    enum CodingKeys: String, CodingKey {
        case messages, study, reviewer
        case imagesSHA256 = "images_sha256"
    }

    /// - Parameters:
    ///   - imagePaths: the images' paths as written in the line, in order.
    public init(study: String, system: String, imagePaths: [String], request: String, report: String,
                imagesSHA256: [String], reviewer: ReviewerFields) {
        messages = [
            DatasetMessage(role: "system", content: [.text(system)]),
            DatasetMessage(role: "user", content: imagePaths.map { .image(path: $0) } + [.text(request)]),
            DatasetMessage(role: "assistant", content: [.text(report)]),
        ]
        self.study = study
        self.imagesSHA256 = imagesSHA256
        self.reviewer = reviewer
    }

    /// The line: compact JSON with sorted keys (the same example gives the same bytes) and
    /// no escaped slashes, without the newline.
    public func jsonLine() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Strings and arrays of them only: encoding cannot fail.
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// Every text of the example a protected identifier must not appear in: the three
    /// turns' texts and the image paths.
    var trainingTexts: [String] {
        messages.flatMap(\.content).map { content in
            switch content {
            case .text(let text): return text
            case .image(let path): return path
            }
        }
    }
}
