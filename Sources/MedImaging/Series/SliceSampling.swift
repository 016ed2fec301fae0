/// Which slices of a volume a multi-slice question shows.
///
/// Google's `high_dimensional_ct_hugging_face.ipynb` shows MedGemma 85 slices spread
/// evenly from the first to the last of the sorted volume, so the model sees the whole
/// extent at a fixed prompt cost whatever the slice thickness. The indices here are
/// `round(i × (count − 1) / (wanted − 1))` for `i` in `0..<wanted` — the first and the last
/// slice always, evenly in between (numpy's `linspace(0, count − 1, wanted)` rounded) —
/// with halves rounded up, in integers, so the choice is exact and the same everywhere.
/// Asking for as many slices as there are, or more, shows every slice; one slice is the
/// middle one.
public enum SliceSampling {
    /// The notebook's number of slices.
    public static let notebookDefault = 85

    /// The 0-based indices, ascending and distinct, of `wanted` slices out of `count`.
    public static func indices(count: Int, wanted: Int) -> [Int] {
        precondition(count > 0 && wanted > 0, "a volume has slices and a question shows at least one")
        if wanted >= count { return Array(0..<count) }
        if wanted == 1 { return [(count - 1) / 2] }
        let steps = wanted - 1, span = count - 1
        // floor(i·span/steps + 1/2) without floating point.
        return (0..<wanted).map { i in (2 * i * span + steps) / (2 * steps) }
    }
}
