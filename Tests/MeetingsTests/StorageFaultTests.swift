import Chronicle
import ChronicleProjections
import ChronicleSQL
import Foundation
import HTTPTypes
import Logging
@testable import MeetingsServer
import SQLiteNIO
import TestSupport
import Testing

/// A SQLite file on a full disk, on a read-only file system, or locked by another connection:
/// writes answer 503 with `Retry-After` and a JSON body, an error-level line is logged,
/// readiness says so, nothing is half-written, and the app recovers when the fault goes.
/// (PostgreSQL's full disk is in ``OutageTests``.)
@Suite("Meetings: storage faults on SQLite", .serialized)
struct StorageFaultTests {
    static let deadline = Duration.seconds(2)

    @Test(.enabled(if: TemporaryMount.isAvailable, "Full-disk tests SKIPPED: mounting a tmpfs needs root."))
    func aFullDiskAnswers503AndNothingIsHalfWritten() async throws {
        let disk = try TemporaryMount.mount(size: "2m")
        defer { disk.unmount() }
        try await Backend.sqlite.withDatabase(in: disk.path) { database in
            let log = LogRecorder()
            try await TestServer.serve(database, operationTimeout: Self.deadline, logger: log.logger(label: "full", level: .error)) { server in
                try await Self.expect503AndRecovery(server, log: log, disk: disk)
            }
        }
    }

    @Test(.enabled(if: TemporaryMount.isAvailable, "Read-only tests SKIPPED: mounting needs root."))
    func aReadOnlyFileAnswers503AndNothingIsWritten() async throws {
        try await Backend.sqlite.withDatabase { database in
            let id = try await TestServer.serve(database) { server in try await server.schedule() }
            // Linux cannot make a file read-only under a process that writes it: the app starts
            // on a file that is read-only already (SQLite then opens it for reading).
            try TemporaryMount.makeReadOnly(database)
            do {
                let log = LogRecorder()
                try await TestServer.serve(database, migrating: false, operationTimeout: Self.deadline, readinessTimeout: .milliseconds(900), logger: log.logger(label: "read-only", level: .error)) { server in
                    let before = try await server.head()
                    try await Self.expectRefusedWrites(server, log: log, meeting: id)
                    #expect(try await server.head() == before, "nothing was written")
                }
            } catch {
                TemporaryMount.release(readOnly: database)
                throw error
            }
            TemporaryMount.release(readOnly: database)
            try await TestServer.serve(database, migrating: false) { server in try await Self.expectRecovery(server) }
        }
    }

    @Test func aLockedDatabaseAnswers503AndRecovers() async throws {
        try await Backend.sqlite.withDatabase { database in
            let log = LogRecorder()
            try await TestServer.serve(database, operationTimeout: Self.deadline, readinessTimeout: .milliseconds(900), logger: log.logger(label: "locked", level: .error)) { server in
                let id = try await server.schedule()
                let before = try await server.head()
                // Another process's connection holds the file's write lock.
                let other: SQLiteConnection = try await SQLiteConnection.open(storage: .file(path: database))
                _ = try await other.query("BEGIN EXCLUSIVE")
                do {
                    try await Self.expectRefusedWrites(server, log: log, meeting: id, readiness: false)
                } catch {
                    _ = try? await other.query("ROLLBACK")
                    try? await other.close()
                    throw error
                }
                _ = try await other.query("ROLLBACK")
                try await other.close()
                #expect(try await server.head() == before, "nothing was written")
                try await Self.expectRecovery(server)
            }
        }
    }

    /// Fills the disk, schedules until a write is refused, then frees the disk: the refusal is a
    /// 503 with an error logged, nothing of it is written, and scheduling works again.
    ///
    /// Readiness is only asked after the disk is freed, so its servers keep the default limit:
    /// a readiness check is about nine queries, and under the whole suite on two cores they
    /// took up to 3.8 s, which a limit of 900 ms turned into a 503 the fault did not cause.
    static func expect503AndRecovery(_ server: TestServer, log: LogRecorder, disk: TemporaryMount, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let filler = try disk.fill()
        var scheduled = 0
        var refused: TestServer.Reply?
        for _ in 0..<500 {
            let reply = try await server.send(.post, "/meetings", as: 1, json: scheduleBody(server), sourceLocation: sourceLocation)
            guard reply.status == .created else {
                refused = reply
                break
            }
            scheduled += 1
        }
        try FileManager.default.removeItem(at: filler)
        let reply = try #require(refused, "the disk filled up within 500 meetings", sourceLocation: sourceLocation)
        #expect(reply.status == .serviceUnavailable && reply.errorCode == "unavailable", "\(reply)", sourceLocation: sourceLocation)
        #expect(reply.headers[.retryAfter] == "1", sourceLocation: sourceLocation)
        #expect(
            log.lines.contains { $0.level == .error && $0.metadata["error"]?.description.contains("unavailable") == true },
            "an error-level line names the cause: \(log.lines.map(\.metadata))", sourceLocation: sourceLocation)
        try await expectRecovery(server, sourceLocation: sourceLocation)
        // Nothing half-written: every event has its row, every answered schedule its event.
        let rows = try await server.rows("meetings", orderedBy: "id")
        let events = try await server.readSide.database.readCommittedLog(after: 0, limit: 100_000)
        #expect(events.count == rows.count, "one event per meeting row: \(events.count) events, \(rows.count) rows", sourceLocation: sourceLocation)
        #expect(rows.count == scheduled + 1, "\(scheduled) schedules answered 201 before the disk filled, and one after", sourceLocation: sourceLocation)
    }

    /// A command answers 503, readiness too (unless the fault only blocks writes for a while).
    static func expectRefusedWrites(
        _ server: TestServer, log: LogRecorder, meeting id: String, readiness: Bool = true, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        for (path, json) in [("/meetings", Optional(scheduleBody(server))), ("/meetings/\(id)/accept", nil)] {
            let started = ContinuousClock.now
            let reply = try await server.send(.post, path, as: path == "/meetings" ? 1 : 2, json: json, sourceLocation: sourceLocation)
            #expect(reply.status == .serviceUnavailable && reply.errorCode == "unavailable", "\(path): \(reply)", sourceLocation: sourceLocation)
            #expect(reply.headers[.retryAfter] == "1", sourceLocation: sourceLocation)
            #expect(ContinuousClock.now - started < deadline * 3, "within the deadline", sourceLocation: sourceLocation)
        }
        #expect(log.lines.contains { $0.level == .error }, "an error-level line", sourceLocation: sourceLocation)
        if readiness {
            let ready = try await server.send(.get, "/ready", sourceLocation: sourceLocation)
            #expect(ready.status == .serviceUnavailable, "\(ready)", sourceLocation: sourceLocation)
        }
        let read = try await server.send(.get, "/meetings/\(id)", as: 1, sourceLocation: sourceLocation)
        #expect(read.status == .ok, "reads go on: \(read)", sourceLocation: sourceLocation)
    }

    /// Scheduling and readiness work again.
    static func expectRecovery(_ server: TestServer, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        let reply = try await server.send(
            until: .created, before: deadline, .post, "/meetings", as: 1, json: scheduleBody(server), sourceLocation: sourceLocation)
        #expect(reply.status == .created, "writes recover: \(reply)", sourceLocation: sourceLocation)
        let ready = try await server.send(until: .ok, before: deadline, .get, "/ready", sourceLocation: sourceLocation)
        #expect(ready.status == .ok, "readiness recovers: \(ready)", sourceLocation: sourceLocation)
    }

    static func scheduleBody(_ server: TestServer) -> String {
        #"{"title": "Filling", "starts_at": "\#(TestServer.time(server.clock.now + 86_400))", "invitee_ids": [2, 3]}"#
    }
}
