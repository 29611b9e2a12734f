import Chronicle
import ChronicleHummingbird
import Foundation
import HTTPTypes
import Hummingbird
import MeetingsDomain

extension MeetingsAPI {
    /// `POST /meetings`: schedules a meeting organized by the caller; 201 with the meeting.
    ///
    /// Every invitee must be a user of the app: an unknown one fails like the command's own
    /// rules, field by field, all at once.
    func schedule(_ request: Request, _ context: MeetingsRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(ScheduleBody.self, context: context)
        let command = ScheduleMeeting(
            title: body.title, startsAt: body.startsAt, durationMinutes: body.durationMinutes, organizerID: try context.user(),
            inviteeIDs: body.inviteeIDs)
        let unknown = command.inviteeIDs.enumerated().filter { $0.element > 0 && DemoUsers.user($0.element) == nil }
        if !unknown.isEmpty {
            var failures = ScheduleMeeting.schema.validate(command, now: now())
            failures += unknown.map {
                ValidationFailure(
                    field: "invitee_ids[\($0.offset)]", code: "unknown_user",
                    message: "must be a user of the app (\(DemoUsers.all.map(\.id).map(String.init).joined(separator: ", ")))")
            }
            throw CommandValidationError(command: "ScheduleMeeting", failures: failures)
        }
        let id = UUID().uuidString.lowercased()
        var response = try await respond(to: command, on: id, expected: .noEvents, request, context, status: .created)
        response.headers[.location] = "/meetings/\(id)"
        return response
    }

    /// A command on the meeting in the path; 200 with the meeting.
    ///
    /// Who may see the meeting is checked before anything else is told: a caller who is
    /// neither its organizer nor invited learns only that (403), not its version (an `If-Match`
    /// conflict) nor whether the command would break a rule.
    func execute<C: Command>(_ command: C, _ request: Request, _ context: MeetingsRequestContext) async throws -> Response where C.Target == Meeting {
        let id = try Self.meetingID(context)
        guard let meeting = try await queries.meeting(id) else { throw Self.meetingNotFound(id) }
        guard meeting.isVisible(to: try context.user()) else { throw Self.notAParticipant }
        let expected = try request.expectedVersion(currentVersion: meeting.version)
        return try await respond(to: command, on: id, expected: expected, request, context, status: .ok)
    }

    /// Executes a command and answers with the meeting, its version as `ETag` and the last
    /// event's position as `Chronicle-Position`.
    private func respond<C: Command>(
        to command: C, on id: String, expected: ExpectedVersion, _ request: Request, _ context: MeetingsRequestContext,
        status: HTTPResponse.Status
    ) async throws -> Response where C.Target == Meeting {
        let metadata = EventMetadata(request: request, actor: DemoUsers.actor(try context.user()), clientAddress: context.clientAddress)
        let result: CommandResult<Meeting>
        do {
            result = try await aggregates.execute(command, on: EntityID(id), expected: expected, metadata: metadata)
        } catch let error as EventStoreError where error.code == .entityNotFound {
            throw Self.meetingNotFound(id)
        }
        // The command's result is the meeting as its events left it, the same as its row; only
        // a command that wrote nothing needs the row for its last change's time.
        let meeting: MeetingView
        if let last = result.events.last {
            meeting = MeetingView(id: id, state: result.state, version: result.version, updatedAt: last.createdAt)
        } else {
            guard let row = try await queries.meeting(id) else { throw Self.meetingNotFound(id) }
            meeting = row
        }
        var response = try JSONResponse.make(meeting, status: status)
        response.setConsistency(version: meeting.version, position: result.position)
        return response
    }
}
