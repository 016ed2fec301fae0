import GGUF

/// The `--json` form of `medgemma info`: every metadata value (arrays in full) and the
/// tensor table, so scripts can read anything the file says.
enum GGUFJSON {
    static func render(_ file: GGUFFile) -> String {
        let metadata = file.metadata.keys.map { key in (key, json(file.metadata[key]!)) }
        let tensors = file.tensorInfos.map { t -> JSONValue in
            .object([
                ("name", .string(t.name)),
                ("type", .string(t.type.name)),
                ("shape", .array(t.shape.map { .int($0) })),
                ("offset", .int(t.fileOffset)),
                ("bytes", .int(t.byteCount)),
            ])
        }
        let root: JSONValue = .object([
            ("file", .string(file.path)),
            ("format", .string("gguf")),
            ("version", .int(Int(file.version))),
            ("file_size", .int(file.fileSize)),
            ("alignment", .int(file.alignment)),
            ("data_offset", .int(file.dataOffset)),
            ("parameters", .int(file.tensorInfos.reduce(0) { $0 + $1.elementCount })),
            ("metadata", .object(metadata)),
            ("tensors", .array(tensors)),
        ])
        return root.rendered()
    }

    static func json(_ value: GGUFValue) -> JSONValue {
        switch value {
        case .uint8(let v): return .int(Int(v))
        case .int8(let v): return .int(Int(v))
        case .uint16(let v): return .int(Int(v))
        case .int16(let v): return .int(Int(v))
        case .uint32(let v): return .int(Int(v))
        case .int32(let v): return .int(Int(v))
        case .uint64(let v): return Int(exactly: v).map { .int($0) } ?? .number(Double(v))
        case .int64(let v): return .int(Int(v))
        case .float32(let v): return .float(v)
        case .float64(let v): return .number(v)
        case .bool(let v): return .bool(v)
        case .string(let v): return .string(v)
        case .array(let a): return json(a)
        }
    }

    static func json(_ array: GGUFArray) -> JSONValue {
        switch array {
        case .uint8(let a): return .array(a.map { .int(Int($0)) })
        case .int8(let a): return .array(a.map { .int(Int($0)) })
        case .uint16(let a): return .array(a.map { .int(Int($0)) })
        case .int16(let a): return .array(a.map { .int(Int($0)) })
        case .uint32(let a): return .array(a.map { .int(Int($0)) })
        case .int32(let a): return .array(a.map { .int(Int($0)) })
        case .uint64(let a): return .array(a.map { Int(exactly: $0).map { .int($0) } ?? .number(Double($0)) })
        case .int64(let a): return .array(a.map { .int(Int($0)) })
        case .float32(let a): return .array(a.map { .float($0) })
        case .float64(let a): return .array(a.map { .number($0) })
        case .bool(let a): return .array(a.map { .bool($0) })
        case .string(let a): return .array(a.map { .string($0) })
        case .array(let a): return .array(a.map(json))
        }
    }
}
