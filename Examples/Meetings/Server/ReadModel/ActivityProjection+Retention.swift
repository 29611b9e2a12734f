import Chronicle
import ChronicleProjections
import Foundation
import MeetingsDomain
import SQLKit

extension ActivityProjection {
    /// A forgotten organizer's titles and cancel reasons become "(forgotten)" in the feed, as a
    /// rebuild would write them from the events, which then read as forgotten.
    static func forget(organizer subject: String, _ row: ProjectionContext) async throws {
        guard let organizer = Int(subject) else { return }
        let meetings = try await row.sql.raw("""
            SELECT meeting_id, title FROM \(ident: row.table("activity_meetings")) WHERE organizer_id = \(bind: organizer)
            """).all().map { (try $0.decode(column: "meeting_id", as: String.self), try $0.decode(column: "title", as: String.self)) }
        let forgotten = "(forgotten)"
        for (meetingID, title) in meetings {
            try await row.sql.raw("""
                UPDATE \(ident: row.table("activity_meetings")) SET title = \(bind: forgotten) WHERE meeting_id = \(bind: meetingID)
                """).run()
            let lines = try await row.sql.raw("""
                SELECT position, kind, summary FROM \(ident: row.table("activity")) WHERE meeting_id = \(bind: meetingID)
                """).all()
            for line in lines {
                var summary = try line.decode(column: "summary", as: String.self).replacingOccurrences(of: "“\(title)”", with: "“\(forgotten)”")
                if try line.decode(column: "kind", as: String.self) == "cancelled" {
                    // "<name> cancelled “<title>”." or "…: <reason>": the reason is the organizer's too.
                    let cancelled = "\(DemoUsers.name(organizer)) cancelled “\(forgotten)”"
                    if summary != cancelled + "." { summary = cancelled + ": \(forgotten)" }
                }
                try await row.sql.raw("""
                    UPDATE \(ident: row.table("activity")) SET title = \(bind: forgotten), summary = \(bind: summary)
                    WHERE position = \(bind: try line.decode(column: "position", as: Int64.self))
                    """).run()
            }
        }
    }

    /// An archived or deleted meeting leaves the feed.
    static func drop(_ stream: StreamName, _ row: ProjectionContext) async throws {
        guard stream.entityType == Meeting.entityType else { return }
        for table in ["activity", "activity_meetings", "activity_audience"] {
            try await row.sql.raw("DELETE FROM \(ident: row.table(table)) WHERE meeting_id = \(bind: stream.entityID)").run()
        }
    }
}
