import Adapters
import GGUF
import Kernels

/// Everything a run needs to continue bit for bit as if never stopped: the adapter, AdamW's
/// step and moments, the data position, and the settings it ran under (a resume under other
/// settings is refused). One GGUF file — `ADAPTER.gguf.checkpoint` — written atomically:
/// per pair `blk.N.<proj>.weight.lora_a` / `.lora_b` and their moments `….adam_m_a`,
/// `….adam_v_a`, `….adam_m_b`, `….adam_v_b`, all F32; trained copies of the embedding and
/// the output matrix as `token_embd.weight` / `output.weight` with `.adam_m` / `.adam_v`.
public struct TrainingCheckpoint {
    public let adapter: TrainableAdapter
    public let optimizer: AdamW
    public let position: Int
    /// `TrainingSettings.fingerprint` of the run.
    public let settings: String

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public init(adapter: TrainableAdapter, optimizer: AdamW, position: Int, settings: String) {
        self.adapter = adapter
        self.optimizer = optimizer
        self.position = position
        self.settings = settings
    }

    public func write(to path: String) throws(GGUFWriteError) {
        var tensors: [GGUFWriter.Tensor] = []
        var data: [[Float]] = []
        let moments = !optimizer.first.isEmpty
        for (k, (l, p)) in adapter.orderedKeys.enumerated() {
            let pair = adapter.layers[l][p]!, base = "blk.\(l).\(p.ggufName).weight"
            let aShape = [pair.inputs, pair.rank], bShape = [pair.rank, pair.outputs]
            tensors += [GGUFWriter.Tensor(name: base + ".lora_a", shape: aShape, type: .f32),
                        GGUFWriter.Tensor(name: base + ".lora_b", shape: bShape, type: .f32)]
            data += [pair.a, pair.b]
            if moments {
                tensors += [GGUFWriter.Tensor(name: base + ".adam_m_a", shape: aShape, type: .f32),
                            GGUFWriter.Tensor(name: base + ".adam_v_a", shape: aShape, type: .f32),
                            GGUFWriter.Tensor(name: base + ".adam_m_b", shape: bShape, type: .f32),
                            GGUFWriter.Tensor(name: base + ".adam_v_b", shape: bShape, type: .f32)]
                data += [optimizer.first[2 * k], optimizer.second[2 * k], optimizer.first[2 * k + 1], optimizer.second[2 * k + 1]]
            }
        }
        // The copies follow the pairs, as in `forEachParameter` (so do their moments).
        var index = 2 * adapter.orderedKeys.count
        for (name, copy) in [("token_embd.weight", adapter.embedding), ("output.weight", adapter.output)] {
            guard let copy else { continue }
            let shape = [copy.columns, copy.rows]
            tensors.append(GGUFWriter.Tensor(name: name, shape: shape, type: .f32))
            data.append(copy.values)
            if moments {
                tensors += [GGUFWriter.Tensor(name: name + ".adam_m", shape: shape, type: .f32),
                            GGUFWriter.Tensor(name: name + ".adam_v", shape: shape, type: .f32)]
                data += [optimizer.first[index], optimizer.second[index]]
            }
            index += 1
        }
        let o = optimizer
        let metadata: [(key: String, value: GGUFValue)] = [
            ("general.type", .string("medgemma.training-checkpoint")),
            ("adapter.lora.alpha", .float32(adapter.alpha)),
            ("training.rank", .uint32(UInt32(adapter.rank))),
            ("training.step", .uint64(UInt64(o.step))),
            ("training.position", .uint64(UInt64(position))),
            ("training.settings", .string(settings)),
            // As text: Swift's shortest decimal form reads back to the same Double.
            ("training.adam", .string([o.beta1, o.beta2, o.epsilon, o.weightDecay].map { "\($0)" }.joined(separator: " "))),
            ("training.scale", .string("\(adapter.orderedKeys.first.map { adapter.layers[$0.layer][$0.projection]!.scale } ?? 1)")),
        ]
        try GGUFWriter.write(path: path, metadata: metadata, tensors: tensors, values: data)
    }

    public static func read(path: String) throws -> TrainingCheckpoint {
        let file = try GGUFFile(path: path)
        func fail(_ why: String) -> Failure { Failure(description: "\(path): \(why)") }
        guard try file.metadata.string("general.type") == "medgemma.training-checkpoint" else { throw fail("not a training checkpoint") }
        guard let rank = try file.metadata.int("training.rank"), let step = try file.metadata.int("training.step"),
              let position = try file.metadata.int("training.position"), let settings = try file.metadata.string("training.settings"),
              let alpha = try file.metadata.float("adapter.lora.alpha"),
              let adam = try file.metadata.string("training.adam").map({ $0.split(separator: " ").compactMap { Double($0) } }),
              adam.count == 4, let scale = try file.metadata.string("training.scale").flatMap(Float.init)
        else { throw fail("incomplete checkpoint metadata") }
        func values(_ name: String, _ count: Int) throws -> [Float] {
            guard let t = file.tensor(named: name), t.type == .f32, t.info.elementCount == count else { throw fail("missing or malformed '\(name)'") }
            return dequantize(tensor: t)
        }
        var layers: [Int: [TextProjection: LoRAPair]] = [:]
        var first: [[Float]] = [], second: [[Float]] = []
        var order: [(Int, TextProjection, String)] = []
        for info in file.tensorInfos where info.name.hasSuffix(".weight.lora_a") {
            let parts = info.name.split(separator: ".")
            guard parts.count == 5, parts[0] == "blk", let l = Int(parts[1]), let p = TextProjection(ggufName: String(parts[2])),
                  info.shape.count == 2 else { throw fail("unexpected tensor '\(info.name)'") }
            order.append((l, p, String(info.name.dropLast(".lora_a".count))))
        }
        order.sort { ($0.0, TextProjection.allCases.firstIndex(of: $0.1)!) < ($1.0, TextProjection.allCases.firstIndex(of: $1.1)!) }
        let moments = step > 0
        for (l, p, base) in order {
            let a = file.info(named: base + ".lora_a")!, inputs = a.shape[0]
            guard let b = file.info(named: base + ".lora_b"), b.shape.count == 2, b.shape[0] == rank, a.shape[1] == rank else {
                throw fail("'\(base)' has no matching lora_b of rank \(rank)")
            }
            let outputs = b.shape[1]
            let pair = LoRAPair(rank: rank, inputs: inputs, outputs: outputs, scale: scale,
                                a: try values(base + ".lora_a", rank * inputs), b: try values(base + ".lora_b", outputs * rank))
            layers[l, default: [:]][p] = pair
            if moments {
                first += [try values(base + ".adam_m_a", rank * inputs), try values(base + ".adam_m_b", outputs * rank)]
                second += [try values(base + ".adam_v_a", rank * inputs), try values(base + ".adam_v_b", outputs * rank)]
            }
        }
        var copies: [TrainableMatrix?] = []
        for name in ["token_embd.weight", "output.weight"] {
            guard let info = file.info(named: name) else { copies.append(nil); continue }
            guard info.shape.count == 2 else { throw fail("malformed '\(name)'") }
            let (columns, rows) = (info.shape[0], info.shape[1])
            copies.append(TrainableMatrix(rows: rows, columns: columns, values: try values(name, rows * columns)))
            if moments {
                first.append(try values(name + ".adam_m", rows * columns))
                second.append(try values(name + ".adam_v", rows * columns))
            }
        }
        let count = (layers.keys.max() ?? -1) + 1
        let adapter = TrainableAdapter(rank: rank, alpha: Float(alpha), layers: (0..<count).map { layers[$0] ?? [:] },
                                       embedding: copies[0], output: copies[1])
        let optimizer = AdamW(beta1: adam[0], beta2: adam[1], epsilon: adam[2], weightDecay: adam[3],
                              step: step, first: first, second: second)
        return TrainingCheckpoint(adapter: adapter, optimizer: optimizer, position: position, settings: settings)
    }
}
