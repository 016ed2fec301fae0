/// A `.safetensors` file: an 8-byte little-endian header length N, N bytes of JSON naming
/// each tensor's dtype, shape and `data_offsets` (relative to the data section that follows
/// the header) plus an optional `__metadata__` object of strings, then the tensor data.
///
/// The file is memory-mapped read-only (a PEFT folder may hold a 1.3 GB embedding), and
/// everything a hostile header could lie about is checked before a byte of data is
/// trusted: the header length against the file and a 100 MB cap (the reference reader's),
/// UTF-8 and JSON syntax with bounded nesting, every dtype, every dimension non-negative,
/// each byte size computed without overflow and equal to its offsets' span, offsets inside
/// the data section, no two tensors overlapping. Gaps between tensors are allowed (the
/// reference reader refuses them, but they are harmless). Any failure is one
/// `SafeTensorsError` naming the file and, where one is at fault, the tensor.
public final class SafeTensorsFile: @unchecked Sendable {
    public let path: String
    public let fileSize: Int
    /// Where the data section starts: 8 + the header length.
    public let dataOffset: Int
    /// The header's `__metadata__` (empty when absent).
    public let metadata: [String: String]
    /// Tensor names in the header's order.
    public let tensorNames: [String]
    private let tensors: [String: SafeTensor]
    private let mapping: FileMapping

    /// The reference implementation's limit on the header length.
    public static let maxHeaderLength = 100_000_000

    public init(path: String) throws(SafeTensorsError) {
        self.path = path
        let mapping = try FileMapping(path: path)
        self.mapping = mapping
        fileSize = mapping.size
        func fail(_ p: SafeTensorsError.Problem) -> SafeTensorsError { SafeTensorsError(file: path, p) }

        guard fileSize >= 8 else { throw fail(.truncated(fileSize: fileSize)) }
        let length = UInt64(littleEndian: mapping.bytes.loadUnaligned(as: UInt64.self))
        guard length <= UInt64(Self.maxHeaderLength) else { throw fail(.headerTooLarge(length: length)) }
        guard length <= UInt64(fileSize - 8) else { throw fail(.headerPastEnd(length: length, fileSize: fileSize)) }
        dataOffset = 8 + Int(length)
        let dataSize = fileSize - dataOffset

        let header: JSONNode
        do { header = try JSONReader.parse(Array(mapping.bytes[8..<dataOffset])) } catch {
            throw fail(.headerNotJSON(reason: error.text))
        }
        guard case .object(let members) = header else { throw fail(.headerNotObject(found: header.kindName)) }

        var names: [String] = []
        var tensors: [String: SafeTensor] = [:]
        var metadata: [String: String] = [:]
        for (name, entry) in members {
            if name == "__metadata__" {
                guard case .object(let pairs) = entry else { throw fail(.badMetadata(reason: "is \(entry.kindName), not an object")) }
                for (key, value) in pairs {
                    guard let s = value.string else {
                        throw fail(.badMetadata(reason: "'\(SafeTensorsError.shown(key))' is \(value.kindName), not a string"))
                    }
                    metadata[key] = s
                }
                continue
            }
            let tensor = try Self.entry(name, entry, dataOffset: dataOffset, dataSize: dataSize, path: path, mapping: mapping)
            names.append(name)
            tensors[name] = tensor
        }

        // No two tensors may share a byte: sorted by start, each must begin at or after the
        // furthest end seen so far (empty tensors take no bytes and overlap nothing).
        var furthest: (end: Int, name: String)? = nil
        for t in tensors.values.filter({ !$0.fileRange.isEmpty }).sorted(by: { ($0.fileRange.lowerBound, $0.name) < ($1.fileRange.lowerBound, $1.name) }) {
            if let f = furthest, t.fileRange.lowerBound < f.end { throw fail(.overlap(tensor: t.name, other: f.name)) }
            if furthest == nil || t.fileRange.upperBound > furthest!.end { furthest = (t.fileRange.upperBound, t.name) }
        }
        self.tensorNames = names
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The tensor called `name`, or nil.
    public func tensor(named name: String) -> SafeTensor? { tensors[name] }

    /// One header entry checked: `{"dtype": …, "shape": […], "data_offsets": [begin, end]}`.
    private static func entry(_ name: String, _ entry: JSONNode, dataOffset: Int, dataSize: Int,
                              path: String, mapping: FileMapping) throws(SafeTensorsError) -> SafeTensor {
        func fail(_ p: SafeTensorsError.Problem) -> SafeTensorsError { SafeTensorsError(file: path, p) }
        func bad(_ reason: String) -> SafeTensorsError { fail(.badEntry(tensor: name, reason: reason)) }
        guard case .object = entry else { throw bad("entry is \(entry.kindName), not an object") }
        guard let dtypeNode = entry["dtype"] else { throw bad("no dtype") }
        guard let dtypeName = dtypeNode.string else { throw bad("dtype is \(dtypeNode.kindName), not a string") }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else { throw fail(.unknownDType(tensor: name, dtype: dtypeName)) }

        guard let shapeNode = entry["shape"] else { throw bad("no shape") }
        guard case .array(let dims) = shapeNode else { throw bad("shape is \(shapeNode.kindName), not an array") }
        var shape: [Int] = []
        shape.reserveCapacity(dims.count)
        var bytes = dtype.size
        for d in dims {
            guard case .number(let text) = d else { throw bad("shape holds \(d.kindName), not a dimension") }
            guard let n = d.exactInt else {
                if text.hasPrefix("-"), !text.contains("."), !text.lowercased().contains("e") {
                    throw fail(.negativeDimension(tensor: name, dimension: Int.min))
                }
                if !text.contains("."), !text.lowercased().contains("e") { throw fail(.shapeOverflow(tensor: name)) }
                throw bad("shape holds \(text), not a whole number")
            }
            guard n >= 0 else { throw fail(.negativeDimension(tensor: name, dimension: n)) }
            let (product, overflow) = bytes.multipliedReportingOverflow(by: n)
            guard !overflow else { throw fail(.shapeOverflow(tensor: name)) }
            bytes = product
            shape.append(n)
        }

        guard let offsetsNode = entry["data_offsets"] else { throw bad("no data_offsets") }
        guard case .array(let offsets) = offsetsNode, offsets.count == 2,
              offsets.allSatisfy({ if case .number(let t) = $0 { return !t.contains(".") && !t.lowercased().contains("e") } else { return false } }) else {
            throw bad("data_offsets is not two whole numbers [begin, end]")
        }
        guard let begin = offsets[0].exactInt, let end = offsets[1].exactInt, begin >= 0, begin <= end, end <= dataSize else {
            // Beyond Int, negative, reversed or past the data: reported with what can be shown.
            throw fail(.offsetsOutOfRange(tensor: name, begin: offsets[0].exactInt ?? Int.max, end: offsets[1].exactInt ?? Int.max, dataSize: dataSize))
        }
        guard end - begin == bytes else {
            throw fail(.sizeMismatch(tensor: name, shape: shape, dtype: dtype.rawValue, bytes: end - begin))
        }
        return SafeTensor(name: name, dtype: dtype, shape: shape, path: path,
                          fileRange: (dataOffset + begin)..<(dataOffset + end), mapping: mapping)
    }
}
