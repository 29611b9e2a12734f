import Chronicle
import Foundation
import SQLKit

/// Whose partitions a row of `chronicle_partition_checkpoints` belongs to: a partitioned
/// reactor's, a partitioned projection's, or those of an online rebuild of one. The owner's own
/// row (in `chronicle_reactors`, `chronicle_projections` or `chronicle_projection_rebuilds`)
/// keeps the lowest of its partitions' checkpoints: as far as every partition has come.
enum PartitionOwner: Sendable, Equatable {
    case reactor(String)
    case projection(String)
    case rebuild(String)

    /// The key of its rows.
    var consumer: String {
        switch self {
        case .reactor(let name), .projection(let name): name
        case .rebuild(let name): ReadSide.rebuildLock(name)
        }
    }

    /// Its own table and name there.
    fileprivate var row: (table: String, name: String) {
        switch self {
        case .reactor(let name): ("chronicle_reactors", name)
        case .projection(let name): ("chronicle_projections", name)
        case .rebuild(let name): ("chronicle_projection_rebuilds", name)
        }
    }
}

/// The checkpoints of the partitions of partitioned consumers, in `chronicle_partition_checkpoints`.
extension Bookkeeping {
    /// A partition's checkpoint, when its row was made for this number of partitions
    /// (``startPartitions(of:partitions:at:on:)``); `nil` otherwise.
    static func checkpoint(of owner: PartitionOwner, partition: Int, of partitions: Int, on sql: any SQLDatabase) async throws -> Int64? {
        try await sql.raw("""
            SELECT position FROM chronicle_partition_checkpoints
            WHERE consumer = \(bind: owner.consumer) AND partition_number = \(bind: partition) AND partitions = \(bind: partitions)
            """).first()?.decode(column: "position", as: Int64.self)
    }

    /// Makes an owner's partition rows unless it has them for this number of partitions, each
    /// at its owner's checkpoint.
    ///
    /// A reactor's start at the lowest checkpoint it has, its own or a partition's from another
    /// number of partitions: the events between that and a former partition's checkpoint come
    /// again, and their receipts keep their effects from running twice. A projection has no
    /// receipts; its partitions change only by a rebuild, which drops its rows.
    ///
    /// The owner's row is locked first, so that partitions starting at once take turns: the
    /// first makes the rows, and the others, reading after its commit, find them.
    ///
    /// - Throws: ``ReadSideError/Code/notMigrated`` when the owner has no row.
    static func startPartitions(of owner: PartitionOwner, partitions: Int, at now: Date, on sql: any SQLDatabase) async throws {
        let (table, name) = owner.row
        try await sql.raw("UPDATE \(ident: table) SET position = position WHERE name = \(bind: name)").run()
        let rows = try await sql.raw("""
            SELECT partition_number, partitions, position FROM chronicle_partition_checkpoints WHERE consumer = \(bind: owner.consumer)
            """).all().map {
            (number: try $0.decode(column: "partition_number", as: Int.self), partitions: try $0.decode(column: "partitions", as: Int.self),
             position: try $0.decode(column: "position", as: Int64.self))
        }
        if Set(rows.map(\.number)) == Set(0..<partitions), rows.allSatisfy({ $0.partitions == partitions }) { return }
        guard let own = try await sql.raw("SELECT position FROM \(ident: table) WHERE name = \(bind: name)").first()?
            .decode(column: "position", as: Int64.self)
        else {
            throw ReadSideError(code: .notMigrated, message: "\(name) is not registered yet. Migrate it first.", name: name)
        }
        let start = if case .reactor = owner { min(own, rows.map(\.position).min() ?? own) } else { own }
        try await forgetPartitions(of: owner.consumer, on: sql)
        for partition in 0..<partitions {
            try await sql.raw("""
                INSERT INTO chronicle_partition_checkpoints (consumer, partition_number, partitions, position, updated_at)
                VALUES (\(bind: owner.consumer), \(bind: partition), \(bind: partitions), \(bind: start), \(bind: microseconds(now)))
                """).run()
        }
    }

    /// Moves a partition's checkpoint forward, and its owner's to the lowest of its partitions'.
    /// The owner's recorded failure is cleared once the lowest is past the event it failed at
    /// (or at once, for a failure at no event, such as the database's).
    ///
    /// The owner's row is locked first, so that partitions moving at once take turns: each
    /// would otherwise count the lowest without the others' moves, which commit beside it, and
    /// leave the owner's checkpoint behind them all. (PostgreSQL reads each statement from a
    /// fresh snapshot, so the lowest counted after the lock includes the moves committed before.)
    static func advance(_ owner: PartitionOwner, partition: Int, to position: Int64, at now: Date, on sql: any SQLDatabase) async throws {
        let (table, name) = owner.row
        try await sql.raw("UPDATE \(ident: table) SET position = position WHERE name = \(bind: name)").run()
        try await sql.raw("""
            UPDATE chronicle_partition_checkpoints SET position = \(bind: position), updated_at = \(bind: microseconds(now))
            WHERE consumer = \(bind: owner.consumer) AND partition_number = \(bind: partition) AND position < \(bind: position)
            """).run()
        let lowest = try await sql.raw("""
            SELECT min(position) AS lowest FROM chronicle_partition_checkpoints WHERE consumer = \(bind: owner.consumer)
            """).first()?.decode(column: "lowest", as: Int64?.self)
        guard let lowest else { return }
        if case .rebuild(let name) = owner {
            try await advance(rebuild: name, to: lowest, on: sql)
            return
        }
        // A failure at an event stays recorded until every partition is past it: the partition
        // that failed may still be failing while the others move on.
        let past = "error_position IS NULL OR error_position <= \(lowest)"
        try await sql.raw("""
            UPDATE \(ident: table) SET position = \(bind: lowest),
                last_error = CASE WHEN \(unsafeRaw: past) THEN NULL ELSE last_error END,
                failed_at = CASE WHEN \(unsafeRaw: past) THEN NULL ELSE failed_at END,
                error_position = CASE WHEN \(unsafeRaw: past) THEN NULL ELSE error_position END,
                updated_at = \(bind: microseconds(now))
            WHERE name = \(bind: name)
            """).run()
    }

    /// The checkpoints of a consumer's partitions, by partition (its key: ``PartitionOwner/consumer``).
    static func checkpoints(of consumer: String, on sql: any SQLDatabase) async throws -> [Int: Int64] {
        let rows = try await sql.raw("""
            SELECT partition_number, position FROM chronicle_partition_checkpoints WHERE consumer = \(bind: consumer)
            """).all()
        return Dictionary(uniqueKeysWithValues: try rows.map {
            (try $0.decode(column: "partition_number", as: Int.self), try $0.decode(column: "position", as: Int64.self))
        })
    }

    /// The number of partitions a consumer's partition rows were made for, or `nil` when it has none.
    static func partitions(of consumer: String, on sql: any SQLDatabase) async throws -> Int? {
        try await sql.raw("""
            SELECT max(partitions) AS partitions FROM chronicle_partition_checkpoints WHERE consumer = \(bind: consumer)
            """).first()?.decode(column: "partitions", as: Int?.self)
    }

    /// Drops the partition rows of a consumer (its key: ``PartitionOwner/consumer``).
    static func forgetPartitions(of consumer: String, on sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM chronicle_partition_checkpoints WHERE consumer = \(bind: consumer)").run()
    }

    /// Moves a reactor's checkpoint past an event: its partition's, when it is partitioned.
    static func advance(_ reactor: RegisteredReactor, past event: RecordedEvent, at now: Date, on sql: any SQLDatabase) async throws {
        if reactor.isPartitioned {
            try await advance(.reactor(reactor.name), partition: reactor.partition(of: event), to: event.position, at: now, on: sql)
        } else {
            try await advance(reactor: reactor.name, to: event.position, at: now, on: sql)
        }
    }

    /// Moves a projection's checkpoint past an event: its partition's, when it is partitioned.
    static func advance(_ projection: RegisteredProjection, past event: RecordedEvent, at now: Date, on sql: any SQLDatabase) async throws {
        if projection.isPartitioned {
            try await advance(.projection(projection.name), partition: projection.partition(of: event), to: event.position, at: now, on: sql)
        } else {
            try await advance(projection: projection.name, to: event.position, at: now, on: sql)
        }
    }
}
