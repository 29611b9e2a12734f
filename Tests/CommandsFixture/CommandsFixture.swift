import ArgumentParser
import Chronicle
import ChronicleCommands
import ChroniclePostgres
import ChronicleProjections
import ChronicleSQL
import ChronicleSQLite
import ExampleDomain
import Foundation
import Logging
import PostgresNIO
import SQLKit

/// An application that mounts the Chronicle commands over the counter domain, for the tests of
/// the commands: they run this executable and compare its output and exit codes.
@main
struct CommandsFixture: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chronicle-fixture",
        abstract: "The Chronicle commands over counters, for tests.",
        subcommands: [Seed.self, Follow.self] + ChronicleSubcommands.all(for: FixtureApp.self))
}

struct FixtureApp: ChronicleApplication {
    struct Options: ParsableArguments, Sendable {
        @Option(help: "A SQLite file, or a postgres:// URL.")
        var database = "chronicle.sqlite"

        @Option(help: "The PostgreSQL schema to work in; created when missing.")
        var schema: String?

        @Option(help: "The version of the increments projection the code has.")
        var incrementsVersion = 1

        @Option(help: "An increment amount the increments projection fails at, as a bad event would.")
        var poisonAmount: Int?
    }

    static func withApp<Result>(_ options: Options, access: DatabaseAccess, _ body: (EventSourcedApp) async throws -> Result) async throws -> Result {
        var logger = Logger(label: "chronicle-fixture")
        logger.logLevel = .warning
        let configuration = ReadSide.Configuration(rebuildBatchSize: 5, logger: logger)
        // Counters once stored `counter.bumped` {by}; it is read as `counter.incremented` {amount}.
        let upcasters = try Upcasters(
            [Upcaster.rename("counter.bumped", from: 1, to: "counter.incremented", version: 1) { data in data["amount"] = data.removeValue(forKey: "by") }],
            current: [CounterIncremented.self])
        let increments: any Projection =
            options.incrementsVersion == 2 ? IncrementsProjectionV2() : IncrementsProjection(poisonAmount: options.poisonAmount)
        var url = options.database
        if let schema = options.schema { url += (url.contains("?") ? "&" : "?") + "search_path=\(schema)" }
        let settings = StoreSettings(upcasters: upcasters, createsDatabase: access == .setUp)
        return try await EventSourcedApp.with(url: url, drivers: [.sqlite, .postgres], settings: settings) { store in
            ReadSide(
                database: store, inline: [CountersProjection()], async: [increments], reactors: [MilestoneReactor()],
                upcastMigrations: ["counters-2026"], configuration: configuration)
        } _: { app in
            if let schema = options.schema {
                try await app.store.withWriteTransaction(locking: nil) { sql in
                    try await sql.raw("CREATE SCHEMA IF NOT EXISTS \(ident: schema)").run()
                }
            }
            return try await body(app)
        }
    }
}

/// `seed`: increments counters, through the inline projection.
struct Seed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Increment counters.")

    @Option(help: "How many counters.") var counters = 2
    @Option(help: "Increments per counter.") var increments = 3
    @Option(help: "Increments of a counter stored the old way, as counter.bumped.") var legacy = 0
    @Option(help: "Appends refused afterwards (on PostgreSQL, each leaves a gap in the positions).") var refused = 0
    @OptionGroup var options: FixtureApp.Options

    func run() async throws {
        try await FixtureApp.withApp(options, access: .existing) { app in
            for index in 0..<legacy {
                let bumped = NewEvent(eventType: "counter.bumped", data: Data(#"{"by":\#(index + 1)}"#.utf8))
                try await app.events.append([bumped], to: StreamName(entityType: "counter", entityID: "legacy"), expected: .any)
            }
            let aggregates = app.aggregates()
            for round in 1...max(1, increments) where increments > 0 {
                for counter in 1...counters {
                    try await aggregates.execute(Increment(amount: round * 10 + counter), on: EntityID<Counter>("c\(counter)"))
                }
            }
            for _ in 0..<refused {
                do {
                    try await app.events.append([CounterIncremented(amount: 1)], to: StreamName(entityType: "counter", entityID: "c1"), expected: .noEvents)
                } catch let error as EventStoreError where error.code == .wrongExpectedVersion {}
            }
        }
    }
}

/// `follow`: runs the read side's runners for a while, as a server would.
struct Follow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the projections and reactors for a while.")

    @Option(help: "How long to run, in seconds (at most, with --until-caught-up).") var seconds = 2.0
    @Flag(help: "Stop once the async projections have reached the log's head.") var untilCaughtUp = false
    @OptionGroup var options: FixtureApp.Options

    func run() async throws {
        try await FixtureApp.withApp(options, access: .existing) { app in
            let readSide = app.readSide
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await readSide.run() }
                if untilCaughtUp {
                    let head = try await app.events.headPosition()
                    guard try await readSide.waitUntilApplied(through: head, timeout: .seconds(seconds)) else {
                        throw ValidationError("The projections did not reach position \(head) within \(seconds) s.")
                    }
                } else {
                    try await Task.sleep(for: .seconds(seconds))
                }
                group.cancelAll()
            }
        }
    }
}

/// Each counter's count and total, current with every append.
struct CountersProjection: Projection {
    static let name = "counters"
    static let version = 1
    static let tables = [ProjectionTable("counters", ["CREATE TABLE {table} (id TEXT PRIMARY KEY, count INTEGER NOT NULL, total INTEGER NOT NULL)"])]

    var handlers: EventHandlers<ProjectionContext> {
        EventHandlers {
            On(CounterIncremented.self) { event, row in
                try await row.sql.raw("""
                    INSERT INTO \(ident: row.table("counters")) (id, count, total) VALUES (\(bind: row.event.stream.entityID), 1, \(bind: event.amount))
                    ON CONFLICT (id) DO UPDATE SET count = \(ident: row.table("counters")).count + 1,
                        total = \(ident: row.table("counters")).total + \(bind: event.amount)
                    """).run()
            }
        }
    }
}

/// One row per increment, behind the log; an event it fails at twice is parked.
struct IncrementsProjection: Projection {
    static let name = "increments"
    static let version = 1
    static let tables = [ProjectionTable("increments", ["CREATE TABLE {table} (position BIGINT PRIMARY KEY, counter TEXT NOT NULL, amount INTEGER NOT NULL)"])]
    static let errorPolicy = ErrorPolicy.park(afterAttempts: 2)

    /// An amount it fails at, as at a bad event.
    var poisonAmount: Int?

    struct Poisoned: Error, CustomStringConvertible {
        var amount: Int
        var description: String { "cannot count an increment of \(amount)" }
    }

    var handlers: EventHandlers<ProjectionContext> {
        let poison = poisonAmount
        return EventHandlers {
            On(CounterIncremented.self) { event, row in
                if event.amount == poison { throw Poisoned(amount: event.amount) }
                try await row.sql.raw("""
                    INSERT INTO \(ident: row.table("increments")) (position, counter, amount)
                    VALUES (\(bind: row.event.position), \(bind: row.event.stream.entityID), \(bind: event.amount))
                    """).run()
            }
        }
    }
}

/// The increments projection's next version: amounts in cents.
struct IncrementsProjectionV2: Projection {
    static let name = "increments"
    static let version = 2
    static let tables = [ProjectionTable("increments", ["CREATE TABLE {table} (position BIGINT PRIMARY KEY, counter TEXT NOT NULL, cents INTEGER NOT NULL)"])]

    var handlers: EventHandlers<ProjectionContext> {
        EventHandlers {
            On(CounterIncremented.self) { event, row in
                try await row.sql.raw("""
                    INSERT INTO \(ident: row.table("increments")) (position, counter, cents)
                    VALUES (\(bind: row.event.position), \(bind: row.event.stream.entityID), \(bind: event.amount * 100))
                    """).run()
            }
        }
    }
}

/// A reactor the commands list; the commands never run it.
struct MilestoneReactor: Reactor {
    static let name = "milestones"

    var handlers: EventHandlers<ReactionContext> {
        EventHandlers {
            On(CounterIncremented.self) { _, _ in }
        }
    }
}
