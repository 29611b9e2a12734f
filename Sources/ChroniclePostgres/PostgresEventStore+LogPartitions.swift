import Chronicle
public import ChronicleMigrations
import ChronicleSQL
import Foundation
import Logging
import PostgresNIO
import SQLKit

/// A log partitioned by position range (PostgreSQL's declarative partitioning): an opt-in for a
/// new store, whose log can then grow to billions of events, and whose oldest partitions can be
/// detached for archiving (``PostgresEventStore/detachLogPartitions(below:)``).
///
/// ``PostgresEventStore/migrate()`` converts the log of a store configured with it, while the
/// log is empty, and refuses one that holds events. The guards of the single table hold across
/// partitions: an append reads its entity's version under the entity's transaction lock, so two
/// writers of an entity take turns, and a table of every event id refuses one stored before.
/// The store makes partitions ahead of the head as appends near the last one, each made apart
/// and then attached, which holds up no append or read.
///
/// ```swift
/// var configuration = PostgresEventStore.Configuration()
/// configuration.logPartitions = LogPartitions(positionsPerPartition: 10_000_000)
/// let store = try PostgresEventStore(url: url, configuration: configuration)
/// ```
///
/// The price: an entity's events are read through every partition's index (an entity's reads
/// cannot be pruned to the partitions of its positions), and an append writes one more index
/// entry, its event id's. Measured in BENCHMARKS.md ("A partitioned log").
public struct LogPartitions: Sendable, Equatable {
    /// How many positions each partition holds. Default: 10,000,000.
    public var positionsPerPartition: Int64
    /// How many partitions are kept made ahead of the head; at least 2. Default: 2.
    public var partitionsAhead: Int

    /// Partitions of `positionsPerPartition` positions, `partitionsAhead` of them made ahead.
    public init(positionsPerPartition: Int64 = 10_000_000, partitionsAhead: Int = 2) {
        precondition(positionsPerPartition > 0, "A partition holds at least one position.")
        precondition(partitionsAhead >= 2, "At least two partitions are made ahead, so that appends never wait for one.")
        self.positionsPerPartition = positionsPerPartition
        self.partitionsAhead = partitionsAhead
    }
}

/// What a store knows of its log's table: how it is laid out (read from the database with the
/// first append), and, when partitioned, below which position partitions exist.
final class LogTable: @unchecked Sendable {
    enum Layout: Sendable, Equatable {
        case single
        case partitioned(positionsPerPartition: Int64)
    }

    private let lock = NSLock()
    private var layout: Layout?
    private var partitionedBelow: Int64 = 0
    private var making = false

    /// The layout, once read.
    var known: Layout? { lock.withLock { layout } }

    func learned(_ layout: Layout, partitionedBelow: Int64) {
        lock.withLock {
            self.layout = layout
            self.partitionedBelow = partitionedBelow
        }
    }

    /// Forgets what it knew: the migrations may have changed the table.
    func forget() {
        lock.withLock { layout = nil }
    }

    /// The position through which partitions should be made after an append that reached
    /// `head`, when the head is within `ahead - 1` partitions of the last one and none is being
    /// made; `nil` otherwise.
    func partitionsNeeded(after head: Int64, ahead: Int) -> Int64? {
        lock.withLock {
            guard case .partitioned(let size) = layout, !making, head + size * Int64(ahead - 1) >= partitionedBelow else { return nil }
            making = true
            return head + size * Int64(ahead)
        }
    }

    /// Whether a position has its partition, as far as this store knows.
    func hasPartition(for position: Int64) -> Bool {
        lock.withLock { position < partitionedBelow }
    }

    /// Notes partitions made (up to `below`), or none when the making failed.
    func made(below: Int64?) {
        lock.withLock {
            making = false
            if let below { partitionedBelow = max(partitionedBelow, below) }
        }
    }
}

extension PostgresEventStore {
    /// The opt-in migration that partitions a new store's log.
    static let partitionedLogMigrations = MigrationSet.storeSchema(bundledAs: "postgres-partitioned-log", scope: "chronicle-partitioned-log")

    /// Applies the store's schema where the database has not recorded it yet, and, with
    /// ``Configuration/logPartitions``, partitions the log of a new store and makes its first
    /// partitions.
    ///
    /// - Returns: The migrations applied by this run; empty when all were applied before.
    /// - Throws: `MigrationError` naming the migration and statement that failed, such as the
    ///   partitioning of a log that holds events.
    @discardableResult
    public func migrate() async throws -> [Migration] {
        var applied = try await migrate(dialect.storeMigrations)
        if let partitions = configuration.logPartitions {
            try await refuseToPartitionALogWithEvents()
            applied += try await migrate(Self.partitionedLogMigrations)
            try await withWriteTransaction(locking: nil) { sql in
                try await sql.raw("""
                    INSERT INTO chronicle_log_partitioning (positions_per_partition, partitioned_below)
                    SELECT \(bind: partitions.positionsPerPartition), 0 WHERE NOT EXISTS (SELECT 1 FROM chronicle_log_partitioning)
                    """).run()
                try await sql.raw("""
                    SELECT chronicle_create_event_partitions(
                        (SELECT coalesce(max(position), 0) FROM chronicle_events)
                        + positions_per_partition * \(bind: partitions.partitionsAhead)) AS below
                    FROM chronicle_log_partitioning
                    """).run()
            }
        }
        logTable.forget()
        return applied
    }

    /// Throws when the log is a single table that holds events: only a new store's log is
    /// partitioned (the migration checks again, in its transaction).
    private func refuseToPartitionALogWithEvents() async throws {
        let holdsEvents = try await withReadConnection { sql in
            try await sql.raw("""
                SELECT EXISTS (SELECT 1 FROM chronicle_events) AND (SELECT relkind FROM pg_class WHERE oid = to_regclass('chronicle_events')) <> 'p' AS refused
                """).first()?.decode(column: "refused", as: Bool.self) ?? false
        }
        guard !holdsEvents else {
            throw MigrationError(
                "The log holds events: only a new store's log can be partitioned (LogPartitions). Open this store without logPartitions, or partition a new store's log and copy the events into it.")
        }
    }

    /// The log's layout, read once from the database on the connection of the first append.
    /// A database without the log yet reads as a single table, unremembered: the append fails
    /// on its own.
    func logLayout(on connection: PostgresConnection) async throws -> LogTable.Layout {
        if let known = logTable.known { return known }
        let kinds = try await connection.query(
            "SELECT relkind::text FROM pg_class WHERE oid = to_regclass('chronicle_events')", logger: configuration.logger)
        var kind: String?
        for try await value in kinds.decode(String.self) { kind = value }
        guard let kind else { return .single }
        guard kind == "p" else {
            logTable.learned(.single, partitionedBelow: 0)
            return .single
        }
        let rows = try await connection.query(
            "SELECT positions_per_partition, partitioned_below FROM chronicle_log_partitioning", logger: configuration.logger)
        for try await (size, below) in rows.decode((Int64, Int64).self) {
            logTable.learned(.partitioned(positionsPerPartition: size), partitionedBelow: below)
            return .partitioned(positionsPerPartition: size)
        }
        throw EventStoreError(
            code: .databaseFailure, message: "The log is partitioned, but chronicle_log_partitioning has no row: run the store's migrations.")
    }

    /// Asks for partitions ahead of an append that reached `head`, when the head nears the last
    /// one: ``run()`` makes them.
    func keepPartitionsAhead(of head: Int64) {
        let ahead = configuration.logPartitions?.partitionsAhead ?? LogPartitions().partitionsAhead
        if let through = logTable.partitionsNeeded(after: head, ahead: ahead) {
            partitionRequests.continuation.yield(through)
        }
    }

    /// Makes the partitions asked for, one request at a time, until cancelled.
    func makePartitionsAhead() async {
        for await through in partitionRequests.stream {
            guard !Task.isCancelled else { return }
            do {
                try await withConnection { connection in try await self.makePartitions(through: through, on: connection) }
            } catch {
                logTable.made(below: nil)
                configuration.logger.warning("Could not make the log's next partitions; trying again at the next append", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Makes partitions through the positions taken so far (the position sequence's, ahead of
    /// any committed event), those of an append of `events` events after them, and those
    /// ahead: for an append that found no partition for its position.
    func makePartitionsNow(for events: Int, on connection: PostgresConnection) async throws {
        guard case .partitioned(let size) = try await logLayout(on: connection) else { return }
        let ahead = Int64(configuration.logPartitions?.partitionsAhead ?? LogPartitions().partitionsAhead)
        let rows = try await connection.query(
            "SELECT last_value FROM chronicle_events_position_seq", logger: configuration.logger)
        var taken: Int64 = 0
        for try await value in rows.decode(Int64.self) { taken = value }
        configuration.logger.warning(
            "An append found no partition for its position: making the log's partitions now", metadata: ["position": "\(taken)"])
        try await makePartitions(through: taken + Int64(events) + size * ahead, on: connection)
    }

    /// Makes the partitions for the positions a transaction reserved, when they are missing, in
    /// the transaction, before its appends take any entity's lock: a transaction's appends
    /// cannot be tried again as a lone append can. What it makes shows to others when it
    /// commits; until then, their appends at those positions make them again, waiting for its
    /// commit.
    func makePartitions(for position: Int64, inTransactionOn connection: PostgresConnection) async throws {
        guard case .partitioned(let size) = try await logLayout(on: connection), !logTable.hasPartition(for: position) else { return }
        let ahead = Int64(configuration.logPartitions?.partitionsAhead ?? LogPartitions().partitionsAhead)
        _ = try await connection.query("SELECT chronicle_create_event_partitions(\(position + size * ahead))", logger: configuration.logger)
    }

    private func makePartitions(through: Int64, on connection: PostgresConnection) async throws {
        let rows = try await connection.query("SELECT chronicle_create_event_partitions(\(through))", logger: configuration.logger)
        var below: Int64?
        for try await value in rows.decode(Int64.self) { below = value }
        logTable.made(below: below)
    }

    /// Whether an append failed for want of a partition for its position.
    static func isMissingPartition(_ error: any Error) -> Bool {
        guard let info = serverError(in: error)?.serverInfo else { return false }
        return info[.sqlState] == "23514" && info[.message]?.hasPrefix("no partition of relation") == true
    }

    /// Detaches the partitions of a partitioned log whose positions are all below `position`,
    /// for archiving: each becomes a table of its own (dump it, then drop it), and the log
    /// reads on without its events. Their ids stay taken: no append can reuse one.
    ///
    /// Detach only what no reader still needs: an entity whose first events are detached loads
    /// from its later events only, so snapshot or close such entities first.
    ///
    /// - Returns: The names of the tables detached, oldest first.
    /// - Throws: `EventStoreError.Code.invalidInput` when the log is not partitioned.
    @discardableResult
    public func detachLogPartitions(below position: Int64) async throws -> [String] {
        try await inTransaction(.whole) { connection in
            guard case .partitioned(let size) = try await self.logLayout(on: connection) else {
                throw EventStoreError.invalidInput("The log is not partitioned: only a partitioned log's partitions can be detached.")
            }
            let rows = try await connection.query("""
                SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = to_regclass('chronicle_events') ORDER BY c.relname
                """, logger: self.configuration.logger)
            var detachable: [String] = []
            for try await name in rows.decode(String.self) {
                guard let number = Int64(name.dropFirst("chronicle_events_".count)), (number + 1) * size <= position else { continue }
                detachable.append(name)
            }
            for name in detachable {
                try await connection.query(PostgresQuery(unsafeSQL: "ALTER TABLE chronicle_events DETACH PARTITION \"\(name)\""), logger: self.configuration.logger)
            }
            return detachable
        }
    }
}
