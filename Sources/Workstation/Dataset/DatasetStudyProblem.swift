/// Why a study that is signed off still cannot become an example (a report file or an
/// image missing, damaged or changed since the sign-off): one line naming the file.
public struct DatasetStudyProblem: Error, Equatable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
