import Chronicle
import Foundation
import HTTPTypes
import TestSupport
import Testing

/// Concurrent commands on one meeting: without `If-Match` they all succeed, queued one after
/// another; with `If-Match`, one wins and the others get 409 with both versions.
@Suite("Meetings: races")
struct RaceTests {
    @Test(arguments: Backend.available)
    func concurrentAcceptsAllSucceedWithoutIfMatch(_ backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let invitees = Array(2...6)
            let id = try await server.schedule(by: 1, inviting: invitees)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for invitee in invitees {
                    group.addTask { try await server.send(.post, "/meetings/\(id)/accept", as: invitee, patiently: true).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == .ok }, "\(statuses)")
            let meeting = try await server.send(.get, "/meetings/\(id)", as: 1)
            #expect(meeting.json["attendee_count"] == 5 && meeting.json["version"] == 6, "\(meeting)")
            #expect(try await server.head() == 6)
        }
    }

    @Test(arguments: Backend.available)
    func fiftyConcurrentCommandsOnOneMeetingAllSucceed(_ backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let id = try await server.schedule(by: 1, inviting: [2, 3])
            let times = (1...50).map { TestServer.time(server.clock.now + 86_400 + Double($0) * 600) }
            let replies = try await withThrowingTaskGroup(of: TestServer.Reply.self) { group in
                for time in times {
                    group.addTask {
                        try await server.send(.post, "/meetings/\(id)/reschedule", as: 1, json: #"{"starts_at": "\#(time)"}"#, patiently: true)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(replies.allSatisfy { $0.status == .ok }, "no 409 without If-Match: \(replies.filter { $0.status != .ok })")
            #expect(Set(replies.compactMap { $0.headers[.eTag] }).count == 50, "each got a version of its own")
            let meeting = try await server.send(.get, "/meetings/\(id)", as: 1)
            #expect(meeting.json["version"] == 51, "\(meeting)")
            #expect(try await server.head() == 51)
            let history = try await server.send(.get, "/meetings/\(id)/history", as: 1)
            let last = history.json["events"]?.arrayValue.last?["data"]?["starts_at"]?.stringValue
            #expect(meeting.json["starts_at"]?.stringValue == last, "the row is the last move: \(String(describing: last))")
        }
    }

    @Test(arguments: Backend.available)
    func withIfMatchOneWinsAndTheOtherGets409(_ backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let id = try await server.schedule(by: 1, inviting: [2, 3])
            // Two reschedules from the same version.
            let times = [2, 3].map { TestServer.time(server.clock.now + Double($0) * 86_400) }
            let moves = try await withThrowingTaskGroup(of: TestServer.Reply.self) { group in
                for time in times {
                    group.addTask {
                        try await server.send(.post, "/meetings/\(id)/reschedule", as: 1, json: #"{"starts_at": "\#(time)"}"#, headers: [.ifMatch: "\"1\""])
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(moves.filter { $0.status == .ok }.count == 1, "\(moves)")
            let lost = try #require(moves.first { $0.status == .conflict }, "\(moves)")
            #expect(lost.errorCode == "conflict" && lost.json["error"]?["expected_version"] == 1 && lost.json["error"]?["actual_version"] == 2, "\(lost)")

            // Two invitees accepting from the same version, both with If-Match.
            let accepts = try await withThrowingTaskGroup(of: TestServer.Reply.self) { group in
                for invitee in [2, 3] {
                    group.addTask { try await server.send(.post, "/meetings/\(id)/accept", as: invitee, headers: [.ifMatch: "\"2\""]) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(accepts.map(\.status.code).sorted() == [200, 409], "\(accepts)")
            #expect(try await server.head() == 3, "one move and one answer were written")
        }
    }
}
