/// Number and duration formatting shared by human-readable output (commands, status bar,
/// reports, the engine's statistics), so the same quantity reads the same everywhere.
public enum Format {
    /// `d` in seconds, as a `Double` for rates and for `fixed`.
    public static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// `v` rounded to `digits` decimals, always showing them all ("2.50"), without Foundation.
    public static func fixed(_ v: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let r = (v * scale).rounded() / scale
        var s = "\(r)"
        if let dot = s.firstIndex(of: ".") {
            let decimals = s.distance(from: dot, to: s.endIndex) - 1
            if decimals < digits { s += String(repeating: "0", count: digits - decimals) }
        } else if digits > 0 {
            s += "." + String(repeating: "0", count: digits)
        }
        return s
    }

    /// `v` with one decimal and a percent sign ("12.5%").
    public static func percent(_ v: Double) -> String { fixed(v, 1) + "%" }

    /// At most `digits` decimals with trailing zeros dropped ("2.5", "4", "0.667"): for
    /// measured values such as spacings in mm, where 3.9999986 should read "4".
    public static func trimmed(_ v: Double, _ digits: Int) -> String {
        var text = fixed(v, digits)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// A whole number without decimals ("400"), anything else as Swift prints it ("0.95").
    public static func number(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : "\(v)"
    }

    /// Decimal units, as file managers and `ls -h --si` show them.
    public static func bytes(_ n: Int) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var v = Double(n)
        var i = 0
        while v >= 1000, i < units.count - 1 { v /= 1000; i += 1 }
        return i == 0 ? "\(n) B" : fixed(v, 1) + " " + units[i]
    }

    /// A time to wait or taken, as a clock reads it: `m:ss`, or `h:mm:ss` past an hour
    /// ("--:--" when unknown).
    public static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--:--" }
        let s = Int(seconds.rounded())
        let mm = s / 60 % 60, ss = s % 60
        return s >= 3600 ? "\(s / 3600):" + pad(mm) + ":" + pad(ss) : "\(s / 60):" + pad(ss)
    }

    private static func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// A count with a k, M or B suffix ("4.3 B" parameters).
    public static func count(_ n: Int) -> String {
        if n >= 1_000_000_000 { return fixed(Double(n) / 1e9, 2) + " B" }
        if n >= 1_000_000 { return fixed(Double(n) / 1e6, 1) + " M" }
        if n >= 1_000 { return fixed(Double(n) / 1e3, 1) + " k" }
        return "\(n)"
    }
}
