/// The byte encoding of GGUF metadata (little-endian, as `GGUFFile` reads it and gguf-py's
/// `GGUFWriter._pack_val` writes it): a string is a u64 byte count and its UTF-8 bytes; an
/// array is its element type (u32), its count (u64) and the elements without type ids; an
/// element that is itself an array is written the same way, type and count first.
enum GGUFEncoding {
    static func append<T: FixedWidthInteger>(_ v: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }

    static func append(string s: String, to out: inout [UInt8]) {
        let bytes = Array(s.utf8)
        append(UInt64(bytes.count), to: &out)
        out.append(contentsOf: bytes)
    }

    /// A key/value pair: the key, the value's type id, the value.
    static func append(key: String, value: GGUFValue, to out: inout [UInt8]) {
        append(string: key, to: &out)
        append(value.valueType.rawValue, to: &out)
        append(value: value, to: &out)
    }

    /// A value without its type id.
    static func append(value: GGUFValue, to out: inout [UInt8]) {
        switch value {
        case .uint8(let v): append(v, to: &out)
        case .int8(let v): append(v, to: &out)
        case .uint16(let v): append(v, to: &out)
        case .int16(let v): append(v, to: &out)
        case .uint32(let v): append(v, to: &out)
        case .int32(let v): append(v, to: &out)
        case .uint64(let v): append(v, to: &out)
        case .int64(let v): append(v, to: &out)
        case .float32(let v): append(v.bitPattern, to: &out)
        case .float64(let v): append(v.bitPattern, to: &out)
        case .bool(let v): out.append(v ? 1 : 0)
        case .string(let s): append(string: s, to: &out)
        case .array(let a): append(array: a, to: &out)
        }
    }

    /// An array: element type, count, elements (NaN payloads and -0.0 kept: bit patterns).
    static func append(array a: GGUFArray, to out: inout [UInt8]) {
        append(a.elementType.rawValue, to: &out)
        append(UInt64(a.count), to: &out)
        switch a {
        case .uint8(let v): out.append(contentsOf: v)
        case .int8(let v): v.forEach { append($0, to: &out) }
        case .uint16(let v): v.forEach { append($0, to: &out) }
        case .int16(let v): v.forEach { append($0, to: &out) }
        case .uint32(let v): v.forEach { append($0, to: &out) }
        case .int32(let v): v.forEach { append($0, to: &out) }
        case .uint64(let v): v.forEach { append($0, to: &out) }
        case .int64(let v): v.forEach { append($0, to: &out) }
        case .float32(let v): v.forEach { append($0.bitPattern, to: &out) }
        case .float64(let v): v.forEach { append($0.bitPattern, to: &out) }
        case .bool(let v): v.forEach { out.append($0 ? 1 : 0) }
        case .string(let v): v.forEach { append(string: $0, to: &out) }
        case .array(let v): v.forEach { append(array: $0, to: &out) }
        }
    }
}
