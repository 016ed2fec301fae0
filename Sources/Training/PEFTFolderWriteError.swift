import Support

/// Why a PEFT adapter folder could not be written: one line naming the folder (the one asked
/// for, not its temporary stand-in) and the problem.
public struct PEFTFolderWriteError: Error, Equatable, CustomStringConvertible, Sendable {
    public let folder: String
    public let reason: String

    public init(folder: String, _ reason: String) {
        self.folder = folder
        self.reason = reason
    }

    public var description: String {
        "\(OneLine.clean(folder, controls: .escaped)): cannot write the PEFT adapter: \(OneLine.clean(reason, controls: .escaped))"
    }
}
