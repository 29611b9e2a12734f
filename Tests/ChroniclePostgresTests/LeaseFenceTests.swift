import Chronicle
import ChronicleProjections
import ChroniclePostgres
import Foundation
import PostgresNIO
import Testing

/// A node whose lease renewals stop getting through runs no more effects once the lease may
/// run out before an effect is done: another node could take the lease over and run them too.
@Suite(TestDatabase.available)
struct LeaseFenceTests {
    struct Noted: Event {
        static let eventType = "test.noted"
    }

    actor Effects {
        private(set) var done: [UUID] = []
        func record(_ id: UUID) { done.append(id) }
    }

    struct Mailer: Reactor {
        static let name = "mailer"
        let effects: Effects
        var handlers: EventHandlers<ReactionContext> {
            let effects = effects
            return EventHandlers { On(Noted.self) { _, reaction in await effects.record(reaction.event.id) } }
        }
    }

    /// An outside transaction locks the leases table against writes, so the node's renewals
    /// wait. Events appended once less than a quarter of the lease is left get no effect
    /// until the renewals get through again; then each gets one.
    @Test func aNodeWhoseLeaseMayRunOutRunsNoEffect() async throws {
        try await TestDatabase.withStore { store in
            let effects = Effects()
            let readSide = ReadSide(
                database: store, reactors: [Mailer(effects: effects)],
                configuration: .init(pollInterval: .milliseconds(20), node: "fenced", leaseDuration: .seconds(2), leaseRenewal: .milliseconds(500)))
            try await readSide.migrate()
            let stream = StreamName(entityType: "note", entityID: "n1")
            let running = Task { try await readSide.run() }
            defer { running.cancel() }
            let first = try await store.append([try NewEvent(Noted())], to: stream, expected: .any).events[0].id
            try #require(try await Self.waitUntil { await effects.done == [first] }, "the first effect runs")

            // A connection of the store's pool, in the test's schema, holds the lock until let go.
            let (locked, lock) = AsyncStream<Void>.makeStream()
            let (letGo, release) = AsyncStream<Void>.makeStream()
            let blocker = Task {
                try await store.client.withConnection { connection in
                    _ = try await connection.query("BEGIN", logger: Self.logger)
                    // A table lock assigns no transaction id, so the log's readers are not held back.
                    _ = try await connection.query("LOCK TABLE chronicle_leases IN EXCLUSIVE MODE", logger: Self.logger)
                    lock.yield()
                    for await _ in letGo { break }
                    _ = try await connection.query("COMMIT", logger: Self.logger)
                }
            }
            for await _ in locked { break }
            // Most of the lease goes by without a renewal: less than a quarter of it is left.
            try await Task.sleep(for: .seconds(1.8))
            let later = try await store.append([try NewEvent(Noted()), try NewEvent(Noted())], to: stream, expected: .any).events.map(\.id)
            // Time enough for a runner that polls every 20 ms to react many times over.
            try await Task.sleep(for: .seconds(3))
            #expect(await effects.done == [first], "no effect while the lease may run out")

            release.yield()
            try await blocker.value
            #expect(try await Self.waitUntil { await effects.done.count == 3 }, "the renewals get through, and the effects run")
            #expect(await effects.done == [first] + later, "each once, in order")
        }
    }

    static let logger = Logger(label: "chronicle.tests")

    /// Whether `condition` held within 30 s.
    static func waitUntil(_ condition: @Sendable () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await condition()
    }
}
