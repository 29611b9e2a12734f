import Foundation

/// How the app writes times in read tables and JSON: ISO 8601 in UTC with milliseconds
/// (`2026-12-01T10:00:00.000Z`). Every such string has the same width, so text order is time
/// order in both databases.
enum Timestamp {
    static func string(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
