import Foundation
import Support

/// Server text quoted in an error, made one line (Support's `OneLine`).
enum OneLineText {
    static func clean(_ text: String, limit: Int) -> String {
        OneLine.clean(text.trimmingCharacters(in: .whitespacesAndNewlines), limit: limit)
    }
}
