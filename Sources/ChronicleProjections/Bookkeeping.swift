import ChronicleMigrations
import Foundation
import SQLKit

/// A row of `projections`.
struct ProjectionRow: Sendable {
    var name: String
    var version: Int
    var mode: String
    var position: Int64
    var generation: Int
    var lastError: String?
    var errorPosition: Int64?
    var failedAt: Int64?
}

/// A row of `projection_rebuilds`: an online rebuild under way.
struct RebuildRow: Sendable {
    var name: String
    var version: Int
    var generation: Int
    var position: Int64
}

/// A row of `reactors`.
struct ReactorRow: Sendable {
    var name: String
    var position: Int64
    var registeredPosition: Int64
    var lastError: String?
    var errorPosition: Int64?
    var failedAt: Int64?
}

/// The read side's own statements on its bookkeeping tables, the same in both dialects.
enum Bookkeeping {
    static func microseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    // MARK: projections

    static func projections(on sql: any SQLDatabase) async throws -> [ProjectionRow] {
        try await sql.raw("""
            SELECT name, version, mode, position, generation, last_error, error_position, failed_at
            FROM projections ORDER BY name
            """).all().map(projection)
    }

    static func projection(_ name: String, on sql: any SQLDatabase) async throws -> ProjectionRow? {
        try await sql.raw("""
            SELECT name, version, mode, position, generation, last_error, error_position, failed_at
            FROM projections WHERE name = \(bind: name)
            """).first().map(projection)
    }

    private static func projection(_ row: any SQLRow) throws -> ProjectionRow {
        ProjectionRow(
            name: try row.decode(column: "name", as: String.self),
            version: try row.decode(column: "version", as: Int.self),
            mode: try row.decode(column: "mode", as: String.self),
            position: try row.decode(column: "position", as: Int64.self),
            generation: try row.decode(column: "generation", as: Int.self),
            lastError: try row.decode(column: "last_error", as: String?.self),
            errorPosition: try row.decode(column: "error_position", as: Int64?.self),
            failedAt: try row.decode(column: "failed_at", as: Int64?.self))
    }

    static func insertProjection(_ name: String, version: Int, mode: String, position: Int64, at now: Date, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            INSERT INTO projections (name, version, mode, position, generation, updated_at)
            VALUES (\(bind: name), \(bind: version), \(bind: mode), \(bind: position), 0, \(bind: microseconds(now)))
            """).run()
    }

    /// Moves a projection's checkpoint and clears its failure.
    static func advance(projection name: String, to position: Int64, at now: Date, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE projections SET position = \(bind: position), last_error = NULL, error_position = NULL,
                failed_at = NULL, updated_at = \(bind: microseconds(now))
            WHERE name = \(bind: name)
            """).run()
    }

    static func recordFailure(projection name: String, error: String, position: Int64?, at now: Date, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE projections SET last_error = \(bind: error), error_position = \(bind: position),
                failed_at = \(bind: microseconds(now)), updated_at = \(bind: microseconds(now))
            WHERE name = \(bind: name)
            """).run()
    }

    /// Makes a projection live at a version, generation and checkpoint, its failure cleared.
    static func replace(projection name: String, version: Int, mode: String, generation: Int, position: Int64, at now: Date, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE projections SET version = \(bind: version), mode = \(bind: mode), generation = \(bind: generation),
                position = \(bind: position), last_error = NULL, error_position = NULL, failed_at = NULL,
                updated_at = \(bind: microseconds(now))
            WHERE name = \(bind: name)
            """).run()
    }

    // MARK: online rebuilds

    static func rebuild(_ name: String, on sql: any SQLDatabase) async throws -> RebuildRow? {
        try await sql.raw("SELECT name, version, generation, position FROM projection_rebuilds WHERE name = \(bind: name)")
            .first()
            .map { row in
                RebuildRow(
                    name: try row.decode(column: "name", as: String.self),
                    version: try row.decode(column: "version", as: Int.self),
                    generation: try row.decode(column: "generation", as: Int.self),
                    position: try row.decode(column: "position", as: Int64.self))
            }
    }

    static func insertRebuild(_ rebuild: RebuildRow, at now: Date, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            INSERT INTO projection_rebuilds (name, version, generation, position, started_at)
            VALUES (\(bind: rebuild.name), \(bind: rebuild.version), \(bind: rebuild.generation), \(bind: rebuild.position), \(bind: microseconds(now)))
            """).run()
    }

    static func advance(rebuild name: String, to position: Int64, on sql: any SQLDatabase) async throws {
        try await sql.raw("UPDATE projection_rebuilds SET position = \(bind: position) WHERE name = \(bind: name)").run()
    }

    static func deleteRebuild(_ name: String, on sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM projection_rebuilds WHERE name = \(bind: name)").run()
    }

    // MARK: reactors

    static func reactors(on sql: any SQLDatabase) async throws -> [ReactorRow] {
        try await sql.raw("""
            SELECT name, position, registered_position, last_error, error_position, failed_at FROM reactors ORDER BY name
            """).all().map(reactor)
    }

    static func reactor(_ name: String, on sql: any SQLDatabase) async throws -> ReactorRow? {
        try await sql.raw("""
            SELECT name, position, registered_position, last_error, error_position, failed_at FROM reactors WHERE name = \(bind: name)
            """).first().map(reactor)
    }

    private static func reactor(_ row: any SQLRow) throws -> ReactorRow {
        ReactorRow(
            name: try row.decode(column: "name", as: String.self),
            position: try row.decode(column: "position", as: Int64.self),
            registeredPosition: try row.decode(column: "registered_position", as: Int64.self),
            lastError: try row.decode(column: "last_error", as: String?.self),
            errorPosition: try row.decode(column: "error_position", as: Int64?.self),
            failedAt: try row.decode(column: "failed_at", as: Int64?.self))
    }

    static func insertReactor(_ name: String, at position: Int64, now: Date, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            INSERT INTO reactors (name, position, registered_position, updated_at)
            VALUES (\(bind: name), \(bind: position), \(bind: position), \(bind: microseconds(now)))
            """).run()
    }

    static func advance(reactor name: String, to position: Int64, at now: Date, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE reactors SET position = \(bind: position), last_error = NULL, error_position = NULL, failed_at = NULL,
                updated_at = \(bind: microseconds(now))
            WHERE name = \(bind: name) AND position < \(bind: position)
            """).run()
    }

    static func recordFailure(reactor name: String, error: String, position: Int64?, at now: Date, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE reactors SET last_error = \(bind: error), error_position = \(bind: position),
                failed_at = \(bind: microseconds(now)), updated_at = \(bind: microseconds(now))
            WHERE name = \(bind: name)
            """).run()
    }

    static func hasReceipt(reactor name: String, eventID: UUID, on sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("""
            SELECT 1 AS done FROM reactor_receipts WHERE reactor = \(bind: name) AND event_id = \(bind: eventID.uuidString.lowercased())
            """).first() != nil
    }

    static func insertReceipt(reactor name: String, eventID: UUID, at now: Date, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            INSERT INTO reactor_receipts (reactor, event_id, done_at)
            VALUES (\(bind: name), \(bind: eventID.uuidString.lowercased()), \(bind: microseconds(now)))
            ON CONFLICT DO NOTHING
            """).run()
    }

    // MARK: tables

    static func create(_ table: ProjectionTable, as physicalName: String, dialect: DatabaseDialect, on sql: any SQLDatabase) async throws {
        for statement in table.creation(in: dialect, as: physicalName) {
            try await sql.raw("\(unsafeRaw: statement)").run()
        }
    }

    static func drop(table physicalName: String, on sql: any SQLDatabase) async throws {
        try await sql.raw("DROP TABLE IF EXISTS \(ident: physicalName)").run()
    }

    static func rename(table physicalName: String, to newName: String, on sql: any SQLDatabase) async throws {
        try await sql.raw("ALTER TABLE \(ident: physicalName) RENAME TO \(ident: newName)").run()
    }
}
