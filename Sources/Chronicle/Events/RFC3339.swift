public import Foundation

/// Dates as text: RFC 3339 date-times, kept to the millisecond, every field checked.
///
/// This is how Chronicle writes dates into event data (``EventCoder``) and reads them from
/// request bodies: `2030-01-15T10:00:00.250Z`, always in UTC with three fraction digits.
/// Reading accepts any RFC 3339 date-time (`t` and `z` in lower case, an offset such as
/// `+02:00`, a fraction of any length or none) and refuses anything else, including dates that
/// do not exist: years run from 0001 to 9999, and months, days (leap years counted), hours,
/// minutes, seconds and offsets are checked against their ranges, so `2030-02-30` is refused
/// instead of rolling over to March. A fraction finer than a millisecond is truncated.
///
/// Writing rounds to the nearest millisecond, so a date read from text writes back as the same
/// text: what is stored is what a rule compared.
///
/// ```swift
/// RFC3339.date(from: "2030-01-15T10:00:00.123456+01:00")   // 09:00:00.123 UTC
/// RFC3339.date(from: "2030-02-30T10:00:00Z")               // nil
/// RFC3339.string(from: date)                               // "2030-01-15T09:00:00.123Z"
/// ```
public enum RFC3339: Sendable {
    /// The date a text means, or `nil` when it is not a valid RFC 3339 date-time.
    public static func date(from text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse($0) }
    }

    /// The text of a date, in UTC, to the nearest millisecond: `2030-01-15T09:00:00.123Z`.
    ///
    /// - Precondition: The date lies in the years 0001–9999.
    public static func string(from date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1_000).rounded())
        let (days, millisecondOfDay) = milliseconds.quotientAndRemainder(dividingBy: 86_400_000)
        let (day, time) = millisecondOfDay < 0 ? (days - 1, millisecondOfDay + 86_400_000) : (days, millisecondOfDay)
        let (year, month, dayOfMonth) = civil(fromDaysSince1970: Int(day))
        let seconds = Int(time / 1_000)
        var text: [UInt8] = Array("0000-00-00T00:00:00.000Z".utf8)
        func put(_ value: Int, at end: Int, digits: Int) {
            var value = value
            for place in stride(from: end, to: end - digits, by: -1) {
                text[place] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        put(year, at: 3, digits: 4)
        put(month, at: 6, digits: 2)
        put(dayOfMonth, at: 9, digits: 2)
        put(seconds / 3_600, at: 12, digits: 2)
        put(seconds / 60 % 60, at: 15, digits: 2)
        put(seconds % 60, at: 18, digits: 2)
        put(Int(time % 1_000), at: 22, digits: 3)
        return String(decoding: text, as: UTF8.self)
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        var index = 0
        func number(_ digits: Int) -> Int? {
            guard index + digits <= bytes.count else { return nil }
            var value = 0
            for _ in 0..<digits {
                let byte = bytes[index]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                index += 1
            }
            return value
        }
        func expect(_ characters: StaticString) -> Bool {
            guard index < bytes.count else { return false }
            let candidates = UnsafeBufferPointer(start: characters.utf8Start, count: characters.utf8CodeUnitCount)
            guard candidates.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2), expect("Tt"),
            let hour = number(2), expect(":"), let minute = number(2), expect(":"), let second = number(2),
            (1...9_999).contains(year), (1...12).contains(month), (1...daysIn(month, of: year)).contains(day),
            (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second)
        else { return nil }
        var milliseconds = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                if digits < 3 { milliseconds = milliseconds * 10 + Int(bytes[index] - UInt8(ascii: "0")) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 3) { milliseconds *= 10 }
        }
        var offset = 0
        if !expect("Zz") {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") else { return nil }
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let hours = number(2), expect(":"), let minutes = number(2), (0...23).contains(hours), (0...59).contains(minutes) else {
                return nil
            }
            offset = sign * (hours * 3_600 + minutes * 60)
        }
        guard index == bytes.count else { return nil }
        let seconds = Int64(daysSince1970(year: year, month: month, day: day)) * 86_400 + Int64(hour * 3_600 + minute * 60 + second - offset)
        return Date(timeIntervalSince1970: Double(seconds * 1_000 + Int64(milliseconds)) / 1_000)
    }

    private static func daysIn(_ month: Int, of year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's
    /// days-from-civil).
    private static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date of a day counted from 1970-01-01 (Howard Hinnant's civil-from-days).
    private static func civil(fromDaysSince1970 days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
