import Chronicle
import ChronicleMigrations
import ChronicleProjections
import Foundation
import SQLKit
import Testing

extension ReadSideChecks {
    /// A reactor reads its entity as of the event and writes rows in its own transaction: the
    /// rows of a failed attempt are not written, and no row is written twice.
    func reactsWithStateAtTheEventAndWritesWithItsReceipt() async throws {
        let failures = FailOnce()
        let readSide = ReadSide(
            database: database, reactors: [BalanceRecorder(failures: failures)], migrations: [BalanceRecorder.tables],
            configuration: .init(batchSize: 7, pollInterval: .milliseconds(50), maximumRetryDelay: .milliseconds(100)))
        try await readSide.migrate()
        let moves = try await moveMany(9, in: readSide.eventStore)
        await failures.fail(at: moves[4].position)
        try await running(readSide) { try await waitUntilReactorCaughtUp(readSide) }

        // Every move was appended before the reactor ran: only the state as of each event gives
        // these balances.
        let expected = moves.indices.map { index in
            let move = moves[index]
            let balance = moves[...index].filter { $0.account == move.account }.map(\.amount).reduce(0, +)
            return "\(move.eventID.uuidString.lowercased()) \(move.account) \(balance)"
        }
        #expect(await failures.failed, "the failure happened, after the handler asked for its write", sourceLocation: sourceLocation)
        #expect(try await recordedBalances() == expected.sorted(), "one row per event, none from the failed attempt", sourceLocation: sourceLocation)

        // A lost checkpoint repeats no write: the receipts remember.
        try await database.withWriteTransaction(locking: nil) { sql in
            try await sql.raw("UPDATE chronicle_reactors SET position = 0").run()
        }
        try await running(readSide) { try await waitUntilReactorCaughtUp(readSide) }
        #expect(try await recordedBalances() == expected.sorted(), sourceLocation: sourceLocation)
    }

    private func recordedBalances() async throws -> [String] {
        try await database.withReadConnection { sql in
            try await sql.raw("SELECT event_id, account, balance FROM reaction_balances ORDER BY event_id").all().map { row in
                "\(try row.decode(column: "event_id", as: String.self)) \(try row.decode(column: "account", as: String.self)) \(try row.decode(column: "balance", as: Int.self))"
            }
        }
    }
}

/// Records each account's balance as of every movement, in a table of the application's.
struct BalanceRecorder: Reactor {
    static let name = "balance-recorder"
    static let tables = MigrationSet(scope: "reactions", migrations: [
        Migration(version: 1, name: "balances", sql: "CREATE TABLE reaction_balances (event_id TEXT PRIMARY KEY, account TEXT NOT NULL, balance INTEGER NOT NULL)")
    ])
    let failures: FailOnce

    var handlers: EventHandlers<ReactionContext> {
        let failures = failures
        return EventHandlers {
            On(Deposited.self) { _, reaction in try await Self.record(reaction, failures) }
            On(Withdrawn.self) { _, reaction in try await Self.record(reaction, failures) }
            Ignore(AccountNoted.self)
        }
    }

    static func record(_ reaction: ReactionContext, _ failures: FailOnce) async throws {
        let account = try await reaction.stateAtEvent(of: Account.self)
        let event = reaction.event
        reaction.write { sql in
            try await sql.insert(into: "reaction_balances").columns("event_id", "account", "balance")
                .values(SQLBind(event.id.uuidString.lowercased()), SQLBind(event.stream.entityID), SQLBind(account.state.balance))
                .run()
        }
        try await failures.check(event.position)
    }
}

/// Fails once at a position.
actor FailOnce {
    private var position: Int64?
    private(set) var failed = false

    func fail(at position: Int64) {
        self.position = position
    }

    func check(_ position: Int64) throws {
        guard position == self.position, !failed else { return }
        failed = true
        throw FixtureFailure(position: position)
    }
}
