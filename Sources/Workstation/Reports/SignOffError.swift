/// Why a `:signoff` line was not taken; each says what to type instead.
public enum SignOffError: Error, Equatable, CustomStringConvertible {
    /// Fewer than a name and a role.
    case usage
    /// `edited`/`accepted`: earlier names that are no sign-off.
    case unknownStatus(String)
    /// The editor cannot tell whether the text was changed, and no status was given.
    case statusNeeded
    /// The status given is not what the comparison with the model's draft says.
    case contradicts(named: ReviewStatus, edited: Bool)

    public static let form = ":signoff NAME ROLE [final|amended]"

    public var description: String {
        switch self {
        case .usage:
            return "sign-off needs a name and a role: \(Self.form)"
        case .unknownStatus(let word):
            return "'\(word)' is no sign-off status: final (as drafted) or amended (changed): \(Self.form)"
        case .statusNeeded:
            return "there is no model draft to compare with: say final or amended (\(Self.form))"
        case .contradicts(let named, let edited):
            return edited
                ? "the text differs from the model's draft, so it is amended, not \(named.rawValue)"
                : "the text is the model's draft unchanged, so it is final, not \(named.rawValue)"
        }
    }
}
