import Foundation

/// Times as reports write them. The clock and zone are parameters so tests (and stamps)
/// are reproducible; callers pass `Date()` and `TimeZone.current`.
public enum ReportTime {
    /// ISO-8601 with the zone, to the second: "2026-11-29T12:42:00+01:00", "…Z" in UTC
    /// (FHIR `instant`s need both the seconds and the zone).
    public static func iso8601(_ date: Date, timeZone: TimeZone) -> String {
        let f = ISO8601DateFormatter()
        f.timeZone = timeZone
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: date)
    }

    /// The compact UTC form for file names, "20261129T114200Z": sorts by time, has no
    /// colons (not allowed on some file systems), and does not depend on the local zone.
    public static func fileStamp(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")!
        f.formatOptions = [.withYear, .withMonth, .withDay, .withTime, .withTimeZone]
        return f.string(from: date)
    }
}
