import Adapters
import GGUF
import Kernels

/// A base model with LoRA adapters folded into its weights, written as a new GGUF file that
/// llama.cpp (or this engine) loads without the adapters: for every projection an adapter
/// updates, `W' = W + Σ userScale · scale · B · A` — the same update the model applies on
/// the fly (`LoRAUpdate`), computed once.
///
/// Only those projections are re-quantized (to `type`); every other tensor is copied byte
/// for byte, so the merged file differs from the base exactly where the adapters act. The
/// base is read through its mapping and the result streamed out a tile of rows at a time
/// (`GGUFWriter`), so memory stays at a few tiles whatever the model's size.
public struct AdapterMerge {
    /// One tensor of the output: where it comes from and what is done to it.
    public struct Entry {
        public let info: GGUFTensorInfo
        /// The type it is written in (the base's for a copied tensor).
        public let type: GGMLType
        /// The updates folded in, each with its factor (the adapter's user scale); empty for a copy.
        public let updates: [(update: LoRAUpdate, factor: Float)]

        public var isMerged: Bool { !updates.isEmpty }
    }

    public let base: GGUFFile
    public let adapters: [ModelAdapter]
    public let type: ExportType
    /// Every tensor of the base, in its order.
    public let entries: [Entry]

    /// The metadata key listing the adapters merged in, one "name sha256 scale" string each
    /// (appended to when a merged file is merged again).
    public static let adaptersKey = "medgemma.merged_adapters"

    /// Rows handled per tile: the tile's Float rows take at most about this many bytes.
    static let tileBytes = 8 << 20

    /// Plans the merge: every update must find its projection, with its shape, in `base`.
    public init(base: GGUFFile, adapters: [ModelAdapter], type: ExportType) throws(AdapterMergeError) {
        self.base = base
        self.adapters = adapters
        self.type = type
        var updates: [String: [(update: LoRAUpdate, factor: Float)]] = [:]
        for adapter in adapters where adapter.userScale != 0 {
            // The merged file is the text model: a tower update belongs in an mmproj, and a
            // replaced matrix is not a sum — neither is dropped without a word.
            if adapter.changesVision {
                throw AdapterMergeError("\(adapter.name): it updates the vision tower too; export writes the text model only — apply it with --lora instead")
            }
            if adapter.replacesMatrices {
                let which = adapter.tokenEmbedding != nil ? "embed_tokens" : "lm_head"
                throw AdapterMergeError("\(adapter.name): it replaces the whole '\(which)' (modules_to_save); export merges LoRA updates only — apply it with --lora instead")
            }
            for (l, layer) in adapter.layers.enumerated() {
                for target in TextProjection.allCases {
                    guard let u = layer[target] else { continue }
                    let name = "blk.\(l).\(target.ggufName).weight"
                    guard let info = base.info(named: name) else {
                        throw AdapterMergeError("\(base.path): no tensor '\(name)' for adapter \(adapter.name) to update")
                    }
                    guard info.shape == [u.inputs, u.outputs] else {
                        throw AdapterMergeError("\(base.path): '\(name)' is \(info.shape) (ne); adapter \(adapter.name) updates [\(u.inputs), \(u.outputs)]")
                    }
                    updates[name, default: []].append((u, adapter.userScale))
                }
            }
        }
        var entries: [Entry] = []
        for info in base.tensorInfos {
            guard let u = updates[info.name] else {
                entries.append(Entry(info: info, type: info.type, updates: []))
                continue
            }
            guard let out = type.type(for: info) else {
                throw AdapterMergeError("\(base.path): '\(info.name)' is \(info.type.name), which export cannot re-quantize to; choose --type (\(ExportType.names.dropFirst().joined(separator: ", ")))")
            }
            entries.append(Entry(info: info, type: out, updates: u))
        }
        self.entries = entries
    }

    /// The base's metadata, in its order, with `general.file_type` set for `type` (kept for
    /// `same`) and the adapters named under `adaptersKey`.
    public var metadata: [(key: String, value: GGUFValue)] {
        var pairs = base.metadata.pairs
        if let ftype = type.fileType {
            if let i = pairs.firstIndex(where: { $0.key == "general.file_type" }) {
                pairs[i].value = .uint32(ftype)
            } else {
                pairs.append(("general.file_type", .uint32(ftype)))
            }
        }
        let stamps = adapters.map { "\($0.name) \($0.sha256) \($0.userScale)" }
        if let i = pairs.firstIndex(where: { $0.key == Self.adaptersKey }) {
            if case .array(.string(let earlier)) = pairs[i].value { pairs[i].value = .array(.string(earlier + stamps)) }
            else { pairs[i].value = .array(.string(stamps)) }
        } else {
            pairs.append((Self.adaptersKey, .array(.string(stamps))))
        }
        return pairs
    }

    /// Writes the merged model to `path` (through `path.partial`, renamed when complete).
    /// `progress(i, n, name)` is called before each tensor. When `isCancelled` turns true
    /// (Ctrl-C) the write stops before the next tensor, `path.partial` is removed and
    /// `AdapterMergeError.interrupted` thrown: nothing is left behind.
    public func write(to path: String, progress: (Int, Int, String) -> Void = { _, _, _ in },
                      isCancelled: () -> Bool = { false }) throws(AdapterMergeError) {
        let tensors = entries.map { GGUFWriter.Tensor(name: $0.info.name, shape: $0.info.shape, type: $0.type) }
        let writer: GGUFWriter
        do {
            writer = try GGUFWriter(path: path, metadata: metadata, tensors: tensors)
        } catch {
            throw AdapterMergeError(error.description)
        }
        do {
            for (i, entry) in entries.enumerated() {
                if isCancelled() {
                    writer.discard()
                    throw AdapterMergeError.interrupted(path)
                }
                progress(i, entries.count, entry.info.name)
                let tensor = try base.requireTensor(entry.info.name)
                if entry.isMerged {
                    try merge(entry, tensor, into: writer)
                    base.releasePages(of: entry.info)
                } else {
                    try copy(tensor, into: writer)
                }
            }
            try writer.finish()
        } catch let error as AdapterMergeError {
            throw error
        } catch let error as GGUFWriteError {
            writer.discard()
            throw AdapterMergeError(error.description)
        } catch {
            writer.discard()
            throw AdapterMergeError("\(error)")
        }
    }

    /// A tensor no adapter touches: its bytes as they are, a slice at a time, each slice's
    /// pages of the mapped base let go once written (an embedding table is hundreds of MB).
    private func copy(_ tensor: GGUFTensor, into writer: GGUFWriter) throws(GGUFWriteError) {
        var start = 0
        while start < tensor.data.count {
            let end = min(tensor.data.count, start + Self.copySlice)
            try writer.append(UnsafeRawBufferPointer(rebasing: tensor.data[start..<end]))
            base.releasePages(of: tensor.info, bytes: start..<end)
            start = end
        }
    }

    /// Bytes of an untouched tensor copied at a time.
    static let copySlice = 16 << 20

    /// One updated projection, a tile of rows at a time: dequantized, the updates added
    /// (`W[rows] += factor·scale·B[rows] · A`, one sgemm per update), quantized, appended.
    /// A tile's rows are split over the cores.
    private func merge(_ entry: Entry, _ tensor: GGUFTensor, into writer: GGUFWriter) throws(GGUFWriteError) {
        let n = entry.info.rowLength, rows = entry.info.rowCount
        let tile = max(1, min(rows, Self.tileBytes / (4 * n)))
        let outRow = entry.type.rowBytes(count: n)!
        let floats = UnsafeMutablePointer<Float>.allocate(capacity: tile * n)
        let bytes = UnsafeMutableRawPointer.allocate(byteCount: tile * outRow, alignment: 64)
        defer { floats.deallocate(); bytes.deallocate() }
        let (fp, bp) = (floats, bytes)
        var start = 0
        while start < rows {
            let count = min(tile, rows - start), first = start
            let pieces = max(1, min(count / 8, WorkerThreads.count * 2))
            parallelFor(pieces) { piece in
                let lo = count * piece / pieces, hi = count * (piece + 1) / pieces
                guard hi > lo else { return }
                let w = fp + lo * n
                for r in lo..<hi {
                    dequantize(tensor.type, tensor.row(first + r), into: UnsafeMutableBufferPointer(start: w + (r - lo) * n, count: n))
                }
                for (u, factor) in entry.updates {
                    Self.addUpdate(u, factor: factor, rows: (first + lo)..<(first + hi), into: w)
                }
                quantize(entry.type, UnsafeBufferPointer(start: w, count: (hi - lo) * n),
                         into: UnsafeMutableRawBufferPointer(start: bp + lo * outRow, count: (hi - lo) * outRow))
            }
            try writer.append(UnsafeRawBufferPointer(start: bytes, count: count * outRow))
            start += count
        }
    }

    /// `w[rows] += factor · scale · B[rows] · A` for the weight rows (outputs) `rows`, `w`
    /// holding those rows of `inputs` values.
    static func addUpdate(_ u: LoRAUpdate, factor: Float, rows: Range<Int>, into w: UnsafeMutablePointer<Float>) {
        let s = factor * u.scale
        var scaledB = [Float](repeating: 0, count: rows.count * u.rank)
        u.b.withUnsafeBufferPointer { b in
            for i in 0..<(rows.count * u.rank) { scaledB[i] = s * b[rows.lowerBound * u.rank + i] }
        }
        scaledB.withUnsafeBufferPointer { sb in
            u.a.withUnsafeBufferPointer { a in
                sgemm(m: rows.count, n: u.inputs, k: u.rank, a: sb.baseAddress!, lda: u.rank, b: a.baseAddress!, ldb: u.inputs,
                      transposeB: false, c: w, ldc: u.inputs, accumulate: true)
            }
        }
    }
}
