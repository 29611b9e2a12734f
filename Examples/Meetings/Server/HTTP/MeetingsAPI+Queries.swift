import Chronicle
import ChronicleHummingbird
import ChronicleProjections
import Foundation
import HTTPTypes
import Hummingbird
import MeetingsDomain

extension MeetingsAPI {
    /// `GET /meetings`: the caller's meetings, filtered, a page at a time.
    func listMeetings(_ request: Request, _ context: MeetingsRequestContext) async throws -> Response {
        let filter = MeetingQueries.Filter(
            status: try request.choiceParameter("status", in: ["scheduled", "cancelled", "finished"]),
            organizerID: try request.integerParameter("organizer", in: 1...Int.max),
            inviteeID: try request.integerParameter("invitee", in: 1...Int.max),
            upcoming: try request.booleanParameter("upcoming"))
        let limit = try request.integerParameter("limit", in: 1...100) ?? 20
        let offset = try request.integerParameter("offset", in: 0...Int.max) ?? 0
        var meetings = try await readQueries.meetings(visibleTo: try context.user(), filter: filter, limit: limit + 1, offset: offset)
        let more = meetings.count > limit
        meetings = Array(meetings.prefix(limit))
        return try JSONResponse.make(MeetingPage(meetings: meetings, nextOffset: more ? offset + limit : nil))
    }

    /// `GET /meetings/{id}`: the meeting's row, or with `?version=n` its state after its n-th
    /// event, folded from the events. Who may see it is checked first, so a caller who may not
    /// learns nothing of its versions.
    func showMeeting(_ request: Request, _ context: MeetingsRequestContext) async throws -> Response {
        let id = try Self.meetingID(context)
        let user = try context.user()
        guard let current = try await readQueries.meeting(id) else { throw Self.meetingNotFound(id) }
        guard current.isVisible(to: user) else { throw Self.notAParticipant }
        let meeting: MeetingView
        if let version = try request.integerParameter("version", in: 1...Int.max) {
            let events = try await readStore.readStream(StreamName(entityType: Meeting.entityType, entityID: id), through: version)
            guard let last = events.last, last.version == version else {
                throw ChronicleHTTPError(
                    status: .notFound,
                    body: ChronicleHTTPError.error(
                        code: "version_not_found", message: "The meeting has \(events.last?.version ?? 0) versions, not \(version)."))
            }
            var state = Meeting()
            for event in events { try await Meeting.handlers.apply(event, to: &state) }
            meeting = MeetingView(id: id, state: state, version: version, updatedAt: last.createdAt)
        } else {
            meeting = current
        }
        var response = try JSONResponse.make(meeting)
        response.setConsistency(version: meeting.version, position: nil)
        return response
    }

    /// `GET /meetings/{id}/history`: the meeting's events with their metadata, oldest first.
    func history(_ request: Request, _ context: MeetingsRequestContext) async throws -> Response {
        let id = try Self.meetingID(context)
        let events = try await readStore.readStream(StreamName(entityType: Meeting.entityType, entityID: id))
        guard !events.isEmpty else { throw Self.meetingNotFound(id) }
        var state = Meeting()
        for event in events { try await Meeting.handlers.apply(event, to: &state) }
        let user = try context.user()
        guard state.involves(user) else { throw Self.notAParticipant }
        let entries = try events.map { event -> JSONValue in
            var metadata: [String: JSONValue] = event.metadata.custom
            if let actor = event.metadata.actor { metadata["actor"] = .string(actor) }
            if let requestID = event.metadata.requestID { metadata["request_id"] = .string(requestID) }
            if let correlationID = event.metadata.correlationID { metadata["correlation_id"] = .string(correlationID) }
            if let causationID = event.metadata.causationID { metadata["causation_id"] = .string(causationID) }
            return .object([
                "position": .integer(event.position), "version": .integer(Int64(event.version)), "type": .string(event.eventType),
                "schema_version": .integer(Int64(event.schemaVersion)), "recorded_at": .string(Timestamp.string(event.createdAt)),
                "data": try JSONDecoder().decode(JSONValue.self, from: event.data), "metadata": .object(metadata),
            ])
        }
        var response = try JSONResponse.make(JSONValue.object(["meeting_id": .string(id), "events": .array(entries)]))
        response.setConsistency(version: events.last?.version, position: nil)
        return response
    }

    /// `GET /users/{id}/agenda`: the caller's own upcoming meetings.
    func agenda(_ request: Request, _ context: MeetingsRequestContext) async throws -> Response {
        let user = try context.user()
        guard let id = Int(try context.parameters.require("id")), id == user else {
            throw ChronicleHTTPError(status: .forbidden, body: ChronicleHTTPError.error(code: "not_your_agenda", message: "You can only see your own agenda."))
        }
        return try JSONResponse.make(Agenda(userID: user, meetings: try await readQueries.agenda(of: user)))
    }

    /// `GET /activity`: the caller's activity feed, newest first.
    func activity(_ request: Request, _ context: MeetingsRequestContext) async throws -> Response {
        let limit = try request.integerParameter("limit", in: 1...100) ?? 20
        let before = try request.integerParameter("before", in: 1...Int.max).map(Int64.init)
        let entries = try await readQueries.activity(of: try context.user(), before: before, limit: limit + 1)
        let page = Array(entries.prefix(limit))
        return try JSONResponse.make(ActivityPage(entries: page, nextBefore: entries.count > limit ? page.last?.position : nil))
    }
}

/// A page of `GET /meetings`.
struct MeetingPage: Encodable {
    var meetings: [MeetingView]
    var nextOffset: Int?
    enum CodingKeys: String, CodingKey { case meetings, nextOffset = "next_offset" }
}

/// `GET /users/{id}/agenda`.
struct Agenda: Encodable {
    var userID: Int
    var meetings: [MeetingView]
    enum CodingKeys: String, CodingKey { case userID = "user_id", meetings }
}

/// A page of `GET /activity`.
struct ActivityPage: Encodable {
    var entries: [ActivityEntry]
    var nextBefore: Int64?
    enum CodingKeys: String, CodingKey { case entries, nextBefore = "next_before" }
}
