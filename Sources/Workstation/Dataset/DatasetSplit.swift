import Support

/// The train/eval split of `dataset export --split F`: a study goes to evaluation when
/// `position(of:)` of its id is at least F. The position is the first 8 bytes of the
/// sha256 of the id's UTF-8 bytes, big-endian, divided by 2^64: it depends on the id
/// alone, so a study stays on its side however the studies are listed, found or added to,
/// and no report of an evaluation study ever leaks into training on a later export.
public struct DatasetSplit: Sendable, Equatable {
    /// The share of studies (in expectation) that go to training, 0...1.
    public let trainFraction: Double

    public init(trainFraction: Double) {
        self.trainFraction = trainFraction
    }

    /// Where `studyID` falls in [0, 1).
    public static func position(of studyID: String) -> Double {
        var hasher = SHA256()
        hasher.update(Array(studyID.utf8))
        let digest = hasher.finalize()
        let value = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Double(value) / 18_446_744_073_709_551_616.0
    }

    public func isEvaluation(_ studyID: String) -> Bool {
        Self.position(of: studyID) >= trainFraction
    }
}
