import Chronicle
import ChronicleProjections
import Foundation
import HTTPTypes
@testable import MeetingsServer
import TestSupport
import Testing

/// A meeting's whole life over real HTTP: sessions, commands, reads, history, time travel, the
/// activity feed and the mail the notifications reactor queues.
@Suite("Meetings: lifecycle")
struct LifecycleTests {
    static let requestID = HTTPField.Name("X-Request-ID")!

    @Test(arguments: Backend.available)
    func aMeetingFromScheduleToFinish(_ backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            // A session: the token it returns is the one the API takes.
            let session = try await server.send(.post, "/sessions", json: #"{"user_id": 1}"#)
            #expect(session.status == .created && session.json["name"] == "Ada" && session.json["user_id"] == 1, "\(session)")
            let token = try #require(session.json["token"]?.stringValue)
            let mine = try await server.send(.get, "/meetings", headers: [.authorization: "Bearer \(token)"])
            #expect(mine.status == .ok && mine.json["meetings"]?.arrayValue.isEmpty == true, "\(mine)")

            // Schedule: 201, the row, its version as ETag, the position as a consistency token.
            let startsAt = server.clock.now + 86_400
            let scheduled = try await server.send(
                .post, "/meetings", as: 1,
                json: #"{"title": "Retro", "starts_at": "\#(TestServer.time(startsAt))", "invitee_ids": [2, 3]}"#,
                headers: [Self.requestID: "req-schedule", .userAgent: "meetings-tests/1"])
            #expect(scheduled.status == .created, "\(scheduled)")
            let id = try #require(scheduled.json["id"]?.stringValue)
            #expect(scheduled.headers[.location] == "/meetings/\(id)")
            #expect(scheduled.headers[.eTag] == "\"1\"")
            #expect(scheduled.headers[.init("Chronicle-Position")!] == "1")
            let meeting = scheduled.json
            #expect(meeting["title"] == "Retro" && meeting["status"] == "scheduled" && meeting["duration_minutes"] == 30)
            #expect(meeting["organizer_id"] == 1 && meeting["attendee_count"] == 0 && meeting["version"] == 1)
            #expect(meeting["starts_at"]?.stringValue == Timestamp.string(startsAt))
            #expect(meeting["invitations"] == [["response": "pending", "user_id": 2], ["response": "pending", "user_id": 3]])
            if case .object(let fields) = meeting {
                #expect(Set(fields.keys) == OpenAPIDocument.shared.schemaProperties["Meeting"], "the Meeting schema lists exactly its fields")
            }

            // Answers: accepting twice writes nothing the second time.
            let accepted = try await server.send(.post, "/meetings/\(id)/accept", as: 2)
            #expect(accepted.status == .ok && accepted.json["attendee_count"] == 1 && accepted.headers[.eTag] == "\"2\"", "\(accepted)")
            let again = try await server.send(.post, "/meetings/\(id)/accept", as: 2, json: "{}")
            #expect(again.status == .ok && again.headers[.eTag] == "\"2\"" && again.headers[.init("Chronicle-Position")!] == nil, "\(again)")
            #expect(try await server.head() == 2)
            let declined = try await server.send(.post, "/meetings/\(id)/decline", as: 3)
            #expect(declined.status == .ok && declined.json["invitations"]?[1]?["response"] == "declined", "\(declined)")

            // The organizer moves it, expecting the version they saw.
            let movedTo = startsAt + 3_600
            let moved = try await server.send(
                .post, "/meetings/\(id)/reschedule", as: 1, json: #"{"starts_at": "\#(TestServer.time(movedTo))"}"#, headers: [.ifMatch: "\"3\""])
            #expect(moved.status == .ok && moved.json["starts_at"]?.stringValue == Timestamp.string(movedTo) && moved.json["version"] == 4, "\(moved)")

            // Reads: the row, and the state at an earlier version folded from the events.
            let now = try await server.send(.get, "/meetings/\(id)", as: 3)
            #expect(now.status == .ok && now.json["version"] == 4 && now.headers[.eTag] == "\"4\"", "\(now)")
            let first = try await server.send(.get, "/meetings/\(id)?version=1", as: 3)
            #expect(first.status == .ok && first.json["version"] == 1 && first.json["starts_at"]?.stringValue == Timestamp.string(startsAt), "\(first)")
            #expect(first.json["invitations"] == [["response": "pending", "user_id": 2], ["response": "pending", "user_id": 3]])
            let second = try await server.send(.get, "/meetings/\(id)?version=2", as: 3)
            #expect(second.json["attendee_count"] == 1 && second.json["invitations"]?[0]?["response"] == "accepted", "\(second)")
            let current = try await server.send(.get, "/meetings/\(id)?version=4", as: 3)
            #expect(now.json == current.json, "the read table and the folded events agree")

            // The audit trail, with each event's metadata.
            let history = try await server.send(.get, "/meetings/\(id)/history", as: 2)
            let events = history.json["events"]?.arrayValue ?? []
            #expect(events.compactMap { $0["type"]?.stringValue } == [
                "meeting.scheduled", "meeting.invitation_accepted", "meeting.invitation_declined", "meeting.rescheduled",
            ], "\(history)")
            #expect(events.first?["metadata"]?["actor"] == "user:1")
            #expect(events.first?["metadata"]?["request_id"] == "req-schedule")
            #expect(events.first?["metadata"]?["user_agent"] == "meetings-tests/1")
            #expect(events.first?["metadata"]?["client_address"]?.stringValue?.isEmpty == false)
            #expect(events.first?["data"]?["title"] == "Retro")
            #expect(events[safe: 2]?["metadata"]?["actor"] == "user:3")
            #expect(events.map { $0["version"] } == [1, 2, 3, 4])

            // Agendas: the one who declined no longer has it.
            let agenda = try await server.send(.get, "/users/2/agenda", as: 2)
            #expect(agenda.json["meetings"]?.arrayValue.map { $0["id"] } == [.string(id)], "\(agenda)")
            let declinerAgenda = try await server.send(.get, "/users/3/agenda", as: 3)
            #expect(declinerAgenda.json["meetings"]?.arrayValue.isEmpty == true, "\(declinerAgenda)")

            // The activity feed follows the log; the position of the last write makes the read wait for it.
            let position = try #require(moved.headers[.init("Chronicle-Position")!])
            // (Asked again while the read side is behind: the whole suite shares a busy machine.)
            let activity = try await server.send(
                until: .ok, before: .now + .seconds(30), .get, "/activity", as: 2, headers: [.init("Chronicle-Min-Position")!: position])
            #expect(activity.status == .ok, "\(activity)")
            let entries = activity.json["entries"]?.arrayValue ?? []
            #expect(entries.compactMap { $0["kind"]?.stringValue } == ["rescheduled", "declined", "accepted", "scheduled"], "\(activity)")
            #expect(entries.last?["summary"]?.stringValue?.hasPrefix("Ada scheduled “Retro” for ") == true)
            #expect(entries[safe: 2]?["summary"] == "Grace accepted “Retro”.")

            // Finish once it has started; then nothing changes it.
            let early = try await server.send(.post, "/meetings/\(id)/finish", as: 1)
            #expect(early.status == .unprocessableContent && early.errorCode == "meeting_not_started", "\(early)")
            server.clock.advance(2 * 86_400)
            let finished = try await server.send(.post, "/meetings/\(id)/finish", as: 1)
            #expect(finished.status == .ok && finished.json["status"] == "finished" && finished.json["version"] == 5, "\(finished)")

            // Another meeting, cancelled with a reason.
            let other = try await server.schedule(by: 1, inviting: [2, 3], title: "Planning")
            let cancelled = try await server.send(.post, "/meetings/\(other)/cancel", as: 1, json: #"{"reason": "Team away"}"#)
            #expect(cancelled.status == .ok && cancelled.json["status"] == "cancelled", "\(cancelled)")

            // The reactor's mail: invitations, the move (not to who declined), the cancellation.
            try await server.waitForReadSide()
            let mail = try await server.rows("outbox", orderedBy: "subject, recipient_id").map { line in
                line.split(separator: " ").filter { $0.hasPrefix("recipient_id=") || $0.hasPrefix("subject=") }.joined(separator: " ")
            }
            #expect(mail == [
                "recipient_id=2 subject=Cancelled:", "recipient_id=3 subject=Cancelled:",
                "recipient_id=2 subject=Invitation:", "recipient_id=3 subject=Invitation:",
                "recipient_id=2 subject=Invitation:", "recipient_id=3 subject=Invitation:",
                "recipient_id=2 subject=Moved:",
            ], "\(mail)")
        }
    }

    @Test(arguments: Backend.available)
    func listsFiltersAndPages(_ backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let soon = try await server.schedule(by: 4, inviting: [5], title: "Soon", in: 3_600)
            let later = try await server.schedule(by: 4, inviting: [5, 6], title: "Later", in: 7_200)
            let latest = try await server.schedule(by: 6, inviting: [5], title: "Latest", in: 10_800)
            let hidden = try await server.schedule(by: 1, inviting: [2], title: "Not for 5")
            _ = hidden
            try await server.send(.post, "/meetings/\(later)/cancel", as: 4)

            func ids(_ query: String, as user: Int = 5) async throws -> [String] {
                let reply = try await server.send(.get, "/meetings\(query)", as: user)
                #expect(reply.status == .ok, "\(reply)")
                return reply.json["meetings"]?.arrayValue.compactMap { $0["id"]?.stringValue } ?? []
            }
            #expect(try await ids("") == [soon, later, latest], "only the caller's meetings, in start order")
            #expect(try await ids("?status=scheduled") == [soon, latest])
            #expect(try await ids("?status=cancelled") == [later])
            #expect(try await ids("?organizer=6") == [latest])
            #expect(try await ids("?invitee=6") == [later])
            #expect(try await ids("?upcoming=true") == [soon, latest])
            #expect(try await ids("?upcoming=false") == [later])

            let firstPage = try await server.send(.get, "/meetings?limit=2", as: 5)
            #expect(firstPage.json["meetings"]?.arrayValue.count == 2 && firstPage.json["next_offset"] == 2, "\(firstPage)")
            let lastPage = try await server.send(.get, "/meetings?limit=2&offset=2", as: 5)
            #expect(lastPage.json["meetings"]?.arrayValue.compactMap { $0["id"]?.stringValue } == [latest] && lastPage.json["next_offset"] == nil)

            server.clock.advance(5_400)
            #expect(try await ids("?upcoming=true") == [latest], "started meetings are no longer upcoming")
            let agenda = try await server.send(.get, "/users/5/agenda", as: 5)
            #expect(agenda.json["meetings"]?.arrayValue.compactMap { $0["id"]?.stringValue } == [latest])
        }
    }

    @Test(arguments: Backend.available)
    func healthReadinessAndThePage(_ backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let health = try await server.send(.get, "/health")
            #expect(health.status == .ok && health.json == ["status": "ok"])
            let ready = try await server.send(.get, "/ready")
            #expect(ready.status == .ok && ready.json["status"] == "ready", "\(ready)")
            let page = try await server.send(.get, "/")
            #expect(page.status == .ok && page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(page.body.contains(#"<button data-user="2" aria-pressed="false">Grace</button>"#) && page.body.contains("/users/"), "the page lists the demo users and calls the API")
            let openAPI = try await server.send(.get, "/openapi.yaml")
            #expect(openAPI.status == .ok && openAPI.body.hasPrefix("openapi: 3.1.0"))
        }
    }

    @Test(arguments: Backend.available)
    func notReadyUntilMigrated(_ backend: Backend) async throws {
        try await backend.withDatabase { url in
            try await TestServer.serve(url, migrating: false) { server in
                let health = try await server.send(.get, "/health")
                #expect(health.status == .ok, "alive, though not ready")
                let ready = try await server.send(.get, "/ready")
                #expect(ready.status == .serviceUnavailable && ready.json["status"] == "not_ready", "\(ready)")
                #expect(ready.headers[.retryAfter] == "1", "\(ready)")
                #expect(ready.json["problems"]?.arrayValue.first?.stringValue?.contains("pending migration") == true, "\(ready)")
                try await server.app.migrate()
                // Ready once the runners retry after the migration: their delay grows while the
                // tables are missing, up to the read side's maximumRetryDelay (30 s).
                let migrated = try await server.send(until: .ok, before: .now + .seconds(35), .get, "/ready")
                #expect(migrated.status == .ok, "\(migrated)")
            }
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}
