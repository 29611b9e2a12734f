import Chronicle
import ChronicleProjections
import Foundation
import HTTPTypes
import MeetingsDomain
@testable import MeetingsServer
import TestSupport
import Testing

/// The meeting events are stored in snake_case, like the rest of the API: the history, the feed
/// and `meetings events` show `starts_at`, `invitee_ids`, `organizer_id`. Events stored before
/// the change, with the declared keys (`userID`), stay readable without an upcaster.
@Suite("Meetings: snake_case events")
struct SnakeCaseTests {
    @Test(arguments: Backend.available)
    func historyFeedAndEventsShowSnakeCase(_ backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let id = try await server.schedule(by: 1, inviting: [2, 3])
            let history = try await server.send(.get, "/meetings/\(id)/history", as: 1)
            let data = try #require(history.json["events"]?[0]?["data"], "\(history)")
            #expect(data["starts_at"] != nil && data["invitee_ids"] == [2, 3] && data["organizer_id"] == 1 && data["duration_minutes"] == 30, "\(data)")
            #expect(data["startsAt"] == nil && data["inviteeIDs"] == nil, "\(data)")

            let feed = try await server.app.store.readCommittedLog(after: 0, limit: 10)
            let document = try EventDocument(try #require(feed.first))
            #expect(document.data["invitee_ids"] == [2, 3], "the feed's documents carry the data as stored")
            let lines = try await Self.eventsCommand(server.databaseURL)
            #expect(lines.contains { $0.contains(#""invitee_ids":[2,3]"#) && $0.contains(#""organizer_id":1"#) }, "\(lines)")
        }
    }

    @Test(arguments: Backend.available)
    func eventsStoredWithTheDeclaredKeysStayReadable(_ backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let id = try await server.schedule(by: 1, inviting: [2, 3])
            // An acceptance as the store kept it before the change: `{"userID": 2}`.
            let old = NewEvent(eventType: InvitationAccepted.eventType, data: Data(#"{"userID":2}"#.utf8))
            try await server.app.events.append([old], to: StreamName(entityType: "meeting", entityID: id), expected: .exactly(1))

            let meeting = try await server.send(.get, "/meetings/\(id)", as: 1)
            #expect(meeting.json["attendee_count"] == 1, "the inline projection read it: \(meeting)")
            #expect(meeting.json["version"] == 2)
            // The aggregate reads it too: user 2 has accepted, so declining changes the answer.
            let declined = try await server.send(.post, "/meetings/\(id)/decline", as: 2, json: "{}")
            #expect(declined.status == .ok, "\(declined)")
            #expect(declined.json["attendee_count"] == 0, "\(declined)")
            let history = try await server.send(.get, "/meetings/\(id)/history", as: 1)
            #expect(history.json["events"]?[1]?["data"] == ["userID": 2], "kept as stored")
            #expect(history.json["events"]?[2]?["data"] == ["user_id": 2], "new events in snake_case")
        }
    }

    /// `meetings events --json` on a database: one line per event.
    static func eventsCommand(_ url: String) async throws -> [String] {
        let run = try await ChildProcess.run("meetings", ["events", "--database-url", url])
        #expect(run.status == 0, "\(run)")
        return run.lines
    }
}
