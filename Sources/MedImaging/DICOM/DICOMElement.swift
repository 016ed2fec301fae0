/// One top-level data element: where its value lies in the file bytes, not a copy.
///
/// Values are decoded on demand (`DICOMDataSet`), so the pixel data is never copied
/// until the pixel decoder converts it, and unused elements cost nothing.
struct DICOMElement: Sendable {
    let tag: DICOMTag
    /// The two-letter VR from an explicit-VR file; nil in implicit VR.
    let vr: String?
    /// Offset of the first value byte in the data set bytes.
    let valueOffset: Int
    /// Value length in bytes (always defined: undefined-length values are sequences,
    /// which are skipped and recorded with the length they turned out to have).
    let length: Int
    /// Pixel data of undefined length in an encapsulated syntax: Basic Offset Table and
    /// fragment items (PS3.5 A.4), read by `DICOMEncapsulatedPixelData`.
    var isEncapsulated = false
}
