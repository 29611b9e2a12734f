import Chronicle
import ChronicleHummingbird
import ChronicleMigrations
import ChronicleProjections
import ChronicleSQL
import Foundation
import HTTPTypes
@testable import MeetingsServer
import SQLKit
import TestSupport
import Testing

/// One bad event in the log (stored before the store refused such data, say) never stops the
/// read side: the activity feed and the notifications reactor park it after their tries, mail
/// and the feed go on with the events after it, readiness and `status` report it, a rebuild
/// goes past it too, and an operator's skip clears it.
@Suite("Meetings: a poison event")
struct PoisonEventTests {
    @Test(arguments: Backend.available)
    func aBadEventIsParkedAndMailAndTheFeedGoOn(_ backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let first = try await server.schedule(by: 1, inviting: [2, 3], title: "Before")
            try await server.waitForReadSide()
            let poison = try await Self.appendUndecodableCancellation(of: first, in: server.readSide.database)
            let after = try await server.send(.post, "/meetings", as: 4, json: #"{"title": "After", "starts_at": "\#(TestServer.time(server.clock.now + 86_400))", "invitee_ids": [5]}"#)
            #expect(after.status == .created, "\(after)")
            let afterPosition = try #require(after.headers[.chroniclePosition].flatMap { Int64($0) })

            // Both consumers park it after their three tries and go on to the end of the log.
            let deadline = ContinuousClock.now + .seconds(30)
            var status = try await server.readSide.status()
            while ContinuousClock.now < deadline
                && !(status.projections.first { $0.name == "activity" }?.checkpoint == status.head
                    && status.reactors.first?.checkpoint == status.head && status.reactors.first?.parkedEvents == 1)
            {
                try await Task.sleep(for: .milliseconds(50))
                status = try await server.readSide.status()
            }
            let activity = try #require(status.projections.first { $0.name == "activity" })
            let mailer = try #require(status.reactors.first)
            #expect(activity.state == .degraded && activity.parkedEvents == 1 && activity.checkpoint == status.head, "\(activity)")
            #expect(mailer.state == .degraded && mailer.parkedEvents == 1 && mailer.checkpoint == status.head, "\(mailer)")
            let parked = try await server.readSide.parkedEvents()
            #expect(parked.map(\.position) == [poison, poison] && parked.allSatisfy { $0.attempts == 3 && $0.error.contains("meeting.cancelled") }, "\(parked)")

            // Mail and the feed go on after it.
            let outbox = try await server.rows("outbox", orderedBy: "idempotency_key")
            #expect(outbox.contains { $0.contains("recipient_id=5") && $0.contains("subject=Invitation: After") }, "\(outbox)")
            let feed = try await server.send(.get, "/activity", as: 5, headers: [.chronicleMinPosition: String(afterPosition)])
            #expect(feed.status == .ok && feed.json["entries"]?[0]?["title"]?.stringValue == "After", "read-your-writes waits are answered: \(feed)")
            let ready = try await server.send(.get, "/ready")
            #expect(ready.status == .serviceUnavailable && ready.body.contains("parked event"), "\(ready)")

            // A rebuild goes past it too.
            try await server.readSide.rebuild("activity", mode: .online)
            #expect(try await server.readSide.parkedEvents("activity").map(\.position) == [poison], "parked again by the rebuild")
            let rebuiltFeed = try await server.send(.get, "/activity", as: 5)
            #expect(rebuiltFeed.json["entries"]?[0]?["title"]?.stringValue == "After")

            // An operator skips it for both, and the app is ready again.
            for name in ["activity", "notifications"] {
                let skipped = try await ChildProcess.run(
                    "meetings", ["projections", "skip", name, "--event", String(poison), "--actor", "ops", "--database-url", server.databaseURL])
                #expect(skipped.status == 0 && skipped.output == "Skipped event \(poison) of \(name).\n", "\(skipped)")
            }
            let readyAgain = try await server.send(.get, "/ready")
            #expect(readyAgain.status == .ok, "\(readyAgain)")
        }
    }

    /// Writes, as an older version might have, a `meeting.cancelled` whose reason is a number:
    /// no handler can decode it. Returns its position.
    static func appendUndecodableCancellation(of meeting: String, in database: any SQLEventStore) async throws -> Int64 {
        try await database.withWriteTransaction(locking: nil) { sql in
            switch database.dialect.name {
            case "sqlite":
                try await sql.raw("""
                    INSERT INTO chronicle_events (event_id, entity_type, entity_id, version, event_type, schema_version, meta, data, created_at)
                    VALUES (\(bind: UUID().uuidString.lowercased()), 'meeting', \(bind: meeting), 2, 'meeting.cancelled', 1, '{}',
                        '{"reason": 42}', \(bind: Timestamp.microseconds(since1970: Date())))
                    """).run()
            default:
                try await sql.raw("""
                    INSERT INTO chronicle_events (position, transaction_id, event_id, entity_type, entity_id, version, event_type,
                        schema_version, meta, data, created_at)
                    SELECT r.first_position, r.transaction_id, gen_random_uuid(), 'meeting', \(bind: meeting), 2, 'meeting.cancelled', 1,
                        '{}', '{"reason": 42}', now()
                    FROM chronicle_reserve_positions(1) r
                    """).run()
            }
            return try await sql.raw("SELECT max(position) AS head FROM chronicle_events").first()?.decode(column: "head", as: Int64.self) ?? 0
        }
    }
}
