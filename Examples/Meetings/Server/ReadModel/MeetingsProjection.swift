import Chronicle
import ChronicleProjections
import MeetingsDomain
import SQLKit

/// The `meetings` and `invitations` read tables, current when a command returns (inline).
///
/// - `meetings`: id, title, starts_at, duration_minutes, organizer_id, status, attendee_count,
///   version (the entity's, for ETags) and updated_at (the last event's time).
/// - `invitations`: meeting_id, user_id, response (`pending`, `accepted`, `declined`).
struct MeetingsProjection: Projection {
    static let name = "meetings"
    static let version = 1
    /// Inline, a failing event fails its command; in a rebuild it is tried three times, then
    /// parked, so that one bad event of the past cannot block the rebuild.
    static let errorPolicy = ErrorPolicy.park(afterAttempts: 3)
    static let tables = [
        ProjectionTable("meetings", [
            """
            CREATE TABLE {table} (id TEXT PRIMARY KEY, title TEXT NOT NULL, starts_at TEXT NOT NULL,
                duration_minutes INTEGER NOT NULL, organizer_id BIGINT NOT NULL, status TEXT NOT NULL,
                attendee_count INTEGER NOT NULL, version INTEGER NOT NULL, updated_at TEXT NOT NULL)
            """,
            "CREATE INDEX {table}_by_start ON {table} (starts_at, id)",
            "CREATE INDEX {table}_by_organizer ON {table} (organizer_id, starts_at)",
        ]),
        ProjectionTable("invitations", [
            """
            CREATE TABLE {table} (meeting_id TEXT NOT NULL, user_id BIGINT NOT NULL, response TEXT NOT NULL,
                PRIMARY KEY (meeting_id, user_id))
            """,
            "CREATE INDEX {table}_by_user ON {table} (user_id, meeting_id)",
        ]),
    ]

    var handlers: EventHandlers<ProjectionContext> {
        EventHandlers {
            On(MeetingScheduled.self) { event, row in
                try await row.sql.raw("""
                    INSERT INTO \(ident: row.table("meetings"))
                        (id, title, starts_at, duration_minutes, organizer_id, status, attendee_count, version, updated_at)
                    VALUES (\(bind: row.event.stream.entityID), \(bind: event.title), \(bind: Timestamp.string(event.startsAt)),
                        \(bind: event.durationMinutes), \(bind: event.organizerID), 'scheduled', 0, \(bind: row.event.version),
                        \(bind: Timestamp.string(row.event.createdAt)))
                    """).run()
                let rows = event.inviteeIDs.map { invitee -> SQLQueryString in "(\(bind: row.event.stream.entityID), \(bind: invitee), 'pending')" }
                try await row.sql.raw("""
                    INSERT INTO \(ident: row.table("invitations")) (meeting_id, user_id, response)
                    VALUES \(SQLList(rows, separator: SQLRaw(", ")))
                    """).run()
            }
            On(InvitationAccepted.self) { event, row in try await Self.answer(event.userID, "accepted", row) }
            On(InvitationDeclined.self) { event, row in try await Self.answer(event.userID, "declined", row) }
            On(MeetingRescheduled.self) { event, row in
                try await Self.updateMeeting(row, "starts_at = \(bind: Timestamp.string(event.startsAt))")
            }
            On(MeetingCancelled.self) { _, row in try await Self.updateMeeting(row, "status = 'cancelled'") }
            On(MeetingFinished.self) { _, row in try await Self.updateMeeting(row, "status = 'finished'") }
            // A forgotten organizer's titles read as forgotten, as the events now do.
            On(SubjectForgotten.self) { event, row in
                guard let organizer = Int(event.subject) else { return }
                try await row.sql.raw("""
                    UPDATE \(ident: row.table("meetings")) SET title = '(forgotten)' WHERE organizer_id = \(bind: organizer)
                    """).run()
            }
            On(StreamArchived.self) { event, row in try await Self.drop(event.stream, row) }
            On(StreamDeleted.self) { event, row in try await Self.drop(event.stream, row) }
        }
    }

    /// An archived or deleted meeting leaves the tables.
    private static func drop(_ stream: StreamName, _ row: ProjectionContext) async throws {
        guard stream.entityType == Meeting.entityType else { return }
        try await row.sql.raw("DELETE FROM \(ident: row.table("invitations")) WHERE meeting_id = \(bind: stream.entityID)").run()
        try await row.sql.raw("DELETE FROM \(ident: row.table("meetings")) WHERE id = \(bind: stream.entityID)").run()
    }

    /// Records an invitee's answer and recounts the meeting's attendees.
    private static func answer(_ userID: Int, _ response: String, _ row: ProjectionContext) async throws {
        let meetingID = row.event.stream.entityID
        try await row.sql.raw("""
            UPDATE \(ident: row.table("invitations")) SET response = \(bind: response)
            WHERE meeting_id = \(bind: meetingID) AND user_id = \(bind: userID)
            """).run()
        try await updateMeeting(row, """
            attendee_count = (SELECT COUNT(*) FROM \(ident: row.table("invitations"))
                WHERE meeting_id = \(bind: meetingID) AND response = 'accepted')
            """)
    }

    /// Changes a meeting's row and stamps it with the event's version and time.
    private static func updateMeeting(_ row: ProjectionContext, _ assignments: SQLQueryString) async throws {
        try await row.sql.raw("""
            UPDATE \(ident: row.table("meetings"))
            SET \(assignments), version = \(bind: row.event.version), updated_at = \(bind: Timestamp.string(row.event.createdAt))
            WHERE id = \(bind: row.event.stream.entityID)
            """).run()
    }
}
