import Foundation

/// A 24-bit colour, as written `#rrggbb` in theme files.
public struct RGBColor: Hashable, Sendable {
    public let red: UInt8
    public let green: UInt8
    public let blue: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// From `0xRRGGBB` (higher bits ignored).
    public init(packed: UInt32) {
        self.init(red: UInt8(truncatingIfNeeded: packed >> 16), green: UInt8(truncatingIfNeeded: packed >> 8),
                  blue: UInt8(truncatingIfNeeded: packed))
    }

    /// From exactly `#rrggbb` (either case); nil for anything else.
    public init?(hex: some StringProtocol) {
        let scalars = Array(hex.unicodeScalars)
        guard scalars.count == 7, scalars[0] == "#" else { return nil }
        var value: UInt32 = 0
        for scalar in scalars.dropFirst() {
            guard scalar.isASCII, let digit = Character(scalar).hexDigitValue else { return nil }
            value = value << 4 | UInt32(digit)
        }
        self.init(packed: value)
    }

    /// `0xRRGGBB`: the colour number of a direct-colour terminal.
    public var packed: UInt32 { UInt32(red) << 16 | UInt32(green) << 8 | UInt32(blue) }

    /// `#rrggbb`, lower case.
    public var hex: String {
        let digits = String(packed, radix: 16)
        return "#" + String(repeating: "0", count: 6 - digits.count) + digits
    }

    /// Squared distance in RGB space: enough to pick the nearest palette entry.
    func distanceSquared(to other: RGBColor) -> Int {
        let r = Int(red) - Int(other.red), g = Int(green) - Int(other.green), b = Int(blue) - Int(other.blue)
        return r * r + g * g + b * b
    }

    // MARK: The xterm palette

    /// The levels of the 6×6×6 colour cube (indices 16–231).
    static let cubeLevels: [UInt8] = [0, 95, 135, 175, 215, 255]

    /// What xterm shows for a 256-colour index. 0–15 are xterm's defaults (users may
    /// change them; 16–255 are the same on every terminal).
    public static func xterm(_ index: UInt8) -> RGBColor {
        switch index {
        case 0..<16:
            let system: [UInt32] = [
                0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
                0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
            ]
            return RGBColor(packed: system[Int(index)])
        case 16..<232:
            let cube = Int(index) - 16
            return RGBColor(red: cubeLevels[cube / 36], green: cubeLevels[cube / 6 % 6], blue: cubeLevels[cube % 6])
        default:
            let grey = UInt8(8 + 10 * (Int(index) - 232))
            return RGBColor(red: grey, green: grey, blue: grey)
        }
    }

    // MARK: Contrast

    /// WCAG 2 relative luminance, 0 (black) to 1 (white).
    public var relativeLuminance: Double {
        func linear(_ channel: UInt8) -> Double {
            let c = Double(channel) / 255
            return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    }

    /// WCAG 2 contrast ratio, 1 (same) to 21 (black on white); 7 is level AAA for text.
    public static func contrastRatio(_ a: RGBColor, _ b: RGBColor) -> Double {
        let (x, y) = (a.relativeLuminance, b.relativeLuminance)
        return (max(x, y) + 0.05) / (min(x, y) + 0.05)
    }
}
