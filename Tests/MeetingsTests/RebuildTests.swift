import Chronicle
import Foundation
import HTTPTypes
import TestSupport
import Testing

/// `meetings rebuild --all`, offline and online, on a database with history: the same read
/// tables, and no mail.
@Suite("Meetings: rebuilds")
struct RebuildTests {
    static let tables: [(name: String, order: String)] = [
        ("meetings", "id"), ("invitations", "meeting_id, user_id"), ("activity", "position"),
        ("activity_meetings", "meeting_id"), ("activity_audience", "meeting_id, user_id"), ("outbox", "idempotency_key"),
    ]

    /// Every read table and the outbox, row by row.
    static func snapshot(_ server: TestServer) async throws -> [String: [String]] {
        try await server.waitForReadSide()
        var snapshot: [String: [String]] = [:]
        for table in tables {
            snapshot[table.name] = try await server.rows(table.name, orderedBy: table.order)
        }
        return snapshot
    }

    @Test(arguments: Backend.available)
    func rebuildingGivesTheSameTablesAndSendsNoMail(_ backend: Backend) async throws {
        try await backend.withDatabase { url in
            let clock = TestClock(Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)))
            let before = try await TestServer.serve(url, clock: clock) { server in
                for index in 0..<6 {
                    let id = try await server.schedule(by: 1 + index % 3, inviting: [4, 5, 6], title: "Meeting \(index)", in: Double(3_600 * (index + 1)))
                    try await server.send(.post, "/meetings/\(id)/accept", as: 4)
                    try await server.send(.post, "/meetings/\(id)/decline", as: 5)
                    if index % 2 == 0 {
                        let moved = TestServer.time(server.clock.now + 86_400 + Double(index))
                        try await server.send(.post, "/meetings/\(id)/reschedule", as: 1 + index % 3, json: #"{"starts_at": "\#(moved)"}"#)
                    }
                    if index % 3 == 0 { try await server.send(.post, "/meetings/\(id)/cancel", as: 1 + index % 3, json: #"{"reason": "No room"}"#) }
                }
                return try await Self.snapshot(server)
            }
            #expect(before["meetings"]?.count == 6 && before["activity"]?.count == 23 && before["outbox"]?.count == 28, "\(before.mapValues(\.count))")

            for mode in [[], ["--online"]] {
                let run = try await ChildProcess.run("meetings", ["rebuild", "--all", "--quiet", "--database-url", url] + mode)
                #expect(run.status == 0, "\(run)")
                try await TestServer.serve(url, clock: clock) { server in
                    let after = try await Self.snapshot(server)
                    for table in Self.tables {
                        #expect(after[table.name] == before[table.name], "\(table.name) after rebuild \(mode)")
                    }
                }
            }
            let status = try await ChildProcess.run("meetings", ["status", "--json", "--database-url", url])
            #expect(status.status == 0 && status.output.contains("\"notifications\""), "\(status)")
        }
    }
}
