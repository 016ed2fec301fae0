import Support

/// The bytes of a `.safetensors` file of F32 tensors, laid out as the reference
/// implementation (`safetensors.torch.save_file`, which PEFT's `save_pretrained` calls)
/// lays them out, so a file written here is byte for byte the one Python writes for the
/// same tensors: the 8-byte little-endian header length; the header as compact JSON with
/// `__metadata__` first and then the tensors sorted by name (one dtype, so the reference's
/// order by alignment then name is the name order), each `{"dtype","shape","data_offsets"}`;
/// spaces after the header up to a multiple of 8 bytes, so the data starts aligned; then the
/// tensors' little-endian bytes in the same order with no gaps. `SafeTensorsFile` reads it.
public enum SafeTensorsWriter {
    public struct Tensor: Sendable {
        public let name: String
        /// Outermost dimension first, as PyTorch's `shape`; its product is `values.count`.
        public let shape: [Int]
        /// Row-major.
        public let values: [Float]

        public init(name: String, shape: [Int], values: [Float]) {
            precondition(shape.reduce(1, *) == values.count, "\(name): shape \(shape) does not hold \(values.count) values")
            self.name = name
            self.shape = shape
            self.values = values
        }
    }

    /// The whole file. Names must be distinct (a dictionary key in the header).
    public static func bytes(f32 tensors: [Tensor], metadata: [String: String] = [:]) -> [UInt8] {
        let sorted = tensors.sorted { $0.name < $1.name }
        precondition(Set(sorted.map(\.name)).count == sorted.count, "safetensors tensor names must be distinct")
        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key < $1.key }.map { JSONString.quoted($0.key) + ":" + JSONString.quoted($0.value) }
            entries.append("\"__metadata__\":{" + pairs.joined(separator: ",") + "}")
        }
        var offset = 0
        for t in sorted {
            let end = offset + 4 * t.values.count
            entries.append(JSONString.quoted(t.name) + ":{\"dtype\":\"F32\",\"shape\":[" + t.shape.map(String.init).joined(separator: ",")
                           + "],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var header = Array(("{" + entries.joined(separator: ",") + "}").utf8)
        header += repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8)
        var out: [UInt8] = []
        out.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { out += $0 }
        out += header
        for t in sorted {
            #if _endian(little)
            t.values.withUnsafeBytes { out += $0 }
            #else
            for v in t.values { withUnsafeBytes(of: v.bitPattern.littleEndian) { out += $0 } }
            #endif
        }
        return out
    }
}
