/// The one component of a DCT frame header (SOF0/SOF1) that the scan must name.
struct JPEGDCTComponent {
    let id: Int
    /// Tq: the DQT slot, 0…3, looked up when the scan decodes (T.81 lets the table come later).
    let quantSlot: Int
}
