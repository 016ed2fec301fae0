import GGUF

#if arch(x86_64)
import KernelsAVX512
#endif

/// 32 weight rows unpacked for the matrix kernels, reused panel after panel by one thread.
///
/// `codes`: for every 4 values of the row length, 32 rows × 4 bytes, so one step of the
/// kernel reads two 64-byte vectors whose 32-bit lane r holds row r's next 4 codes.
/// `scales`, `mins`: per group, 32 rows of Floats. Rows past the matrix's end are zero.
/// Unpacking costs about one pass over the weights per prompt batch, shared by every token
/// of the batch: rows are unpacked one after another into `stage` (row-major codes), then
/// interleaved into `codes` by a vector transpose.
final class WeightPanel {
    let format: PanelFormat
    let rowLength: Int
    let groups: Int
    let codes: UnsafeMutableRawPointer
    let scales: UnsafeMutablePointer<Float>
    let mins: UnsafeMutablePointer<Float>
    /// The 32 rows' codes, row after row, before they are interleaved.
    private let stage: UnsafeMutablePointer<UInt8>
    /// One row's scales and minimums.
    private let rowScales: UnsafeMutablePointer<Float>
    private let rowMins: UnsafeMutablePointer<Float>

    init(format: PanelFormat, rowLength: Int) {
        precondition(rowLength % format.groupSize == 0 && rowLength % format.type.blockSize == 0,
                     "\(rowLength) values are not whole \(format.type) blocks")
        self.format = format
        self.rowLength = rowLength
        groups = rowLength / format.groupSize
        let rows = PanelFormat.panelRows
        codes = .allocate(byteCount: rows * rowLength, alignment: 64)
        scales = .allocate(capacity: rows * groups)
        mins = .allocate(capacity: rows * groups)
        stage = .allocate(capacity: rows * rowLength)
        rowScales = .allocate(capacity: groups)
        rowMins = .allocate(capacity: groups)
        // Formats without a minimum never write one: keep those zero.
        rowMins.initialize(repeating: 0, count: groups)
    }

    deinit {
        codes.deallocate()
        scales.deallocate()
        mins.deallocate()
        stage.deallocate()
        rowScales.deallocate()
        rowMins.deallocate()
    }

    /// Unpacks `count` (≤ 32) rows starting at `first`, `rowBytes` apart; the rest are zeroed.
    func pack(_ first: UnsafeRawPointer, rowBytes: Int, count: Int) {
        let rows = PanelFormat.panelRows
        precondition(count > 0 && count <= rows, "a panel holds 1…32 rows")
        for r in 0..<rows {
            if r < count {
                unpackRow(first + r * rowBytes, into: stage + r * rowLength)
            } else {
                (stage + r * rowLength).initialize(repeating: 0, count: rowLength)
                rowScales.initialize(repeating: 0, count: groups)
                rowMins.initialize(repeating: 0, count: groups)
            }
            for g in 0..<groups {
                scales[g * rows + r] = rowScales[g]
                mins[g * rows + r] = rowMins[g]
            }
        }
        #if arch(x86_64)
        if KernelPath.active == .avx512vnni {
            avx512InterleavePanel(stage: stage, stageStride: rowLength, steps: rowLength / 4, into: codes)
            return
        }
        #endif
        let words = codes.assumingMemoryBound(to: UInt32.self)
        for r in 0..<rows {
            let src = UnsafeRawPointer(stage + r * rowLength)
            for s in 0..<(rowLength / 4) { words[s * rows + r] = src.loadUnaligned(fromByteOffset: 4 * s, as: UInt32.self) }
        }
    }

    /// Whether the AVX-512 unpacking of Q4_K / Q6_K codes runs (on the AVX-512 path).
    private var vectorUnpack: Bool {
        #if arch(x86_64)
        return KernelPath.active == .avx512vnni
        #else
        return false
        #endif
    }

    /// The eight group scales and minimums of the Q4_K/Q5_K super-block at `x`.
    private func q4KScales(_ x: UnsafeRawPointer, block b: Int) {
        let d = x.half(0), dmin = x.half(2)
        for j in 0..<8 {
            let (sc, m) = q4KScaleMin(x + 4, j)
            rowScales[8 * b + j] = d * Float(sc)
            rowMins[8 * b + j] = dmin * Float(m)
        }
    }

    /// One stored row → codes at `rowCodes`, and `rowScales`, `rowMins` (the table in `PanelFormat`).
    private func unpackRow(_ p: UnsafeRawPointer, into rowCodes: UnsafeMutablePointer<UInt8>) {
        let n = rowLength
        switch format.type {
        case .q4_0:
            for b in 0..<n / 32 {
                let x = p + 18 * b
                rowScales[b] = x.half(0)
                splitNibbles(x.bytes(2), into: rowCodes + 32 * b)
            }
        case .q5_0:
            for b in 0..<n / 32 {
                let x = p + 22 * b
                rowScales[b] = x.half(0)
                splitNibbles(x.bytes(6), into: rowCodes + 32 * b)
                addFifthBits(x.u32(2), into: rowCodes + 32 * b)
            }
        case .q8_0:
            for b in 0..<n / 32 {
                let x = p + 34 * b
                rowScales[b] = x.half(0)
                let q = x.bytes(2), out = rowCodes + 32 * b
                for j in 0..<32 { out[j] = q[j] ^ 0x80 }
            }
        case .q4_1:
            for b in 0..<n / 32 {
                let x = p + 20 * b
                rowScales[b] = x.half(0)
                rowMins[b] = -x.half(2)
                splitNibbles(x.bytes(4), into: rowCodes + 32 * b)
            }
        case .q5_1:
            for b in 0..<n / 32 {
                let x = p + 24 * b
                rowScales[b] = x.half(0)
                rowMins[b] = -x.half(2)
                splitNibbles(x.bytes(8), into: rowCodes + 32 * b)
                addFifthBits(x.u32(4), into: rowCodes + 32 * b)
            }
        case .q4_K where vectorUnpack:
            for b in 0..<n / 256 { q4KScales(p + 144 * b, block: b) }
            #if arch(x86_64)
            avx512UnpackQ4KCodes(p, blocks: n / 256, into: rowCodes)
            #endif
        case .q6_K where vectorUnpack:
            for b in 0..<n / 256 {
                let d = p.half(210 * b + 208)
                for j in 0..<16 { rowScales[16 * b + j] = d * Float(p.i8(210 * b + 192 + j)) }
            }
            #if arch(x86_64)
            avx512UnpackQ6KCodes(p, blocks: n / 256, into: rowCodes)
            #endif
        case .q4_K, .q5_K:
            let five = format.type == .q5_K
            let blockBytes = five ? 176 : 144
            for b in 0..<n / 256 {
                let x = p + blockBytes * b
                q4KScales(x, block: b)
                let qs = x.bytes(five ? 48 : 16), qh = x.bytes(16)
                for c in 0..<4 {
                    let q = qs + 32 * c, out = rowCodes + 256 * b + 64 * c
                    for l in 0..<32 {
                        out[l] = q[l] & 0x0F
                        out[l + 32] = q[l] >> 4
                    }
                    if five {
                        let lo = UInt8(2 * c), hi = UInt8(2 * c + 1)
                        for l in 0..<32 {
                            out[l] |= ((qh[l] >> lo) & 1) << 4
                            out[l + 32] |= ((qh[l] >> hi) & 1) << 4
                        }
                    }
                }
            }
        case .q6_K:
            for b in 0..<n / 256 {
                let x = p + 210 * b
                let d = x.half(208)
                for j in 0..<16 { rowScales[16 * b + j] = d * Float(x.i8(192 + j)) }
                for h in 0..<2 {
                    let ql = x.bytes(64 * h), qh = x.bytes(128 + 32 * h), out = rowCodes + 256 * b + 128 * h
                    for l in 0..<32 {
                        out[l] = (ql[l] & 0x0F) | (qh[l] & 3) << 4
                        out[l + 32] = (ql[l + 32] & 0x0F) | ((qh[l] >> 2) & 3) << 4
                        out[l + 64] = (ql[l] >> 4) | ((qh[l] >> 4) & 3) << 4
                        out[l + 96] = (ql[l + 32] >> 4) | ((qh[l] >> 6) & 3) << 4
                    }
                }
            }
        case .f32, .f16, .bf16, .q2_K, .q3_K, .q8_1, .q8_K:
            preconditionFailure("\(format.type) has no panel layout")
        }
    }
}

/// 16 bytes of nibbles → 32 codes: low nibbles are values 0–15, high nibbles 16–31.
@inline(__always)
private func splitNibbles(_ q: UnsafePointer<UInt8>, into out: UnsafeMutablePointer<UInt8>) {
    for j in 0..<16 {
        out[j] = q[j] & 0x0F
        out[j + 16] = q[j] >> 4
    }
}

/// Bit j of `qh` is the fifth bit of value j (Q5_0, Q5_1).
@inline(__always)
private func addFifthBits(_ qh: UInt32, into out: UnsafeMutablePointer<UInt8>) {
    for j in 0..<32 { out[j] |= UInt8((qh >> UInt32(j)) & 1) << 4 }
}
