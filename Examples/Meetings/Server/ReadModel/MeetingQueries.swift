import ChronicleProjections
import ChronicleSQL
import Foundation
import SQLKit

/// The read tables' queries behind the API's reads.
struct MeetingQueries: Sendable {
    /// What `GET /meetings` filters on.
    struct Filter: Sendable {
        var status: String?
        var organizerID: Int?
        var inviteeID: Int?
        /// `true`: scheduled meetings starting from now on; `false`: those that started or ended.
        var upcoming: Bool?
    }

    let database: any SQLEventStore
    let now: @Sendable () -> Date

    private static let columns: SQLQueryString = """
        m.id, m.title, m.starts_at, m.duration_minutes, m.organizer_id, m.status, m.attendee_count, m.version, m.updated_at
        """

    /// The ids of the meetings finished before a time (their last change), oldest first.
    func finishedMeetings(before time: Date) async throws -> [String] {
        try await database.withReadConnection { sql in
            try await sql.raw("""
                SELECT id FROM meetings WHERE status = 'finished' AND updated_at < \(bind: Timestamp.string(time)) ORDER BY updated_at, id
                """).all().map { try $0.decode(column: "id", as: String.self) }
        }
    }

    /// One meeting from the read tables, with its invitations: one query, a row per invitation
    /// (one row with no invitee when it has none).
    func meeting(_ id: String) async throws -> MeetingView? {
        try await database.withReadConnection { sql in
            let rows = try await sql.raw("""
                SELECT \(Self.columns), i.user_id AS invitee_id, i.response AS invitee_response
                FROM meetings m LEFT JOIN invitations i ON i.meeting_id = m.id
                WHERE m.id = \(bind: id) ORDER BY i.user_id
                """).all()
            guard let first = rows.first else { return nil }
            let invitations = try rows.compactMap { row -> InvitationView? in
                guard let userID = try row.decode(column: "invitee_id", as: Int?.self) else { return nil }
                return InvitationView(userID: userID, response: try row.decode(column: "invitee_response", as: String.self))
            }
            return try Self.view(of: first, invitations: invitations)
        }
    }

    /// The meetings a user organizes or is invited to, in start order, filtered; one more than
    /// `limit` tells that another page follows.
    func meetings(visibleTo userID: Int, filter: Filter, limit: Int, offset: Int) async throws -> [MeetingView] {
        var query: SQLQueryString = """
            SELECT \(Self.columns) FROM meetings m
            WHERE (m.organizer_id = \(bind: userID)
                OR EXISTS (SELECT 1 FROM invitations i WHERE i.meeting_id = m.id AND i.user_id = \(bind: userID)))
            """
        if let status = filter.status { query += " AND m.status = \(bind: status)" }
        if let organizerID = filter.organizerID { query += " AND m.organizer_id = \(bind: organizerID)" }
        if let inviteeID = filter.inviteeID {
            query += " AND EXISTS (SELECT 1 FROM invitations v WHERE v.meeting_id = m.id AND v.user_id = \(bind: inviteeID))"
        }
        switch filter.upcoming {
        case true?: query += " AND m.status = 'scheduled' AND m.starts_at >= \(bind: Timestamp.string(now()))"
        case false?: query += " AND (m.status <> 'scheduled' OR m.starts_at < \(bind: Timestamp.string(now())))"
        case nil: break
        }
        query += " ORDER BY m.starts_at, m.id LIMIT \(literal: limit) OFFSET \(literal: offset)"
        return try await database.withReadConnection { [query] sql in
            try await Self.views(of: try await sql.raw(query).all(), on: sql)
        }
    }

    /// A user's scheduled meetings from now on that they organize or have not declined.
    func agenda(of userID: Int) async throws -> [MeetingView] {
        let from = Timestamp.string(now())
        return try await database.withReadConnection { sql in
            let rows = try await sql.raw("""
                SELECT \(Self.columns) FROM meetings m
                WHERE m.status = 'scheduled' AND m.starts_at >= \(bind: from)
                    AND (m.organizer_id = \(bind: userID) OR EXISTS (SELECT 1 FROM invitations i
                        WHERE i.meeting_id = m.id AND i.user_id = \(bind: userID) AND i.response <> 'declined'))
                ORDER BY m.starts_at, m.id
                """).all()
            return try await Self.views(of: rows, on: sql)
        }
    }

    /// A user's activity feed, newest first, before a position.
    func activity(of userID: Int, before position: Int64?, limit: Int) async throws -> [ActivityEntry] {
        try await database.withReadConnection { sql in
            let rows = try await sql.raw("""
                SELECT a.position, a.meeting_id, a.title, a.actor_id, a.kind, a.summary, a.occurred_at FROM activity a
                WHERE a.meeting_id IN (SELECT meeting_id FROM activity_audience WHERE user_id = \(bind: userID))
                    AND a.position < \(bind: position ?? Int64.max)
                ORDER BY a.position DESC LIMIT \(literal: limit)
                """).all()
            return try rows.map { row in
                ActivityEntry(
                    position: try row.decode(column: "position", as: Int64.self),
                    meetingID: try row.decode(column: "meeting_id", as: String.self),
                    title: try row.decode(column: "title", as: String.self),
                    actorID: try row.decode(column: "actor_id", as: Int.self),
                    kind: try row.decode(column: "kind", as: String.self),
                    summary: try row.decode(column: "summary", as: String.self),
                    occurredAt: try row.decode(column: "occurred_at", as: String.self))
            }
        }
    }

    /// Meeting rows with their invitations, in the rows' order.
    private static func views(of rows: [any SQLRow], on sql: any SQLDatabase) async throws -> [MeetingView] {
        guard !rows.isEmpty else { return [] }
        let ids = try rows.map { try $0.decode(column: "id", as: String.self) }
        var invitations: [String: [InvitationView]] = [:]
        for row in try await sql.raw("""
            SELECT meeting_id, user_id, response FROM invitations WHERE meeting_id IN (\(binds: ids)) ORDER BY meeting_id, user_id
            """).all() {
            invitations[try row.decode(column: "meeting_id", as: String.self), default: []].append(
                InvitationView(userID: try row.decode(column: "user_id", as: Int.self), response: try row.decode(column: "response", as: String.self)))
        }
        return try rows.map { row in try view(of: row, invitations: invitations[try row.decode(column: "id", as: String.self)] ?? []) }
    }

    /// A row of ``columns`` as a meeting, with its invitations.
    private static func view(of row: any SQLRow, invitations: [InvitationView]) throws -> MeetingView {
        MeetingView(
            id: try row.decode(column: "id", as: String.self),
            title: try row.decode(column: "title", as: String.self),
            startsAt: try row.decode(column: "starts_at", as: String.self),
            durationMinutes: try row.decode(column: "duration_minutes", as: Int.self),
            organizerID: try row.decode(column: "organizer_id", as: Int.self),
            status: try row.decode(column: "status", as: String.self),
            attendeeCount: try row.decode(column: "attendee_count", as: Int.self),
            invitations: invitations,
            version: try row.decode(column: "version", as: Int.self),
            updatedAt: try row.decode(column: "updated_at", as: String.self))
    }
}
