/// Scores for open answers and reports against a reference, as the literature reports
/// them: exact match and token F1 after SQuAD's normalisation, and ROUGE-L as Google's
/// `rouge-score` computes it (its tokenizer, no stemming).
public enum TextMetrics {
    /// SQuAD v1.1's normalisation: lower case, punctuation removed, the articles a, an and
    /// the removed, whitespace collapsed.
    public static func squadNormalized(_ text: String) -> [String] {
        let lowered = text.lowercased().filter { !isASCIIPunctuation($0) }
        return lowered.split(whereSeparator: { $0.isWhitespace }).map(String.init).filter { !["a", "an", "the"].contains($0) }
    }

    public static func exactMatch(_ prediction: String, _ reference: String) -> Bool {
        squadNormalized(prediction) == squadNormalized(reference)
    }

    /// The harmonic mean of token precision and recall over the normalised words
    /// (each word counted as often as both sides have it); two empty answers match.
    public static func tokenF1(_ prediction: String, _ reference: String) -> Double {
        let p = squadNormalized(prediction), r = squadNormalized(reference)
        guard !p.isEmpty, !r.isEmpty else { return p == r ? 1 : 0 }
        var counts: [String: Int] = [:]
        for word in r { counts[word, default: 0] += 1 }
        var same = 0
        for word in p where counts[word, default: 0] > 0 {
            counts[word]! -= 1
            same += 1
        }
        guard same > 0 else { return 0 }
        let precision = Double(same) / Double(p.count), recall = Double(same) / Double(r.count)
        return 2 * precision * recall / (precision + recall)
    }

    /// `rouge-score`'s tokens: lower case, every run of characters outside a–z and 0–9 a
    /// separator.
    public static func rougeTokens(_ text: String) -> [String] {
        text.lowercased().split(whereSeparator: { !(("a"..."z").contains($0) || ("0"..."9").contains($0)) }).map(String.init)
    }

    /// ROUGE-L F-measure: the longest common subsequence of the tokens, as precision over
    /// the prediction and recall over the reference.
    public static func rougeL(_ prediction: String, _ reference: String) -> Double {
        let p = rougeTokens(prediction), r = rougeTokens(reference)
        guard !p.isEmpty, !r.isEmpty else { return 0 }
        var previous = [Int](repeating: 0, count: r.count + 1)
        for token in p {
            var row = [Int](repeating: 0, count: r.count + 1)
            for (j, other) in r.enumerated() {
                row[j + 1] = token == other ? previous[j] + 1 : max(previous[j + 1], row[j])
            }
            previous = row
        }
        let lcs = Double(previous[r.count])
        guard lcs > 0 else { return 0 }
        let precision = lcs / Double(p.count), recall = lcs / Double(r.count)
        return 2 * precision * recall / (precision + recall)
    }

    private static func isASCIIPunctuation(_ c: Character) -> Bool {
        guard let ascii = c.asciiValue else { return false }
        return (33...47).contains(ascii) || (58...64).contains(ascii) || (91...96).contains(ascii) || (123...126).contains(ascii)
    }
}
