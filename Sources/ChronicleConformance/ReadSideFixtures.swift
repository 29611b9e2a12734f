import Chronicle
import ChronicleProjections
import ChronicleSQL
import Foundation
import SQLKit

/// Money put into an account (the event's entity).
struct Deposited: Event, Equatable {
    static let eventType = "readside.deposited"
    var amount: Int
}

/// Money taken out of an account.
struct Withdrawn: Event, Equatable {
    static let eventType = "readside.withdrawn"
    var amount: Int
}

/// A note on an account that no projection handles.
struct AccountNoted: Event, Equatable {
    static let eventType = "readside.noted"
    var text: String
}

/// Decides how a fixture projection's handler behaves: fail at positions, or stall.
actor Faults {
    private var failuresLeft: [Int64: Int] = [:]
    private var stallAt: Int64?
    private var stalled: CheckedContinuation<Void, Never>?
    private var reachedStall = false
    private(set) var seen: [Int64] = []
    private var duplicateAt: Int64?

    /// Fails the handler of the event at `position` the next `times` times.
    func fail(at position: Int64, times: Int) {
        failuresLeft[position] = times
    }

    /// Makes the handler of the event at `position` write its row twice, so that the database
    /// refuses it (a unique violation), until told otherwise.
    func duplicate(at position: Int64?) {
        duplicateAt = position
    }

    /// Whether the handler of the event at `position` writes its row twice.
    func duplicates(_ position: Int64) -> Bool {
        duplicateAt == position
    }

    /// Makes the handler of the event at `position` wait until cancelled; forgets what was seen.
    func stall(at position: Int64) {
        stallAt = position
        reachedStall = false
        seen = []
    }

    var hasStalled: Bool { reachedStall }

    func check(_ position: Int64) async throws {
        seen.append(position)
        if let left = failuresLeft[position], left > 0 {
            failuresLeft[position] = left - 1
            throw FixtureFailure(position: position)
        }
        if stallAt == position {
            stallAt = nil
            reachedStall = true
            while !Task.isCancelled {
                try await Task.sleep(for: .milliseconds(10))
            }
            try Task.checkCancellation()
        }
    }
}

struct FixtureFailure: Error, CustomStringConvertible {
    var position: Int64
    var description: String { "the fixture failed at position \(position) on purpose" }
}

/// Balances per account: an upsert per deposit, an update per withdrawal.
struct BalancesProjection: Projection {
    static let name = "balances"
    static let version = 1
    static let tables = [
        ProjectionTable("balances", [
            "CREATE TABLE {table} (account TEXT PRIMARY KEY, balance INTEGER NOT NULL, entries INTEGER NOT NULL)",
            "CREATE INDEX {table}_by_balance ON {table} (balance)",
        ])
    ]
    var faults = Faults()

    var handlers: EventHandlers<ProjectionContext> {
        let faults = faults
        return EventHandlers {
            On(Deposited.self) { event, row in
                try await faults.check(row.event.position)
                try await row.sql.raw("""
                    INSERT INTO \(ident: row.table("balances")) (account, balance, entries)
                    VALUES (\(bind: row.event.stream.entityID), \(bind: event.amount), 1)
                    ON CONFLICT (account) DO UPDATE SET balance = \(ident: row.table("balances")).balance + \(bind: event.amount),
                        entries = \(ident: row.table("balances")).entries + 1
                    """).run()
            }
            On(Withdrawn.self) { event, row in
                try await faults.check(row.event.position)
                try await row.sql.raw("""
                    UPDATE \(ident: row.table("balances")) SET balance = balance - \(bind: event.amount), entries = entries + 1
                    WHERE account = \(bind: row.event.stream.entityID)
                    """).run()
            }
        }
    }
}

/// A row per movement, keyed by position.
struct LedgerProjection: Projection {
    static let name = "ledger"
    static let version = 1
    static let tables = [
        ProjectionTable("ledger", ["CREATE TABLE {table} (position BIGINT PRIMARY KEY, account TEXT NOT NULL, amount INTEGER NOT NULL)"])
    ]
    var faults = Faults()

    var handlers: EventHandlers<ProjectionContext> {
        let faults = faults
        return EventHandlers {
            On(Deposited.self) { event, row in
                try await faults.check(row.event.position)
                try await Self.insert(row, amount: event.amount, twice: await faults.duplicates(row.event.position))
            }
            On(Withdrawn.self) { event, row in
                try await faults.check(row.event.position)
                try await Self.insert(row, amount: -event.amount, twice: await faults.duplicates(row.event.position))
            }
        }
    }

    private static func insert(_ row: ProjectionContext, amount: Int, twice: Bool = false) async throws {
        for _ in 0..<(twice ? 2 : 1) {
            try await row.sql.raw("""
                INSERT INTO \(ident: row.table("ledger")) (position, account, amount)
                VALUES (\(bind: row.event.position), \(bind: row.event.stream.entityID), \(bind: amount))
                """).run()
        }
    }
}

/// The same ledger at version 2: the amount in cents.
struct LedgerInCentsProjection: Projection {
    static let name = "ledger"
    static let version = 2
    static let tables = [
        ProjectionTable("ledger", ["CREATE TABLE {table} (position BIGINT PRIMARY KEY, account TEXT NOT NULL, cents INTEGER NOT NULL)"])
    ]

    var handlers: EventHandlers<ProjectionContext> {
        EventHandlers {
            On(Deposited.self) { event, row in try await Self.insert(row, cents: event.amount * 100) }
            On(Withdrawn.self) { event, row in try await Self.insert(row, cents: -event.amount * 100) }
        }
    }

    private static func insert(_ row: ProjectionContext, cents: Int) async throws {
        try await row.sql.raw("""
            INSERT INTO \(ident: row.table("ledger")) (position, account, cents)
            VALUES (\(bind: row.event.position), \(bind: row.event.stream.entityID), \(bind: cents))
            """).run()
    }
}

/// Counts its effects per event, and fails the first attempts at chosen positions.
actor EffectLog {
    private(set) var effects: [UUID: Int] = [:]
    private var failuresLeft: [Int64: Int] = [:]
    private(set) var attempts = 0

    func fail(at position: Int64, times: Int) {
        failuresLeft[position] = times
    }

    func perform(_ event: RecordedEvent) throws {
        attempts += 1
        if let left = failuresLeft[event.position], left > 0 {
            failuresLeft[event.position] = left - 1
            throw FixtureFailure(position: event.position)
        }
        effects[event.id, default: 0] += 1
    }

    var total: Int { effects.values.reduce(0, +) }
}

/// A reactor that "mails" every deposit into an ``EffectLog``.
struct DepositMailer: Reactor {
    static let name = "deposit-mailer"
    let log: EffectLog

    var handlers: EventHandlers<ReactionContext> {
        let log = log
        return EventHandlers {
            On(Deposited.self) { _, reaction in try await log.perform(reaction.event) }
        }
    }
}

/// An account's balance, for reactors that execute commands.
struct Account: Aggregate {
    static let entityType = "account"
    var balance = 0

    static let handlers = EventHandlers<Account> {
        On(Deposited.self) { event, account in account.balance += event.amount }
        On(Withdrawn.self) { event, account in account.balance -= event.amount }
        Ignore(AccountNoted.self)
    }
}

/// Notes on an account.
struct Note: Command {
    typealias Target = Account
    static let createsEntity = true
    var text: String

    func decide(_ account: Account, context: CommandContext) throws -> [any Event] {
        [AccountNoted(text: text)]
    }
}

/// A reactor that answers every withdrawal with a note on the same account: an event chain.
struct WithdrawalNotifier: Reactor {
    static let name = "withdrawal-notifier"

    var handlers: EventHandlers<ReactionContext> {
        EventHandlers {
            On(Withdrawn.self) { event, reaction in
                try await reaction.execute(Note(text: "withdrew \(event.amount)"), on: EntityID(reaction.event.stream.entityID))
            }
        }
    }
}

/// An error policy chosen by type, for fixtures whose policy is a static requirement.
protocol PolicyChoice: Sendable {
    static var policy: ErrorPolicy { get }
}

/// Parks an event after two failed attempts.
enum ParkAfterTwoAttempts: PolicyChoice {
    static var policy: ErrorPolicy { .park(afterAttempts: 2) }
}

/// Skips a failing event at once.
enum SkipAtOnce: PolicyChoice {
    static var policy: ErrorPolicy { .skip }
}

/// ``LedgerProjection`` under another error policy.
struct LedgerWith<Policy: PolicyChoice>: Projection {
    static var name: String { LedgerProjection.name }
    static var version: Int { LedgerProjection.version }
    static var tables: [ProjectionTable] { LedgerProjection.tables }
    static var errorPolicy: ErrorPolicy { Policy.policy }
    let ledger = LedgerProjection()

    var faults: Faults { ledger.faults }
    var handlers: EventHandlers<ProjectionContext> { ledger.handlers }
}

/// ``DepositMailer`` under another error policy.
struct DepositMailerWith<Policy: PolicyChoice>: Reactor {
    static var name: String { DepositMailer.name }
    static var errorPolicy: ErrorPolicy { Policy.policy }
    let mailer: DepositMailer

    init(log: EffectLog) {
        self.mailer = DepositMailer(log: log)
    }

    var handlers: EventHandlers<ReactionContext> { mailer.handlers }
}

/// Deposits into an account, through the execute pipeline.
struct Deposit: Command {
    typealias Target = Account
    static let createsEntity = true
    var amount: Int

    func decide(_ account: Account, context: CommandContext) throws -> [any Event] {
        [Deposited(amount: amount)]
    }
}

/// A projection whose one table and statements are chosen while it is made and registered
/// (through ``table``, ``statements`` and ``handlerSQL``), to try names and statements a read
/// side must refuse.
struct ChosenTableProjection: Projection {
    /// The projection's name while registering.
    @TaskLocal static var projection = "chosen"
    /// The table's name while registering.
    @TaskLocal static var table = "chosen"
    /// Extra creation statements while registering, with `{table}` for the table's name.
    @TaskLocal static var statements: [String] = []
    /// SQL the handler runs for each deposit, after writing its row.
    @TaskLocal static var handlerSQL: String?
    /// The one dialect the table is defined for while registering, or `nil` for every dialect.
    @TaskLocal static var onlyDialect: String?

    static var name: String { projection }
    static let version = 1
    static var tables: [ProjectionTable] {
        let creation = ["CREATE TABLE {table} (position BIGINT PRIMARY KEY, amount INTEGER NOT NULL)"] + statements
        return [onlyDialect.map { ProjectionTable(table, byDialect: [$0: creation]) } ?? ProjectionTable(table, creation)]
    }

    let table = ChosenTableProjection.table
    let handlerSQL = ChosenTableProjection.handlerSQL

    var handlers: EventHandlers<ProjectionContext> {
        let (name, handlerSQL) = (table, handlerSQL)
        return EventHandlers {
            On(Deposited.self) { event, row in
                let table = row.table(name)
                try await row.sql.raw("INSERT INTO \(ident: table) (position, amount) VALUES (\(bind: row.event.position), \(bind: event.amount))").run()
                if let handlerSQL {
                    try await row.sql.raw("\(unsafeRaw: handlerSQL)").run()
                }
            }
        }
    }
}

/// A row per deposit, inline beside ``BalancesProjection``; its handler fails for a deposit of
/// 13, every time.
struct UnluckyDepositsProjection: Projection {
    static let name = "unlucky"
    static let version = 1
    static let tables = [ProjectionTable("unlucky", ["CREATE TABLE {table} (position BIGINT PRIMARY KEY, amount INTEGER NOT NULL)"])]

    var handlers: EventHandlers<ProjectionContext> {
        EventHandlers {
            On(Deposited.self) { event, row in
                if event.amount == 13 { throw FixtureFailure(position: row.event.position) }
                try await row.sql.raw("INSERT INTO \(ident: row.table("unlucky")) (position, amount) VALUES (\(bind: row.event.position), \(bind: event.amount))").run()
            }
        }
    }
}
