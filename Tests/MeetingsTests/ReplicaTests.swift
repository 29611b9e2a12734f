import Chronicle
import ChronicleProjections
import Foundation
import HTTPTypes
@testable import MeetingsServer
import SQLKit
import TestSupport
import Testing

/// The read routes on a hot standby (`meetings serve --replica-url`), made by `pg_basebackup -R`
/// from the tests' primary: a read that carries its write's position returns the write every
/// time; a standby that stops replaying or stops answers 503, never rows that lack the write;
/// commands go on reading from the primary. On the test command's primary and standby, which
/// these tests pause and stop one at a time.
@Suite(
    "Meetings: read replica", .serialized,
    .enabled(if: PostgresStandby.runsTests, "Read replica tests SKIPPED: run scripts/test, which starts a primary and its hot standby."))
struct ReplicaTests {
    static let minPosition = HTTPField.Name("Chronicle-Min-Position")!

    @Test func readsItsWritesThroughTheStandbyEveryTime() async throws {
        try await Self.withServerOnTheStandby { server in
            var behind = 0
            for round in 1...20 {
                let scheduled = try await server.send(
                    .post, "/meetings", as: 1,
                    json: #"{"title": "Round \#(round)", "starts_at": "\#(TestServer.time(server.clock.now + 86_400))", "invitee_ids": [2, 3]}"#)
                let id = try #require(scheduled.json["id"]?.stringValue, "\(scheduled)")
                let accepted = try await server.send(.post, "/meetings/\(id)/accept", as: 2)
                let position = try #require(accepted.headers[.init("Chronicle-Position")!], "\(accepted)")

                // The meeting's row (inline: it commits with the event).
                let meeting = try await Self.read(.get, "/meetings/\(id)", as: 3, after: position, on: server, behind: &behind)
                #expect(meeting.status == .ok && meeting.json["attendee_count"] == 1 && meeting.json["version"] == 2, "round \(round): \(meeting)")
                // The activity feed (async: its runner writes it later, on the primary).
                let activity = try await Self.read(.get, "/activity?limit=2", as: 3, after: position, on: server, behind: &behind)
                let kinds = activity.json["entries"]?.arrayValue.filter { $0["meeting_id"]?.stringValue == id }.compactMap { $0["kind"]?.stringValue }
                #expect(activity.status == .ok && kinds == ["accepted", "scheduled"], "round \(round): \(activity)")
                // The events by stream.
                let history = try await Self.read(.get, "/meetings/\(id)/history", as: 3, after: position, on: server, behind: &behind)
                #expect(history.json["events"]?.arrayValue.count == 2, "round \(round): \(history)")
            }
            print("Read replica: 60 reads of their own writes through the standby; \(behind) answered 503 read_side_behind first and were asked again.")

            // The log, read on the standby: the same events, in the same order, once replayed.
            let replica = try #require(server.app.replica)
            let primaryLog = try await server.app.store.readLog(after: 0, limit: 1_000).map(\.id)
            var replicaLog: [UUID] = []
            let deadline = ContinuousClock.now + .seconds(30)
            repeat {
                replicaLog = try await replica.database.readLog(after: 0, limit: 1_000).map(\.id)
                if replicaLog.count < primaryLog.count { try await Task.sleep(for: .milliseconds(50)) }
            } while replicaLog.count < primaryLog.count && ContinuousClock.now < deadline
            #expect(primaryLog.count == 40 && replicaLog == primaryLog, "the standby's log: \(replicaLog.count) of \(primaryLog.count) events")
        }
    }

    /// A standby that stops replaying (paused, or cut off from the primary) never reaches the
    /// position: the read waits its 2 s and answers 503 `read_side_behind`, and a read without
    /// the position shows the standby's older rows, which proves where the routes read.
    @Test func aStandbyThatStopsReplayingAnswers503AndNeverAWrongAnswer() async throws {
        let (_, standby) = try PostgresStandby.requireURLs()
        try await Self.withServerOnTheStandby { server in
            try await Backend.administer(standby, "SELECT pg_wal_replay_pause()")
            do {
                let scheduled = try await server.send(
                    .post, "/meetings", as: 1,
                    json: #"{"title": "Paused", "starts_at": "\#(TestServer.time(server.clock.now + 86_400))", "invitee_ids": [2]}"#)
                #expect(scheduled.status == .created, "commands read and write on the primary: \(scheduled)")
                let id = try #require(scheduled.json["id"]?.stringValue)
                let position = try #require(scheduled.headers[.init("Chronicle-Position")!])

                let started = ContinuousClock.now
                let waited = try await server.send(.get, "/meetings/\(id)", as: 1, headers: [Self.minPosition: position])
                let took = ContinuousClock.now - started
                #expect(waited.status == .serviceUnavailable && waited.errorCode == "read_side_behind", "\(waited)")
                #expect(waited.json["error"]?["message"]?.stringValue?.contains("read replica") == true, "\(waited)")
                #expect(waited.headers[.retryAfter] == "1")
                print("Read replica: a standby that stopped replaying answered 503 read_side_behind after \(took).")

                let stale = try await server.send(.get, "/meetings/\(id)", as: 1)
                #expect(stale.status == .notFound, "without the position, the standby's rows, which lack the meeting: \(stale)")
                let accepted = try await server.send(.post, "/meetings/\(id)/accept", as: 2)
                #expect(accepted.status == .ok, "commands see the meeting on the primary: \(accepted)")
            } catch {
                try? await Backend.administer(standby, "SELECT pg_wal_replay_resume()")
                throw error
            }
            try await Backend.administer(standby, "SELECT pg_wal_replay_resume()")
            let meetings = try await Self.read(.get, "/meetings", as: 2, after: try await String(server.head()), on: server)
            #expect(meetings.json["meetings"]?.arrayValue.first?["attendee_count"] == 1, "replaying again, it catches up: \(meetings)")
        }
    }

    /// A standby that is down fails the read routes fast with 503 `unavailable`, while commands,
    /// on the primary, go on; started again, it serves again by itself.
    @Test func aStoppedStandbyAnswers503WhileCommandsGoOn() async throws {
        try await Self.withServerOnTheStandby { server in
            let id = try await server.schedule(by: 1, inviting: [2])
            try await PostgresStandby.stop()
            do {
                let started = ContinuousClock.now
                let read = try await server.send(.get, "/meetings/\(id)", as: 1)
                let took = ContinuousClock.now - started
                #expect(read.status == .serviceUnavailable && read.errorCode == "unavailable", "\(read)")
                print("Read replica: with the standby down, a read answered 503 unavailable after \(took).")
                let accepted = try await server.send(.post, "/meetings/\(id)/accept", as: 2)
                #expect(accepted.status == .ok, "commands read and write on the primary: \(accepted)")
            } catch {
                try? await PostgresStandby.start()
                throw error
            }
            try await PostgresStandby.start()
            let position = try await String(server.head())
            let read = try await Self.read(.get, "/meetings/\(id)", as: 1, after: position, on: server)
            #expect(read.status == .ok && read.json["attendee_count"] == 1, "the standby serves again: \(read)")
        }
    }

    /// Serves the app on a new schema of the primary, reading from the standby, once the standby
    /// has replayed the schema's migrations.
    static func withServerOnTheStandby(_ body: @Sendable (TestServer) async throws -> Void) async throws {
        let (primary, standby) = try PostgresStandby.requireURLs()
        try await Backend.postgres.withDatabase(server: primary) { database in
            _ = try await EventSourcedApp.meetings(url: database, operationTimeout: .seconds(30)) { try await $0.migrate() }
            guard var components = URLComponents(string: database), let standbyPort = URLComponents(string: standby)?.port else {
                throw TestSupportError("Cannot read the URLs \(database) and \(standby).")
            }
            components.port = standbyPort
            let replicaURL = try #require(components.string)
            try await TestServer.serve(database, migrating: false, replicaURL: replicaURL) { server in
                let replica = try #require(server.app.replica)
                let deadline = ContinuousClock.now + .seconds(60)
                while try await !Self.hasReplayedTheMigrations(replica), ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(50))
                }
                try await body(server)
            }
        }
    }

    static func hasReplayedTheMigrations(_ replica: ReadReplica) async throws -> Bool {
        do {
            return try await replica.database.withReadConnection { sql in
                try await sql.raw("SELECT count(*) AS projections FROM chronicle_projections").first()?.decode(column: "projections", as: Int.self) ?? 0
            } > 0
        } catch {
            return false
        }
    }

    /// A read that waits for a position, asked again while the answer is 503 `read_side_behind`
    /// (the suite shares two busy cores, and the wait is 2 s), for up to 30 s.
    static func read(
        _ method: HTTPRequest.Method, _ path: String, as user: Int, after position: String, on server: TestServer, behind: inout Int,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> TestServer.Reply {
        let deadline = ContinuousClock.now + .seconds(30)
        var reply = try await server.send(method, path, as: user, headers: [minPosition: position], sourceLocation: sourceLocation)
        while reply.status == .serviceUnavailable && reply.errorCode == "read_side_behind" && ContinuousClock.now < deadline {
            behind += 1
            try await Task.sleep(for: .milliseconds(200))
            reply = try await server.send(method, path, as: user, headers: [minPosition: position], sourceLocation: sourceLocation)
        }
        return reply
    }

    static func read(
        _ method: HTTPRequest.Method, _ path: String, as user: Int, after position: String, on server: TestServer,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> TestServer.Reply {
        var behind = 0
        return try await read(method, path, as: user, after: position, on: server, behind: &behind, sourceLocation: sourceLocation)
    }
}
