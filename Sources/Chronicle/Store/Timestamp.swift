public import Foundation

/// Conversions between `Date` and the whole microseconds since 1970 that the stores keep.
///
/// Every store keeps event times to the microsecond, rounded to the nearest one. Rounding (not
/// truncating) makes the conversion idempotent despite floating point: a date made from whole
/// microseconds converts back to the same microseconds, so an event reads back with exactly the
/// `Date` its append returned, whichever store it is read from.
public enum Timestamp: Sendable {
    /// Microseconds since 1970-01-01 00:00:00 UTC, rounded to the nearest.
    public static func microseconds(since1970 date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    /// The date that many microseconds after 1970-01-01 00:00:00 UTC.
    public static func date(microsecondsSince1970 microseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(microseconds) / 1_000_000)
    }

    /// The date rounded to the nearest microsecond, in the form of ``date(microsecondsSince1970:)``.
    public static func rounded(_ date: Date) -> Date {
        self.date(microsecondsSince1970: microseconds(since1970: date))
    }
}
