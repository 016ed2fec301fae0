import Support

/// The top-level elements of a parsed file, with typed reads of their values.
///
/// Values are read by what the tag is known to hold, not by the VR in the file,
/// so attributes written as UN (which some converters do) still read correctly.
struct DICOMDataSet: Sendable {
    let bytes: [UInt8]
    let elements: [DICOMTag: DICOMElement]
    /// Latin-1 when Specific Character Set says ISO_IR 100; UTF-8 (lossy) otherwise,
    /// which is exact for the default repertoire (ASCII) and for ISO_IR 192.
    private var latin1 = false

    init(bytes: [UInt8], elements: [DICOMTag: DICOMElement]) {
        self.bytes = bytes
        self.elements = elements
        latin1 = (string(.specificCharacterSet) ?? "").contains("ISO_IR 100")
    }

    func contains(_ tag: DICOMTag) -> Bool { elements[tag] != nil }

    /// The raw value bytes (bounds were checked by the parser).
    func value(_ tag: DICOMTag) -> ArraySlice<UInt8>? {
        guard let element = elements[tag], element.valueOffset >= 0,
              element.length >= 0, element.length <= bytes.count - element.valueOffset else { return nil }
        return bytes[element.valueOffset ..< element.valueOffset + element.length]
    }

    /// A text value with padding (trailing spaces and NULs, leading spaces) removed and
    /// control characters turned into spaces; nil when absent or empty.
    func string(_ tag: DICOMTag) -> String? {
        guard let raw = value(tag) else { return nil }
        let text = latin1 ? String(String.UnicodeScalarView(raw.map { Unicode.Scalar($0) }))
                          : String(decoding: raw, as: UTF8.self)
        let trimmed = OneLine.clean(text).trimmingPadding()
        return trimmed.isEmpty ? nil : trimmed
    }

    /// The backslash-separated values of a multi-valued text attribute, each trimmed.
    func strings(_ tag: DICOMTag) -> [String] {
        guard let text = string(tag) else { return [] }
        return text.split(separator: "\\", omittingEmptySubsequences: false).map { String($0).trimmingPadding() }
    }

    /// The first value of a US attribute (or UL, when a file writes it so).
    func unsigned(_ tag: DICOMTag) -> Int? {
        guard let raw = value(tag), raw.count >= 2 else { return nil }
        let start = raw.startIndex
        var result = Int(raw[start]) | Int(raw[start + 1]) << 8
        if elements[tag]?.vr == "UL", raw.count >= 4 {
            result |= Int(raw[start + 2]) << 16 | Int(raw[start + 3]) << 24
        }
        return result
    }

    /// Decimal-string (DS) or integer-string (IS) values; nil entries where a value does not parse
    /// or is not finite.
    func numbers(_ tag: DICOMTag) -> [Double?] {
        strings(tag).map { text in
            guard let value = Double(text), value.isFinite else { return nil }
            return value
        }
    }
}
