import Chronicle
import Foundation
import SQLKit

/// The checkpoints of partitioned reactors' partitions, in `chronicle_partition_checkpoints`.
extension Bookkeeping {
    /// A partition's checkpoint, when its row was made for this number of partitions
    /// (``startPartitions(reactor:partitions:at:on:)``); `nil` otherwise.
    static func checkpoint(reactor name: String, partition: Int, of partitions: Int, on sql: any SQLDatabase) async throws -> Int64? {
        try await sql.raw("""
            SELECT position FROM chronicle_partition_checkpoints
            WHERE consumer = \(bind: name) AND partition_number = \(bind: partition) AND partitions = \(bind: partitions)
            """).first()?.decode(column: "position", as: Int64.self)
    }

    /// Makes a reactor's partition rows unless it has them for this number of partitions: each
    /// at the lowest checkpoint the reactor has (its own, or a partition's from another number
    /// of partitions). Events between that and a former partition's checkpoint come again; their
    /// receipts keep their effects from running twice.
    ///
    /// - Throws: ``ReadSideError/Code/notMigrated`` when the reactor is not registered.
    static func startPartitions(reactor name: String, partitions: Int, at now: Date, on sql: any SQLDatabase) async throws {
        let rows = try await sql.raw("""
            SELECT partition_number, partitions, position FROM chronicle_partition_checkpoints WHERE consumer = \(bind: name)
            """).all().map {
            (number: try $0.decode(column: "partition_number", as: Int.self), partitions: try $0.decode(column: "partitions", as: Int.self),
             position: try $0.decode(column: "position", as: Int64.self))
        }
        if Set(rows.map(\.number)) == Set(0..<partitions), rows.allSatisfy({ $0.partitions == partitions }) { return }
        guard let reactorRow = try await reactor(name, on: sql) else {
            throw ReadSideError(code: .notMigrated, message: "Reactor \(name) is not registered yet. Migrate it first.", name: name)
        }
        let start = min(reactorRow.position, rows.map(\.position).min() ?? reactorRow.position)
        try await sql.raw("DELETE FROM chronicle_partition_checkpoints WHERE consumer = \(bind: name)").run()
        for partition in 0..<partitions {
            try await sql.raw("""
                INSERT INTO chronicle_partition_checkpoints (consumer, partition_number, partitions, position, updated_at)
                VALUES (\(bind: name), \(bind: partition), \(bind: partitions), \(bind: start), \(bind: microseconds(now)))
                """).run()
        }
    }

    /// Moves a partition's checkpoint forward, and the reactor's own to the lowest of its
    /// partitions': as far as every partition has come.
    ///
    /// The reactor's row is locked first, so that partitions moving at once take turns: each
    /// would otherwise count the lowest without the others' moves, which commit beside it, and
    /// leave the reactor's checkpoint behind them all. (PostgreSQL reads each statement from a
    /// fresh snapshot, so the lowest counted after the lock includes the moves committed before.)
    static func advance(reactor name: String, partition: Int, to position: Int64, at now: Date, on sql: any SQLDatabase) async throws {
        try await sql.raw("UPDATE chronicle_reactors SET position = position WHERE name = \(bind: name)").run()
        try await sql.raw("""
            UPDATE chronicle_partition_checkpoints SET position = \(bind: position), updated_at = \(bind: microseconds(now))
            WHERE consumer = \(bind: name) AND partition_number = \(bind: partition) AND position < \(bind: position)
            """).run()
        let lowest = try await sql.raw("""
            SELECT min(position) AS lowest FROM chronicle_partition_checkpoints WHERE consumer = \(bind: name)
            """).first()?.decode(column: "lowest", as: Int64?.self)
        if let lowest {
            try await advance(reactor: name, to: lowest, at: now, on: sql)
        }
    }

    /// Moves a reactor's checkpoint past an event: its partition's, when it is partitioned.
    static func advance(_ reactor: RegisteredReactor, past event: RecordedEvent, at now: Date, on sql: any SQLDatabase) async throws {
        if reactor.isPartitioned {
            try await advance(reactor: reactor.name, partition: reactor.partition(of: event), to: event.position, at: now, on: sql)
        } else {
            try await advance(reactor: reactor.name, to: event.position, at: now, on: sql)
        }
    }
}
