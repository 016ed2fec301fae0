/// Raw DEFLATE (RFC 1951) decoding, for the Deflated Explicit VR Little Endian syntax.
///
/// Written here rather than taken from zlib because the package reaches C libraries only
/// through module-mapped targets, and this rare syntax does not justify another one.
/// It follows the structure of zlib's reference decoder "puff": canonical Huffman
/// codes decoded bit by bit, which is slow-ish but simple to get right.
///
/// Hostile input cannot hang it or exhaust memory: every step consumes input bits or
/// produces output, and the output is refused past `limit` bytes (a "deflate bomb"
/// expands about 1000:1, so the limit, not the input size, is what bounds memory).
struct DICOMInflater {
    enum Failure: Error, Equatable {
        case truncated
        case corrupt(String)
        case tooLarge
    }

    /// A canonical Huffman code: how many codes of each length, and the symbols in code order.
    private struct Huffman {
        var counts = [Int](repeating: 0, count: 16)
        var symbols: [Int]

        /// Whether the lengths describe more codes than bits allow (a damaged stream).
        private(set) var isOversubscribed = false

        init(lengths: ArraySlice<Int>) {
            symbols = [Int](repeating: 0, count: lengths.count)
            for length in lengths { counts[length] += 1 }
            var left = 1
            for length in 1...15 {
                left = left << 1 - counts[length]
                if left < 0 { isOversubscribed = true }
            }
            var offsets = [Int](repeating: 0, count: 16)
            for length in 1..<15 { offsets[length + 1] = offsets[length] + counts[length] }
            for (symbol, length) in zip(0..., lengths) where length != 0 {
                symbols[offsets[length]] = symbol
                offsets[length] += 1
            }
        }
    }

    private static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59,
                                     67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    private static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769,
                                       1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    private static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10,
                                        11, 11, 12, 12, 13, 13]
    private static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    private let input: [UInt8]
    private var position: Int
    private var bitBuffer = 0
    private var bitCount = 0
    private var output: [UInt8] = []
    private let limit: Int

    /// Inflates the raw DEFLATE stream that starts at `start` in `input`.
    static func inflate(_ input: [UInt8], from start: Int, limit: Int) throws(Failure) -> [UInt8] {
        var inflater = DICOMInflater(input: input, position: start, limit: limit)
        try inflater.run()
        return inflater.output
    }

    private init(input: [UInt8], position: Int, limit: Int) {
        self.input = input
        self.position = position
        self.limit = limit
    }

    private mutating func run() throws(Failure) {
        var last = false
        while !last {
            last = try bits(1) == 1
            switch try bits(2) {
            case 0: try stored()
            case 1: try codes(literals: Self.fixedLiterals, distances: Self.fixedDistances)
            case 2: try dynamic()
            default: throw .corrupt("invalid block type 3")
            }
        }
    }

    // MARK: - Bits

    private mutating func bits(_ count: Int) throws(Failure) -> Int {
        while bitCount < count {
            guard position < input.count else { throw .truncated }
            bitBuffer |= Int(input[position]) << bitCount
            position += 1
            bitCount += 8
        }
        let value = bitBuffer & ((1 << count) - 1)
        bitBuffer >>= count
        bitCount -= count
        return value
    }

    private mutating func decode(_ code: Huffman) throws(Failure) -> Int {
        var value = 0, first = 0, index = 0
        for length in 1...15 {
            value |= try bits(1)
            let count = code.counts[length]
            if value - count < first { return code.symbols[index + value - first] }
            index += count
            first = (first + count) << 1
            value <<= 1
        }
        throw .corrupt("invalid Huffman code")
    }

    private mutating func emit(_ byte: UInt8) throws(Failure) {
        guard output.count < limit else { throw .tooLarge }
        output.append(byte)
    }

    // MARK: - Blocks

    private mutating func stored() throws(Failure) {
        bitBuffer = 0  // the rest of the current byte is padding
        bitCount = 0
        guard position <= input.count - 4 else { throw .truncated }
        let length = Int(input[position]) | Int(input[position + 1]) << 8
        let complement = Int(input[position + 2]) | Int(input[position + 3]) << 8
        position += 4
        guard length == complement ^ 0xFFFF else { throw .corrupt("stored block length check failed") }
        guard length <= input.count - position else { throw .truncated }
        guard length <= limit - output.count else { throw .tooLarge }
        output.append(contentsOf: input[position ..< position + length])
        position += length
    }

    private static let fixedLiterals: Huffman = {
        var lengths = [Int](repeating: 8, count: 288)
        for symbol in 144..<256 { lengths[symbol] = 9 }
        for symbol in 256..<280 { lengths[symbol] = 7 }
        return Huffman(lengths: lengths[...])
    }()

    private static let fixedDistances: Huffman = Huffman(lengths: [Int](repeating: 5, count: 30)[...])

    private mutating func dynamic() throws(Failure) {
        let literalCount = try bits(5) + 257, distanceCount = try bits(5) + 1, codeLengthCount = try bits(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else { throw .corrupt("too many length or distance codes") }
        var codeLengths = [Int](repeating: 0, count: 19)
        for index in 0..<codeLengthCount { codeLengths[Self.codeLengthOrder[index]] = try bits(3) }
        let lengthCode = try Self.checked(Huffman(lengths: codeLengths[...]))

        var lengths = [Int](repeating: 0, count: literalCount + distanceCount)
        var index = 0
        while index < lengths.count {
            let symbol = try decode(lengthCode)
            if symbol < 16 {
                lengths[index] = symbol
                index += 1
                continue
            }
            var value = 0, repeatCount: Int
            switch symbol {
            case 16:
                guard index > 0 else { throw .corrupt("repeat with no previous length") }
                value = lengths[index - 1]
                repeatCount = 3 + (try bits(2))
            case 17: repeatCount = 3 + (try bits(3))
            default: repeatCount = 11 + (try bits(7))
            }
            guard index + repeatCount <= lengths.count else { throw .corrupt("code lengths overrun") }
            for _ in 0..<repeatCount {
                lengths[index] = value
                index += 1
            }
        }
        guard lengths[256] != 0 else { throw .corrupt("no end-of-block code") }
        let literals = try Self.checked(Huffman(lengths: lengths[0..<literalCount]))
        let distances = try Self.checked(Huffman(lengths: lengths[literalCount...]))
        try codes(literals: literals, distances: distances)
    }

    private static func checked(_ code: Huffman) throws(Failure) -> Huffman {
        guard !code.isOversubscribed else { throw .corrupt("over-subscribed Huffman code") }
        return code
    }

    private mutating func codes(literals: Huffman, distances: Huffman) throws(Failure) {
        while true {
            let symbol = try decode(literals)
            if symbol < 256 {
                try emit(UInt8(symbol))
                continue
            }
            if symbol == 256 { return }
            let lengthIndex = symbol - 257
            guard lengthIndex < Self.lengthBase.count else { throw .corrupt("invalid length symbol") }
            let length = Self.lengthBase[lengthIndex] + (try bits(Self.lengthExtra[lengthIndex]))
            let distanceSymbol = try decode(distances)
            guard distanceSymbol < Self.distanceBase.count else { throw .corrupt("invalid distance symbol") }
            let distance = Self.distanceBase[distanceSymbol] + (try bits(Self.distanceExtra[distanceSymbol]))
            guard distance <= output.count else { throw .corrupt("distance too far back") }
            guard length <= limit - output.count else { throw .tooLarge }
            for _ in 0..<length { output.append(output[output.count - distance]) }
        }
    }
}
