import MedImaging
import Support

/// "Compare with prior" (MedGemma 1.5's longitudinal chest X-ray task): a case image and
/// the prior its `case.json` lists, sent in one user turn as the longitudinal task reads —
/// "Prior study (2024-03-01):" and its picture, "Current study (2025-01-10):" and its
/// picture, then the question — so the model sees which is older and by how much.
///
/// The workstation's palette action and `ask --compare-prior` both build it here, so the
/// two send the same turn.
public struct PriorComparison: Sendable {
    /// 1-based number of the case image.
    public let imageNumber: Int
    public let current: StudyImage
    public let prior: StudyImage
    public let currentDate: String
    public let priorDate: String

    /// The question sent when the user gives none.
    public static let defaultQuestion = "Compare the current study with the prior study. "
        + "Describe what is new, what has changed and what is stable."

    /// Image `imageNumber` of `study` and its prior; nil when the study has no such image,
    /// the image lists no prior, or the case gives no date (`CaseFile` requires one then).
    public init?(study: Study, imageNumber: Int) {
        let i = imageNumber - 1
        guard let caseFile = study.caseFile, study.images.indices.contains(i), study.priors.indices.contains(i),
              let prior = study.priors[i], let priorDate = caseFile.images[i].prior?.date, let date = caseFile.date else { return nil }
        self.imageNumber = imageNumber
        current = study.images[i]
        self.prior = prior
        currentDate = date
        self.priorDate = priorDate
    }

    /// The first image of `study` that lists a prior.
    public static func first(in study: Study) -> PriorComparison? {
        study.images.indices.lazy.compactMap { PriorComparison(study: study, imageNumber: $0 + 1) }.first
    }

    public var priorLabel: String { "Prior study (\(priorDate)):" }
    public var currentLabel: String { "Current study (\(currentDate)):" }

    /// Both pictures as the model is shown them (the case's window, `ImagePreparation`),
    /// prior first, each with its label. `shown`: the current image's picture as the
    /// reader sees it (a series' shown slice, `StudyImage.slice(at:)`); by default the
    /// picture the entry opens on. A missing or unreadable file is a one-line error naming it.
    public func attachments(modelImageSize: Int?,
                            shown: (image: MedicalImage, frame: Int, shown: StudyImage)? = nil) throws -> [ImageAttachment] {
        try [(prior, priorLabel, nil), (current, currentLabel, shown)].map { item, label, given in
            if let problem = item.problem { throw PriorComparisonError(message: problem) }
            do {
                let picture = try given ?? item.loadFirstPicture()
                return try ImagePreparation.attachment(for: picture.shown, image: picture.image, frame: picture.frame,
                                                       modelImageSize: modelImageSize).labelled(label)
            } catch {
                throw PriorComparisonError(message: "\(OneLine.clean(item.path)): \(error)")
            }
        }
    }
}
