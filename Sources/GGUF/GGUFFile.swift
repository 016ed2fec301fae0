/// A parsed GGUF v2/v3 file: header, metadata, tensor table, and zero-copy tensor views
/// into the memory-mapped file.
///
/// Parsing validates everything a hostile file could lie about before trusting it:
/// counts and string lengths against the bytes left, array nesting depth, dimension
/// products against overflow, tensor types, alignment, and every tensor's data range
/// against the file size. Any failure is a `GGUFError` naming the file and the problem.
public final class GGUFFile: @unchecked Sendable {
    public let path: String
    public let version: UInt32
    public let metadata: GGUFMetadata
    /// Tensor infos in file order.
    public let tensorInfos: [GGUFTensorInfo]
    public let alignment: Int
    /// Absolute offset of the tensor data blob.
    public let dataOffset: Int
    public let fileSize: Int
    private let mapping: MappedFile
    private let index: [String: Int]

    /// Deepest nesting of arrays accepted (arrays of arrays of ...).
    static let maxArrayDepth = 4
    /// ggml's GGML_MAX_NAME is 64 including the terminator.
    static let maxTensorNameBytes = 63
    /// Most elements reserved up front from a count the file claims; beyond it arrays grow
    /// as elements are actually read, so memory follows the bytes present, not the claim.
    static let maxReserve = 1 << 16

    /// `residency`: `.mapped` for metadata and tokenizers; model weights ask for
    /// `.memoryIfItFits` (decode streams them from huge pages, `FileResidency`).
    /// A file that will be copied into memory is parsed on its mapping first, so a hostile
    /// or truncated one is refused before any of its bytes are read.
    public convenience init(path: String, residency: FileResidency = .mapped) throws(GGUFError) {
        let mapped = try MappedFile(path: path)
        guard residency.resolved(size: mapped.size) == .memory else {
            try self.init(mapping: mapped)
            return
        }
        _ = try GGUFFile(mapping: mapped)
        try self.init(mapping: MappedFile(path: path, residency: .memory))
    }

    /// The header alone — metadata and the tensor table — of a file whose tensor data may be
    /// absent (a header-only copy of a 27B model, to plan memory before fetching 16 GB).
    /// Its tensors have no views: `tensor(named:)` is nil for every name.
    public convenience init(headerOf path: String) throws(GGUFError) {
        try self.init(mapping: MappedFile(path: path), headerOnly: true)
    }

    /// Where the file's bytes live (`mapped` or `memory`).
    public var residency: FileResidency { mapping.residency }

    /// Whether only the header was read (`init(headerOf:)`): tensor data may lie past the end.
    public let isHeaderOnly: Bool

    /// The bytes all tensors take, as the tensor table gives them (what loading reads).
    public var tensorBytes: Int { tensorInfos.reduce(0) { $0 + $1.byteCount } }

    public init(mapping: MappedFile, headerOnly: Bool = false) throws(GGUFError) {
        let file = mapping.path
        self.path = file
        self.mapping = mapping
        isHeaderOnly = headerOnly
        self.fileSize = mapping.size
        var r = ByteReader(bytes: mapping.bytes, file: file)

        // Header.
        guard mapping.size >= 4 else { throw GGUFError(file: file, .truncated(what: "magic", offset: 0)) }
        let magic = Array(mapping.bytes[0..<4])
        guard magic == Array("GGUF".utf8) else { throw GGUFError(file: file, .notGGUF(magic: magic)) }
        r.seek(to: 4)
        let version = try r.read(UInt32.self, "version")
        if version == 0x0300_0000 || version == 0x0200_0000 { throw GGUFError(file: file, .bigEndian) }
        guard version == 2 || version == 3 else { throw GGUFError(file: file, .unsupportedVersion(version)) }
        self.version = version
        let tensorCount = try r.read(UInt64.self, "tensor count")
        let kvCount = try r.read(UInt64.self, "metadata count")
        // Each metadata pair takes at least 8 (key length) + 4 (type) + 1 bytes; each tensor info 8+4+8+4+8.
        guard kvCount <= UInt64(r.remaining / 13) else { throw GGUFError(file: file, .countTooLarge(what: "metadata", count: kvCount)) }
        guard tensorCount <= UInt64(r.remaining / 32) else { throw GGUFError(file: file, .countTooLarge(what: "tensor", count: tensorCount)) }

        // Metadata.
        var keys: [String] = []
        var values: [String: GGUFValue] = [:]
        keys.reserveCapacity(min(Int(kvCount), Self.maxReserve))
        for i in 0..<Int(kvCount) {
            let key = try r.readString("metadata key #\(i)")
            let rawType = try r.read(UInt32.self, "type of \"\(GGUFError.shown(key))\"")
            guard let type = GGUFValueType(rawValue: rawType) else { throw GGUFError(file: file, .unknownValueType(key: key, type: rawType)) }
            let value = try Self.readValue(type, key: key, depth: 0, reader: &r)
            guard values[key] == nil else { throw GGUFError(file: file, .duplicateKey(key)) }
            keys.append(key)
            values[key] = value
        }
        let metadata = GGUFMetadata(file: file, keys: keys, values: values)
        self.metadata = metadata

        var alignment = 32
        if let v = values["general.alignment"] {
            guard case .uint32(let a) = v else {
                throw GGUFError(file: file, .wrongMetadataType(key: "general.alignment", expected: "uint32", found: v.typeName))
            }
            guard a > 0, a & (a - 1) == 0 else { throw GGUFError(file: file, .badAlignment(UInt64(a))) }
            alignment = Int(a)
        }
        self.alignment = alignment

        // Tensor infos (offsets are relative until data_start is known).
        var pending: [(name: String, shape: [Int], type: GGMLType, offset: UInt64, bytes: Int)] = []
        pending.reserveCapacity(min(Int(tensorCount), Self.maxReserve))
        var index: [String: Int] = [:]
        for i in 0..<Int(tensorCount) {
            let name = try r.readString("name of tensor #\(i)")
            guard !name.isEmpty, name.utf8.count <= Self.maxTensorNameBytes else { throw GGUFError(file: file, .badTensorName(name)) }
            guard index[name] == nil else { throw GGUFError(file: file, .duplicateTensor(name)) }
            let nDims = try r.read(UInt32.self, "dimension count of \"\(name)\"")
            guard (1...4).contains(nDims) else { throw GGUFError(file: file, .badDimensionCount(tensor: name, count: nDims)) }
            var shape: [Int] = []
            // Both the element count and the row count (every dimension after the first) must
            // fit in Int: with ne[0] = 0 the first is 0 while the second can still overflow.
            var elements = 1
            var rows = 1
            for d in 0..<Int(nDims) {
                let ne = try r.read(UInt64.self, "dimension \(d) of \"\(name)\"")
                guard let n = Int(exactly: ne) else { throw GGUFError(file: file, .dimensionOverflow(tensor: name)) }
                let (product, overflow) = elements.multipliedReportingOverflow(by: n)
                guard !overflow else { throw GGUFError(file: file, .dimensionOverflow(tensor: name)) }
                elements = product
                if d > 0 {
                    let (r2, o2) = rows.multipliedReportingOverflow(by: n)
                    guard !o2 else { throw GGUFError(file: file, .dimensionOverflow(tensor: name)) }
                    rows = r2
                }
                shape.append(n)
            }
            let rawType = try r.read(UInt32.self, "type of \"\(name)\"")
            guard let type = GGMLType(rawValue: rawType) else { throw GGUFError(file: file, .unknownTensorType(tensor: name, type: rawType)) }
            let offset = try r.read(UInt64.self, "data offset of \"\(name)\"")
            guard shape[0] % type.blockSize == 0 else {
                throw GGUFError(file: file, .rowNotWholeBlocks(tensor: name, type: type, rowLength: shape[0]))
            }
            // The byte size can overflow even when the element count does not (e.g. [2^62] F32).
            let (rowBytes, o1) = (shape[0] / type.blockSize).multipliedReportingOverflow(by: type.blockBytes)
            let (bytes, o2) = rowBytes.multipliedReportingOverflow(by: rows)
            guard !o1, !o2 else { throw GGUFError(file: file, .dimensionOverflow(tensor: name)) }
            index[name] = i
            pending.append((name, shape, type, offset, bytes))
        }

        // Data section: starts at the next multiple of the alignment.
        let end = r.offset
        let dataOffset = (end + alignment - 1) / alignment * alignment
        self.dataOffset = dataOffset
        var infos: [GGUFTensorInfo] = []
        infos.reserveCapacity(pending.count)
        for t in pending {
            guard t.offset % UInt64(alignment) == 0 else {
                throw GGUFError(file: file, .tensorMisaligned(tensor: t.name, offset: t.offset, alignment: alignment))
            }
            let (start, o1) = UInt64(dataOffset).addingReportingOverflow(t.offset)
            let (stop, o2) = start.addingReportingOverflow(UInt64(t.bytes))
            guard !o1, !o2, headerOnly || stop <= UInt64(mapping.size) else {
                throw GGUFError(file: file, .tensorOutOfBounds(tensor: t.name, end: o1 || o2 ? UInt64.max : stop, fileSize: mapping.size))
            }
            infos.append(GGUFTensorInfo(name: t.name, shape: t.shape, type: t.type, fileOffset: Int(start), byteCount: t.bytes))
        }
        self.tensorInfos = infos
        self.index = index
    }

    private static func readValue(_ type: GGUFValueType, key: String, depth: Int, reader r: inout ByteReader) throws(GGUFError) -> GGUFValue {
        switch type {
        case .uint8: return .uint8(try r.read(UInt8.self, "value of \"\(GGUFError.shown(key))\""))
        case .int8: return .int8(try r.read(Int8.self, "value of \"\(GGUFError.shown(key))\""))
        case .uint16: return .uint16(try r.read(UInt16.self, "value of \"\(GGUFError.shown(key))\""))
        case .int16: return .int16(try r.read(Int16.self, "value of \"\(GGUFError.shown(key))\""))
        case .uint32: return .uint32(try r.read(UInt32.self, "value of \"\(GGUFError.shown(key))\""))
        case .int32: return .int32(try r.read(Int32.self, "value of \"\(GGUFError.shown(key))\""))
        case .uint64: return .uint64(try r.read(UInt64.self, "value of \"\(GGUFError.shown(key))\""))
        case .int64: return .int64(try r.read(Int64.self, "value of \"\(GGUFError.shown(key))\""))
        case .float32: return .float32(try r.readFloat("value of \"\(GGUFError.shown(key))\""))
        case .float64: return .float64(try r.readDouble("value of \"\(GGUFError.shown(key))\""))
        case .bool:
            let b = try r.read(UInt8.self, "value of \"\(GGUFError.shown(key))\"")
            guard b <= 1 else { throw GGUFError(file: r.file, .invalidValue(key: key, reason: "bool byte is \(b), not 0 or 1")) }
            return .bool(b == 1)
        case .string: return .string(try r.readString("value of \"\(GGUFError.shown(key))\""))
        case .array: return .array(try readArray(key: key, depth: depth + 1, reader: &r))
        }
    }

    private static func readArray(key: String, depth: Int, reader r: inout ByteReader) throws(GGUFError) -> GGUFArray {
        guard depth <= maxArrayDepth else { throw GGUFError(file: r.file, .nestingTooDeep(key: key)) }
        let rawType = try r.read(UInt32.self, "array type of \"\(GGUFError.shown(key))\"")
        guard let type = GGUFValueType(rawValue: rawType) else { throw GGUFError(file: r.file, .unknownValueType(key: key, type: rawType)) }
        let count64 = try r.read(UInt64.self, "array length of \"\(GGUFError.shown(key))\"")
        guard count64 <= UInt64(r.remaining / type.minimumEncodedSize) else {
            throw GGUFError(file: r.file, .countTooLarge(what: "array \"\(GGUFError.shown(key))\"", count: count64))
        }
        let n = Int(count64)

        func scalars<T: FixedWidthInteger>(_: T.Type) throws(GGUFError) -> [T] {
            try r.need(n * MemoryLayout<T>.size, "array \"\(GGUFError.shown(key))\"")
            let base = r.bytes.baseAddress! + r.offset
            let out = (0..<n).map { T(littleEndian: base.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self)) }
            r.seek(to: r.offset + n * MemoryLayout<T>.size)
            return out
        }

        if n == 0 {
            switch type {
            case .uint8: return .uint8([])
            case .int8: return .int8([])
            case .uint16: return .uint16([])
            case .int16: return .int16([])
            case .uint32: return .uint32([])
            case .int32: return .int32([])
            case .uint64: return .uint64([])
            case .int64: return .int64([])
            case .float32: return .float32([])
            case .float64: return .float64([])
            case .bool: return .bool([])
            case .string: return .string([])
            case .array: return .array([])
            }
        }
        switch type {
        case .uint8: return .uint8(try scalars(UInt8.self))
        case .int8: return .int8(try scalars(Int8.self))
        case .uint16: return .uint16(try scalars(UInt16.self))
        case .int16: return .int16(try scalars(Int16.self))
        case .uint32: return .uint32(try scalars(UInt32.self))
        case .int32: return .int32(try scalars(Int32.self))
        case .uint64: return .uint64(try scalars(UInt64.self))
        case .int64: return .int64(try scalars(Int64.self))
        case .float32: return .float32(try scalars(UInt32.self).map(Float.init(bitPattern:)))
        case .float64: return .float64(try scalars(UInt64.self).map(Double.init(bitPattern:)))
        case .bool:
            let raw = try scalars(UInt8.self)
            if let bad = raw.first(where: { $0 > 1 }) {
                throw GGUFError(file: r.file, .invalidValue(key: key, reason: "bool byte is \(bad), not 0 or 1"))
            }
            return .bool(raw.map { $0 == 1 })
        case .string:
            var out: [String] = []
            out.reserveCapacity(min(n, maxReserve))
            for i in 0..<n { out.append(try r.readString("element \(i) of \"\(GGUFError.shown(key))\"")) }
            return .string(out)
        case .array:
            var out: [GGUFArray] = []
            for _ in 0..<n { out.append(try readArray(key: key, depth: depth + 1, reader: &r)) }
            return .array(out)
        }
    }

    // MARK: Tensors

    public func info(named name: String) -> GGUFTensorInfo? {
        index[name].map { tensorInfos[$0] }
    }

    /// A zero-copy view of a tensor, or nil when the file has none by that name.
    public func tensor(named name: String) -> GGUFTensor? {
        guard !isHeaderOnly else { return nil }
        return info(named: name).map { GGUFTensor(info: $0, storage: mapping) }
    }

    /// Drops this process's mapping of a tensor's bytes after a single pass over them
    /// (`MappedFile.releasePages`); they are read again from the page cache if needed.
    /// `bytes` (default: all of them) are offsets into the tensor's data.
    public func releasePages(of info: GGUFTensorInfo, bytes: Range<Int>? = nil) {
        let r = bytes ?? 0..<info.byteCount
        mapping.releasePages((info.fileOffset + r.lowerBound)..<(info.fileOffset + min(r.upperBound, info.byteCount)))
    }

    /// Like `tensor(named:)`, but a missing tensor is an error naming the file.
    public func requireTensor(_ name: String) throws(GGUFError) -> GGUFTensor {
        guard let t = tensor(named: name) else { throw GGUFError(file: path, .missingTensor(name)) }
        return t
    }
}
