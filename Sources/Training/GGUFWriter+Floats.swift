import GGUF

extension GGUFWriter {
    /// A small all-F32 file in one go (adapters, checkpoints): `values[i]` are tensor i's
    /// floats. Atomic like every `GGUFWriter` file: on any failure nothing is left under `path`.
    static func write(path: String, metadata: [(key: String, value: GGUFValue)], tensors: [Tensor],
                      values: [[Float]]) throws(GGUFWriteError) {
        let writer = try GGUFWriter(path: path, metadata: metadata, tensors: tensors)
        do {
            for v in values { try v.withUnsafeBytes { try writer.append($0) } }
            try writer.finish()
        } catch {
            writer.discard()
            throw (error as? GGUFWriteError) ?? GGUFWriteError(file: path, "\(error)")
        }
    }
}
