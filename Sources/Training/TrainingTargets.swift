import Adapters
import Foundation

/// Which decoder projections a new LoRA updates: `all-linear` (PEFT's, which on the text
/// model is all seven) or a comma list of q, k, v, o, gate, up, down.
public enum TrainingTargets {
    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    public static func parse(_ text: String) throws(ParseError) -> [TextProjection] {
        if text == "all-linear" { return TextProjection.allCases }
        let names: [String: TextProjection] = ["q": .q, "k": .k, "v": .v, "o": .output, "gate": .gate, "up": .up, "down": .down]
        var out: [TextProjection] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = part.trimmingCharacters(in: .whitespaces)
            guard let p = names[name] else {
                throw ParseError(description: "'\(name)' is not a projection: use all-linear or a list of q,k,v,o,gate,up,down")
            }
            if !out.contains(p) { out.append(p) }
        }
        return TextProjection.allCases.filter(out.contains)
    }
}
