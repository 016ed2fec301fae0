@testable import TerminalGraphics

/// Deterministic test pictures: smooth gradients with some noise, gray or colour.
enum TestRasters {
    struct Noise {
        var state: UInt64
        mutating func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 59) // 0…31
        }
    }

    static func gray(width: Int, height: Int, seed: UInt64 = 1) -> Raster {
        var noise = Noise(state: seed)
        let pixels = (0..<(width * height)).map { i -> UInt8 in
            let x = i % width, y = i / width
            return UInt8(min(255, (x * 200 / max(1, width - 1)) + (y * 40 / max(1, height - 1)) + noise.next() / 2))
        }
        return Raster(width: width, height: height, channels: .gray, pixels: pixels)
    }

    static func color(width: Int, height: Int, seed: UInt64 = 2) -> Raster {
        var noise = Noise(state: seed)
        var pixels: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                pixels.append(UInt8(min(255, x * 230 / max(1, width - 1) + noise.next() / 4)))
                pixels.append(UInt8(min(255, y * 230 / max(1, height - 1) + noise.next() / 4)))
                pixels.append(UInt8(min(255, (x + y) * 120 / max(1, width + height - 2) + 60 + noise.next() / 4)))
            }
        }
        return Raster(width: width, height: height, channels: .rgb, pixels: pixels)
    }
}
