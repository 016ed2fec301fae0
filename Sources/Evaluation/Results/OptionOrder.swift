/// The order the options are shown in for the second pass of `--shuffle-options`: a fixed
/// function of the item's id and the run's seed, so a resumed run shows each item as
/// before and every machine shows the same order.
///
/// The algorithm, which must not drift (results record the permutation, and tests pin
/// its outputs): h = FNV-1a 64 of the id's UTF-8 bytes; state = h XOR seed; a SplitMix64
/// generator on that state drives Fisher–Yates over 0..<count, from i = count − 1 down to
/// 1 swapping i with j = next() mod (i + 1). The modulo's bias is below 2⁻⁵⁸ for 26 options.
/// If the result is the identity it is rotated by one (`[1, 2, …, count − 1, 0]`), so the
/// second pass always shows a different order.
public enum OptionOrder {
    /// `permutation[k]` is the original index of the option shown at position k.
    public static func permutation(count: Int, seed: UInt64, itemID: String) -> [Int] {
        guard count >= 2 else { return Array(0..<max(count, 0)) }
        var state = fnv1a64(itemID) ^ seed
        var order = Array(0..<count)
        for i in stride(from: count - 1, through: 1, by: -1) {
            let j = Int(splitMix64(&state) % UInt64(i + 1))
            order.swapAt(i, j)
        }
        if order == Array(0..<count) { order = (0..<count).map { ($0 + 1) % count } }
        return order
    }

    static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }

    static func splitMix64(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
