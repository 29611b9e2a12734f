import Chronicle
import Foundation

/// How the app writes times in read tables and JSON: RFC 3339 in UTC with milliseconds
/// (`2026-12-01T10:00:00.000Z`), as events store them. Every such string has the same width, so
/// text order is time order in both databases.
enum Timestamp {
    static func string(_ date: Date) -> String {
        RFC3339.string(from: date)
    }
}
