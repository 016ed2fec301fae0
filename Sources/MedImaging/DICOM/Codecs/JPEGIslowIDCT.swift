/// The IJG "islow" inverse DCT (jidctint.c of libjpeg 6b, the code inside GDCM and DCMTK),
/// with its dequantisation and range limiting, so a 12-bit lossy JPEG decodes to the very
/// samples GDCM and DCMTK give.
///
/// Why this one: a DCT decoder's output depends on its IDCT's rounding, and the JPEG
/// standard allows any IDCT within tolerance. IJG's is what DICOM toolkits use for 12-bit
/// (libjpeg-turbo 2.1, Debian's, has no 12-bit build). Constants are scaled by 2^13
/// (CONST_BITS); pass 1 (columns) keeps PASS1_BITS more bits, 1 at 12 bits, 2 at 8 bits.
/// The arithmetic is done in 64-bit with wrapping operators, as IJG's INT32 (a C long),
/// with workspace values cut to a C int, so damaged coefficients cannot trap.
struct JPEGIslowIDCT {
    let precision: Int
    private let pass1Bits: Int
    private let rangeMask: Int
    private let center: Int
    private let maximum: Int

    init(precision: Int) {
        self.precision = precision
        pass1Bits = precision == 8 ? 2 : 1
        maximum = (1 << precision) - 1
        rangeMask = maximum * 4 + 3
        center = 1 << (precision - 1)
    }

    private static let constBits = 13
    private static let fix0298631336 = 2446, fix0390180644 = 3196, fix0541196100 = 4433, fix0765366865 = 6270
    private static let fix0899976223 = 7373, fix1175875602 = 9633, fix1501321110 = 12299, fix1847759065 = 15137
    private static let fix1961570560 = 16069, fix2053119869 = 16819, fix2562915447 = 20995, fix3072711026 = 25172

    /// IJG's DESCALE: a right shift rounding half up.
    @inline(__always)
    private static func descale(_ x: Int, _ n: Int) -> Int { (x &+ (1 << (n - 1))) >> n }

    /// IJG's post-IDCT range limit table (jdmaster.c) as arithmetic: the value is taken
    /// modulo 4 × 2^precision (RANGE_MASK), read as signed, shifted by the centre and clipped.
    @inline(__always)
    private func limit(_ x: Int) -> Int {
        var v = x & rangeMask
        if v > rangeMask / 2 { v -= rangeMask + 1 }
        return min(max(v + center, 0), maximum)
    }

    /// The even and odd halves of IJG's 8-point butterfly; `s` reads input k (0…7).
    @inline(__always)
    private static func butterfly(_ s: (Int) -> Int, dcShift: Int) -> [Int] {
        var z2 = s(2), z3 = s(6)
        var z1 = (z2 &+ z3) &* fix0541196100
        var tmp2 = z1 &+ z3 &* -fix1847759065
        var tmp3 = z1 &+ z2 &* fix0765366865
        z2 = s(0); z3 = s(4)
        var tmp0 = (z2 &+ z3) << constBits
        var tmp1 = (z2 &- z3) << constBits
        let tmp10 = tmp0 &+ tmp3, tmp13 = tmp0 &- tmp3, tmp11 = tmp1 &+ tmp2, tmp12 = tmp1 &- tmp2
        tmp0 = s(7); tmp1 = s(5); tmp2 = s(3); tmp3 = s(1)
        z1 = tmp0 &+ tmp3
        z2 = tmp1 &+ tmp2
        z3 = tmp0 &+ tmp2
        var z4 = tmp1 &+ tmp3
        let z5 = (z3 &+ z4) &* fix1175875602
        tmp0 = tmp0 &* fix0298631336
        tmp1 = tmp1 &* fix2053119869
        tmp2 = tmp2 &* fix3072711026
        tmp3 = tmp3 &* fix1501321110
        z1 = z1 &* -fix0899976223
        z2 = z2 &* -fix2562915447
        z3 = z3 &* -fix1961570560
        z4 = z4 &* -fix0390180644
        z3 = z3 &+ z5
        z4 = z4 &+ z5
        tmp0 = tmp0 &+ z1 &+ z3
        tmp1 = tmp1 &+ z2 &+ z4
        tmp2 = tmp2 &+ z2 &+ z3
        tmp3 = tmp3 &+ z1 &+ z4
        return [tmp10 &+ tmp3, tmp11 &+ tmp2, tmp12 &+ tmp1, tmp13 &+ tmp0,
                tmp13 &- tmp0, tmp12 &- tmp1, tmp11 &- tmp2, tmp10 &- tmp3].map { descale($0, dcShift) }
    }

    /// One block: `coefficients` in natural (row-major) order, `quant` likewise; writes the
    /// 8 × 8 samples into `out` at `offset` with row stride `stride`.
    func transform(_ coefficients: [Int], quant: [Int], into out: inout [UInt16], offset: Int, stride: Int) {
        var workspace = [Int](repeating: 0, count: 64)
        let dequantised = (0..<64).map { coefficients[$0] &* quant[$0] }
        for column in 0..<8 {
            if (1..<8).allSatisfy({ dequantised[column + 8 * $0] == 0 }) {
                let dc = Int(Int32(truncatingIfNeeded: dequantised[column] << pass1Bits))
                for row in 0..<8 { workspace[column + 8 * row] = dc }
                continue
            }
            let values = Self.butterfly({ dequantised[column + 8 * $0] }, dcShift: Self.constBits - pass1Bits)
            for row in 0..<8 { workspace[column + 8 * row] = Int(Int32(truncatingIfNeeded: values[row])) }
        }
        for row in 0..<8 {
            let base = 8 * row
            if (1..<8).allSatisfy({ workspace[base + $0] == 0 }) {
                let value = UInt16(limit(Self.descale(workspace[base], pass1Bits + 3)))
                for column in 0..<8 { out[offset + row * stride + column] = value }
                continue
            }
            let values = Self.butterfly({ workspace[base + $0] }, dcShift: Self.constBits + pass1Bits + 3)
            for column in 0..<8 { out[offset + row * stride + column] = UInt16(limit(values[column])) }
        }
    }
}
