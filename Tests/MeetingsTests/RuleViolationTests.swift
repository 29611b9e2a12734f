import Chronicle
import Foundation
import HTTPTypes
import TestSupport
import Testing

/// Every rule of the domain and the API broken once, with the exact status and body, and
/// nothing written.
@Suite("Meetings: rule violations")
struct RuleViolationTests {
    /// Sends a request that must fail with `status` and exactly `body`, writing nothing.
    func expectRefusal(
        _ server: TestServer, _ method: HTTPRequest.Method, _ path: String, as user: Int?, json: String? = nil, headers: HTTPFields = [:],
        _ status: HTTPResponse.Status, _ body: String, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let head = try await server.head()
        let reply = try await server.send(method, path, as: user, json: json, headers: headers, sourceLocation: sourceLocation)
        #expect(reply.status == status, "\(reply)", sourceLocation: sourceLocation)
        let expected = try JSONDecoder().decode(JSONValue.self, from: Data(body.utf8))
        #expect(reply.json == expected, "\(reply.body)", sourceLocation: sourceLocation)
        #expect(try await server.head() == head, "nothing written", sourceLocation: sourceLocation)
    }

    @Test(arguments: Backend.available)
    func schedulingValidatesEveryField(_ backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let tooSoon = TestServer.time(server.clock.now + 120)
            try await expectRefusal(
                server, .post, "/meetings", as: 2,
                json: #"{"title": " ", "starts_at": "\#(tooSoon)", "duration_minutes": 2, "invitee_ids": [2, -4, 2]}"#,
                .unprocessableContent,
                #"""
                {"errors": {
                  "title": [{"code": "blank", "message": "must not be blank"}],
                  "starts_at": [{"code": "too_early", "message": "must be at least 5 minutes from now"}],
                  "duration_minutes": [{"code": "too_small", "message": "must be between 5 and 480"}],
                  "invitee_ids[1]": [{"code": "not_positive", "message": "must be positive"}],
                  "invitee_ids[2]": [{"code": "duplicate", "message": "must not repeat an earlier element"}],
                  "invitee_ids": [{"code": "organizer_invited", "message": "must not include the organizer"}]
                }}
                """#)
            let later = TestServer.time(server.clock.now + 86_400)
            try await expectRefusal(
                server, .post, "/meetings", as: 1,
                json: #"{"title": "\#(String(repeating: "a", count: 201))", "starts_at": "\#(later)", "duration_minutes": 481, "invitee_ids": []}"#,
                .unprocessableContent,
                #"""
                {"errors": {
                  "title": [{"code": "too_long", "message": "must be at most 200 characters long"}],
                  "duration_minutes": [{"code": "too_large", "message": "must be between 5 and 480"}],
                  "invitee_ids": [{"code": "empty", "message": "must not be empty"}]
                }}
                """#)
            try await expectRefusal(
                server, .post, "/sessions", as: nil, json: #"{"user_id": 7}"#, .unprocessableContent,
                #"{"error": {"code": "unknown_user", "message": "User 7 is not a demo user: pick one of 1–6, or 100 for the integration account."}}"#)
        }
    }

    @Test(arguments: Backend.available)
    func onlyTheRightPeopleActOnAMeeting(_ backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let id = try await server.schedule(by: 1, inviting: [2, 3])
            let notInvited = #"{"error": {"code": "not_invited", "message": "Only an invitee can answer the invitation."}}"#
            let notOrganizer = #"{"error": {"code": "not_organizer", "message": "Only the organizer can do this."}}"#
            let notParticipant = #"{"error": {"code": "not_a_participant", "message": "Only the organizer and the invitees can see this meeting."}}"#
            // Someone not invited learns only that they may not see the meeting.
            try await expectRefusal(server, .post, "/meetings/\(id)/accept", as: 4, .forbidden, notParticipant)
            try await expectRefusal(server, .post, "/meetings/\(id)/decline", as: 1, .forbidden, notInvited)
            let later = TestServer.time(server.clock.now + 2 * 86_400)
            try await expectRefusal(server, .post, "/meetings/\(id)/reschedule", as: 2, json: #"{"starts_at": "\#(later)"}"#, .forbidden, notOrganizer)
            try await expectRefusal(server, .post, "/meetings/\(id)/cancel", as: 3, .forbidden, notOrganizer)
            try await expectRefusal(server, .post, "/meetings/\(id)/finish", as: 2, .forbidden, notOrganizer)

            try await expectRefusal(server, .get, "/meetings/\(id)", as: 4, .forbidden, notParticipant)
            try await expectRefusal(server, .get, "/meetings/\(id)?version=1", as: 4, .forbidden, notParticipant)
            try await expectRefusal(server, .get, "/meetings/\(id)/history", as: 4, .forbidden, notParticipant)
            try await expectRefusal(
                server, .get, "/users/2/agenda", as: 3, .forbidden,
                #"{"error": {"code": "not_your_agenda", "message": "You can only see your own agenda."}}"#)
            let others = try await server.send(.get, "/meetings", as: 4)
            #expect(others.json["meetings"]?.arrayValue.isEmpty == true, "a stranger's list does not show it")
        }
    }

    @Test(arguments: Backend.available)
    func aMeetingsStateRules(_ backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let id = try await server.schedule(by: 1, inviting: [2, 3], in: 86_400)
            let startsAt = try #require(try await server.send(.get, "/meetings/\(id)", as: 1).json["starts_at"]?.stringValue)
            try await expectRefusal(
                server, .post, "/meetings/\(id)/reschedule", as: 1, json: #"{"starts_at": "\#(startsAt)"}"#, .unprocessableContent,
                #"{"error": {"code": "same_start_time", "message": "The meeting already starts at that time."}}"#)
            try await expectRefusal(
                server, .post, "/meetings/\(id)/reschedule", as: 1, json: #"{"starts_at": "\#(TestServer.time(server.clock.now + 60))"}"#,
                .unprocessableContent, #"{"errors": {"starts_at": [{"code": "too_early", "message": "must be at least 5 minutes from now"}]}}"#)
            try await expectRefusal(
                server, .post, "/meetings/\(id)/finish", as: 1, .unprocessableContent,
                #"{"error": {"code": "meeting_not_started", "message": "A meeting can be finished only once it has started."}}"#)
            try await expectRefusal(
                server, .post, "/meetings/\(id)/cancel", as: 1, json: #"{"reason": "  "}"#, .unprocessableContent,
                #"{"errors": {"reason": [{"code": "blank", "message": "must not be blank"}]}}"#)

            // Nothing after cancelled…
            #expect(try await server.send(.post, "/meetings/\(id)/cancel", as: 1).status == .ok)
            let wasCancelled = #"{"error": {"code": "meeting_not_scheduled", "message": "The meeting was cancelled; it cannot change any more."}}"#
            let later = TestServer.time(server.clock.now + 2 * 86_400)
            try await expectRefusal(server, .post, "/meetings/\(id)/accept", as: 2, .unprocessableContent, wasCancelled)
            try await expectRefusal(server, .post, "/meetings/\(id)/decline", as: 3, .unprocessableContent, wasCancelled)
            try await expectRefusal(server, .post, "/meetings/\(id)/reschedule", as: 1, json: #"{"starts_at": "\#(later)"}"#, .unprocessableContent, wasCancelled)
            try await expectRefusal(server, .post, "/meetings/\(id)/cancel", as: 1, .unprocessableContent, wasCancelled)
            try await expectRefusal(server, .post, "/meetings/\(id)/finish", as: 1, .unprocessableContent, wasCancelled)

            // …nor after finished.
            let other = try await server.schedule(by: 1, inviting: [2], in: 600)
            server.clock.advance(900)
            #expect(try await server.send(.post, "/meetings/\(other)/finish", as: 1).status == .ok)
            try await expectRefusal(
                server, .post, "/meetings/\(other)/accept", as: 2, .unprocessableContent,
                #"{"error": {"code": "meeting_not_scheduled", "message": "The meeting has finished; it cannot change any more."}}"#)
        }
    }

    @Test(arguments: Backend.available)
    func missingMeetingsVersionsAndBadParameters(_ backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let id = try await server.schedule(by: 1, inviting: [2])
            let missing = UUID().uuidString.lowercased()
            let notFound = #"{"error": {"code": "not_found", "message": "No meeting has the id \#(missing)."}}"#
            try await expectRefusal(server, .post, "/meetings/\(missing)/accept", as: 2, .notFound, notFound)
            try await expectRefusal(server, .get, "/meetings/\(missing)", as: 2, .notFound, notFound)
            try await expectRefusal(server, .get, "/meetings/\(missing)?version=1", as: 2, .notFound, notFound)
            try await expectRefusal(server, .get, "/meetings/\(missing)/history", as: 2, .notFound, notFound)
            try await expectRefusal(
                server, .get, "/meetings/not-an-id", as: 2, .badRequest,
                #"{"error": {"code": "invalid_parameter", "field": "id", "message": "id must be a meeting's id: a UUID such as 3f2504e0-4f89-41d3-9a0c-0305e82c3301."}}"#)
            try await expectRefusal(
                server, .get, "/meetings/\(id)?version=2", as: 2, .notFound,
                #"{"error": {"code": "version_not_found", "message": "The meeting has 1 versions, not 2."}}"#)

            try await expectRefusal(
                server, .get, "/meetings?limit=0", as: 2, .badRequest,
                #"{"error": {"code": "invalid_parameter", "field": "limit", "message": "limit must be an integer from 1 to 100."}}"#)
            try await expectRefusal(
                server, .get, "/meetings?status=open", as: 2, .badRequest,
                #"{"error": {"code": "invalid_parameter", "field": "status", "message": "status must be one of scheduled, cancelled, finished."}}"#)
            try await expectRefusal(
                server, .get, "/meetings?upcoming=soon", as: 2, .badRequest,
                #"{"error": {"code": "invalid_parameter", "field": "upcoming", "message": "upcoming must be one of true, false."}}"#)
            try await expectRefusal(
                server, .post, "/meetings/\(id)/accept", as: 2, headers: [.ifMatch: "1"], .badRequest,
                #"{"error": {"code": "malformed_if_match", "field": "If-Match", "message": "If-Match must be * or entity tags in quotes, such as \"3\" (the version an ETag gave)."}}"#)
            try await expectRefusal(
                server, .get, "/activity", as: 2, headers: [.init("Chronicle-Min-Position")!: "soon"], .badRequest,
                #"{"error": {"code": "malformed_min_position", "field": "Chronicle-Min-Position", "message": "Chronicle-Min-Position must be a position, such as 42."}}"#)
            try await expectRefusal(
                server, .post, "/meetings/\(id)/accept", as: 2, headers: [.ifMatch: "\"7\""], .conflict,
                #"""
                {"error": {"code": "conflict", "expected_version": 7, "actual_version": 1,
                  "message": "The entity is at version 1, not 7 as If-Match expects."}}
                """#)
        }
    }
}
