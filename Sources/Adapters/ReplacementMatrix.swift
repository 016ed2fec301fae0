/// A whole weight matrix an adapter brings in place of the model's (`ReplacedModule`),
/// row-major f32 `rows × columns` (vocabulary × hidden for both kinds).
///
/// Read in full: for MedGemma 4B an embedding is 262 144 × 2 560, 2.7 GB as f32 (the file
/// holds it in bf16, 1.3 GB) — a lazier form may be wanted once the model side uses them.
public struct ReplacementMatrix: Equatable, Sendable {
    public let rows: Int
    public let columns: Int
    public let values: [Float]

    public init(rows: Int, columns: Int, values: [Float]) {
        precondition(values.count == rows * columns, "replacement matrix of the wrong size")
        self.rows = rows
        self.columns = columns
        self.values = values
    }
}
