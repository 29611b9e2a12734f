import Chronicle
import ChronicleProjections
import Foundation
import MeetingsDomain
import SQLKit

/// Each user's activity feed, built only from events and behind the log (async): a rebuild
/// fills it with the whole history.
///
/// - `activity`: one row per event: position, meeting_id, title, actor_id, kind, summary,
///   occurred_at.
/// - `activity_meetings`: each meeting's title and organizer, for the rows of later events.
/// - `activity_audience`: who sees a meeting's activity: its organizer and invitees.
struct ActivityProjection: Projection {
    static let name = "activity"
    static let version = 1
    /// An event the feed cannot show is tried three times, then parked for an operator; the
    /// feed goes on meanwhile.
    static let errorPolicy = ErrorPolicy.park(afterAttempts: 3)
    static let tables = [
        ProjectionTable("activity", [
            """
            CREATE TABLE {table} (position BIGINT PRIMARY KEY, meeting_id TEXT NOT NULL, title TEXT NOT NULL,
                actor_id BIGINT NOT NULL, kind TEXT NOT NULL, summary TEXT NOT NULL, occurred_at TEXT NOT NULL)
            """,
            "CREATE INDEX {table}_by_meeting ON {table} (meeting_id, position)",
        ]),
        ProjectionTable("activity_meetings", [
            "CREATE TABLE {table} (meeting_id TEXT PRIMARY KEY, title TEXT NOT NULL, organizer_id BIGINT NOT NULL)"
        ]),
        ProjectionTable("activity_audience", [
            "CREATE TABLE {table} (meeting_id TEXT NOT NULL, user_id BIGINT NOT NULL, PRIMARY KEY (meeting_id, user_id))",
            "CREATE INDEX {table}_by_user ON {table} (user_id, meeting_id)",
        ]),
    ]

    var handlers: EventHandlers<ProjectionContext> {
        EventHandlers {
            On(MeetingScheduled.self) { event, row in
                let meetingID = row.event.stream.entityID
                try await row.sql.raw("""
                    INSERT INTO \(ident: row.table("activity_meetings")) (meeting_id, title, organizer_id)
                    VALUES (\(bind: meetingID), \(bind: event.title), \(bind: event.organizerID))
                    """).run()
                let audience = ([event.organizerID] + event.inviteeIDs).map { user -> SQLQueryString in "(\(bind: meetingID), \(bind: user))" }
                try await row.sql.raw("""
                    INSERT INTO \(ident: row.table("activity_audience")) (meeting_id, user_id)
                    VALUES \(SQLList(audience, separator: SQLRaw(", ")))
                    """).run()
                let invitees = event.inviteeIDs.map(DemoUsers.name).joined(separator: ", ")
                try await Self.record(row, actor: event.organizerID, kind: "scheduled") { title in
                    "\(DemoUsers.name(event.organizerID)) scheduled “\(title)” for \(Self.readable(event.startsAt)), inviting \(invitees)."
                }
            }
            On(InvitationAccepted.self) { event, row in
                try await Self.record(row, actor: event.userID, kind: "accepted") { title in "\(DemoUsers.name(event.userID)) accepted “\(title)”." }
            }
            On(InvitationDeclined.self) { event, row in
                try await Self.record(row, actor: event.userID, kind: "declined") { title in "\(DemoUsers.name(event.userID)) declined “\(title)”." }
            }
            On(MeetingRescheduled.self) { event, row in
                try await Self.record(row, kind: "rescheduled") { title, organizer in
                    "\(DemoUsers.name(organizer)) moved “\(title)” from \(Self.readable(event.previousStartsAt)) to \(Self.readable(event.startsAt))."
                }
            }
            On(MeetingCancelled.self) { event, row in
                try await Self.record(row, kind: "cancelled") { title, organizer in
                    "\(DemoUsers.name(organizer)) cancelled “\(title)”" + (event.reason.map { ": \($0)" } ?? ".")
                }
            }
            On(MeetingFinished.self) { _, row in
                try await Self.record(row, kind: "finished") { title, organizer in "\(DemoUsers.name(organizer)) closed “\(title)”." }
            }
            On(SubjectForgotten.self) { event, row in try await Self.forget(organizer: event.subject, row) }
            On(StreamArchived.self) { event, row in try await Self.drop(event.stream, row) }
            On(StreamDeleted.self) { event, row in try await Self.drop(event.stream, row) }
        }
    }

    /// Adds the event's row to the feed, for an event by the meeting's organizer.
    private static func record(
        _ row: ProjectionContext, kind: String, summary: (_ title: String, _ organizer: Int) -> String
    ) async throws {
        let meeting = try await row.sql.raw("""
            SELECT title, organizer_id FROM \(ident: row.table("activity_meetings")) WHERE meeting_id = \(bind: row.event.stream.entityID)
            """).first()
        let title = try meeting?.decode(column: "title", as: String.self) ?? ""
        let organizer = try meeting?.decode(column: "organizer_id", as: Int.self) ?? 0
        try await insert(row, title: title, actor: organizer, kind: kind, summary: summary(title, organizer))
    }

    /// Adds the event's row to the feed, for an event by a given user.
    private static func record(_ row: ProjectionContext, actor: Int, kind: String, summary: (_ title: String) -> String) async throws {
        let title = try await row.sql.raw("""
            SELECT title FROM \(ident: row.table("activity_meetings")) WHERE meeting_id = \(bind: row.event.stream.entityID)
            """).first()?.decode(column: "title", as: String.self) ?? ""
        try await insert(row, title: title, actor: actor, kind: kind, summary: summary(title))
    }

    private static func insert(_ row: ProjectionContext, title: String, actor: Int, kind: String, summary: String) async throws {
        try await row.sql.raw("""
            INSERT INTO \(ident: row.table("activity")) (position, meeting_id, title, actor_id, kind, summary, occurred_at)
            VALUES (\(bind: row.event.position), \(bind: row.event.stream.entityID), \(bind: title), \(bind: actor), \(bind: kind),
                \(bind: summary), \(bind: Timestamp.string(row.event.createdAt)))
            """).run()
    }

    /// `2026-12-01 10:00 UTC`.
    static func readable(_ date: Date) -> String {
        String(Timestamp.string(date).prefix(16)).replacingOccurrences(of: "T", with: " ") + " UTC"
    }
}
