/// Patient identifiers read from a file, kept apart from the displayable metadata.
///
/// These values must never be sent to the model, written to logs, or put in error
/// messages. To make accidents unlikely, `description`, `debugDescription` and the
/// reflection used by `dump` and `print` all show a redaction, never the values:
/// the only way to the values is through the explicitly named properties.
public struct ProtectedIdentifiers: Sendable, Equatable, CustomStringConvertible,
                                    CustomDebugStringConvertible, CustomReflectable {
    /// Patient's Name (0010,0010), as stored ("Family^Given").
    public let patientName: String?
    /// Patient ID (0010,0020).
    public let patientID: String?

    public init(patientName: String? = nil, patientID: String? = nil) {
        self.patientName = patientName
        self.patientID = patientID
    }

    public static let none = ProtectedIdentifiers()

    public var isEmpty: Bool { patientName == nil && patientID == nil }

    public var description: String { isEmpty ? "<no identifiers>" : "<identifiers redacted>" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
