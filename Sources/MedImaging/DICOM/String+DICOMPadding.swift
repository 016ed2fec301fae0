/// DICOM pads text values to even length with spaces (UIDs with a NUL); readers strip both.
extension String {
    /// Strips DICOM value padding: spaces and NULs at both ends.
    func trimmingPadding() -> String {
        let scalars = unicodeScalars
        let isPad: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\0" }
        guard let first = scalars.firstIndex(where: { !isPad($0) }),
              let last = scalars.lastIndex(where: { !isPad($0) }) else { return "" }
        return String(scalars[first...last])
    }
}
