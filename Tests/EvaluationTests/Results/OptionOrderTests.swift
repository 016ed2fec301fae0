import Evaluation
import XCTest

/// The shuffled order is pinned: a change of algorithm would silently change every
/// shuffled run. Expected values from this Python, written from the doc comment:
///
/// ```python
/// M = (1 << 64) - 1
/// def fnv(s):
///     h = 0xcbf29ce484222325
///     for b in s.encode("utf-8"):
///         h ^= b; h = (h * 0x100000001b3) & M
///     return h
/// def perm(count, seed, id):
///     st = [fnv(id) ^ seed]
///     def nxt():
///         st[0] = (st[0] + 0x9E3779B97F4A7C15) & M
///         z = st[0]
///         z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
///         z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
///         return z ^ (z >> 31)
///     o = list(range(count))
///     for i in range(count - 1, 0, -1):
///         j = nxt() % (i + 1); o[i], o[j] = o[j], o[i]
///     if o == list(range(count)): o = [(k + 1) % count for k in range(count)]
///     return o
/// ```
final class OptionOrderTests: XCTestCase {
    func testFixedOutputs() {
        XCTAssertEqual(OptionOrder.permutation(count: 4, seed: 0, itemID: "q1"), [2, 0, 3, 1])
        XCTAssertEqual(OptionOrder.permutation(count: 4, seed: 42, itemID: "q1"), [1, 0, 2, 3])
        XCTAssertEqual(OptionOrder.permutation(count: 5, seed: 42, itemID: "q2"), [1, 4, 0, 2, 3])
        XCTAssertEqual(OptionOrder.permutation(count: 2, seed: 7, itemID: "b"), [1, 0])
        XCTAssertEqual(OptionOrder.permutation(count: 4, seed: .max, itemID: "é-ü"), [1, 2, 0, 3])
        XCTAssertEqual(OptionOrder.permutation(count: 3, seed: 0, itemID: ""), [1, 2, 0])
        XCTAssertEqual(OptionOrder.permutation(count: 26, seed: 2026, itemID: "MedQA-0001"),
                       [22, 4, 8, 0, 7, 24, 20, 18, 3, 13, 23, 10, 11, 14, 17, 2, 5, 6, 19, 1, 9, 21, 12, 25, 15, 16])
    }

    /// Seeds whose shuffle comes out as the identity (found with the Python above, before
    /// its last line): rotated by one instead.
    func testTheIdentityIsRotated() {
        XCTAssertEqual(OptionOrder.permutation(count: 3, seed: 2, itemID: "q1"), [1, 2, 0])
        XCTAssertEqual(OptionOrder.permutation(count: 4, seed: 25, itemID: "q1"), [1, 2, 3, 0])
    }

    func testAlwaysAPermutationAndNeverTheIdentity() {
        for count in 2...8 {
            for seed: UInt64 in 0..<50 {
                let order = OptionOrder.permutation(count: count, seed: seed, itemID: "item-\(seed)")
                XCTAssertEqual(order.sorted(), Array(0..<count))
                XCTAssertNotEqual(order, Array(0..<count))
            }
        }
        XCTAssertEqual(OptionOrder.permutation(count: 1, seed: 0, itemID: "x"), [0])
    }
}
