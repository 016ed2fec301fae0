/// A small, independent reader of DEC sixel strings (VT330/VT340 programmer reference,
/// chapter "Sixel graphics"), used to check what `SixelEncoder` emits by turning it back
/// into pixels. Only what a sixel image may contain is understood; anything else fails.
public struct SixelDecoder {
    public struct Failure: Error, CustomStringConvertible { public let description: String }

    public var width = 0
    public var height = 0
    /// Decoded colours, row-major; nil where no sixel touched the pixel.
    public var pixels: [(Int, Int, Int)?] = []

    public init(_ text: String) throws {
        var s = Array(text.utf8)[...]
        guard s.starts(with: [0x1B, UInt8(ascii: "P")]) else { throw Failure(description: "no DCS introducer") }
        s = s.dropFirst(2)
        while let c = s.first, c != UInt8(ascii: "q") {
            guard c == UInt8(ascii: ";") || (48...57).contains(c) else { throw Failure(description: "bad DCS parameter") }
            s = s.dropFirst()
        }
        guard !s.isEmpty else { throw Failure(description: "no q") }
        s = s.dropFirst()
        func number() -> Int? {
            var n: Int?
            while let c = s.first, (48...57).contains(c) { n = (n ?? 0) * 10 + Int(c - 48); s = s.dropFirst() }
            return n
        }
        func numbers() -> [Int] {
            var out: [Int] = []
            repeat {
                if s.first == UInt8(ascii: ";") { s = s.dropFirst() }
                if let n = number() { out.append(n) }
            } while s.first == UInt8(ascii: ";")
            return out
        }
        var registers: [Int: (Int, Int, Int)] = [:]
        var color = 0, x = 0, band = 0
        var grid: [Int: [Int: (Int, Int, Int)]] = [:]
        func paint(_ sixel: UInt8, count: Int) throws {
            guard (63...126).contains(sixel) else { throw Failure(description: "bad sixel byte \(sixel)") }
            guard let rgb = registers[color] else { throw Failure(description: "colour \(color) used before definition") }
            let bits = Int(sixel) - 63
            for _ in 0..<count {
                for dy in 0..<6 where bits & (1 << dy) != 0 {
                    grid[band * 6 + dy, default: [:]][x] = rgb
                }
                x += 1
            }
        }
        while let c = s.first {
            switch c {
            case 0x1B:
                guard s.dropFirst().first == UInt8(ascii: "\\") else { throw Failure(description: "bad terminator") }
                s = s.dropFirst(2)
                guard s.isEmpty else { throw Failure(description: "bytes after the terminator") }
                guard width > 0 && height > 0 else { throw Failure(description: "no raster attributes") }
                pixels = (0..<(width * height)).map { grid[$0 / width]?[$0 % width] }
                return
            case UInt8(ascii: "\""):
                s = s.dropFirst()
                let p = numbers()
                guard p.count == 4 else { throw Failure(description: "raster attributes need 4 numbers") }
                width = p[2]; height = p[3]
            case UInt8(ascii: "#"):
                s = s.dropFirst()
                let p = numbers()
                guard let first = p.first else { throw Failure(description: "empty colour introducer") }
                color = first
                if p.count == 5 {
                    guard p[1] == 2 else { throw Failure(description: "only RGB colour definitions") }
                    func scale(_ v: Int) -> Int { (v * 255 + 50) / 100 }
                    registers[color] = (scale(p[2]), scale(p[3]), scale(p[4]))
                } else if p.count != 1 {
                    throw Failure(description: "bad colour introducer")
                }
            case UInt8(ascii: "!"):
                s = s.dropFirst()
                guard let n = number(), let sixel = s.first else { throw Failure(description: "bad repeat") }
                s = s.dropFirst()
                try paint(sixel, count: n)
            case UInt8(ascii: "$"):
                s = s.dropFirst(); x = 0
            case UInt8(ascii: "-"):
                s = s.dropFirst(); x = 0; band += 1
            default:
                s = s.dropFirst()
                try paint(c, count: 1)
            }
        }
        throw Failure(description: "missing string terminator")
    }
}
