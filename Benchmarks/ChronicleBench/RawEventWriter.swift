import Chronicle
import ChroniclePostgres
import ChronicleSQL
import ChronicleSQLite
import Foundation
import Logging
import PostgresNIO
import SQLiteNIO

/// The baseline of an append: one plain prepared `INSERT` of an event row into the store's own
/// `events` table, on the store's own connection pool (PostgreSQL) or file (SQLite), with none
/// of Chronicle's work: no expected-version read, no gap-free position section, no metadata
/// encoding, no decoding of the result.
protocol RawEventWriter: Sendable {
    /// Inserts one event row as version `version` of an entity.
    func insert(entityID: String, version: Int, data: String) async throws
    /// Releases what the writer opened.
    func close() async throws
}

/// Runs `body` with a raw writer into the same database as a store, and closes the writer.
func withRawWriter<Result>(beside store: any EventStore, _ body: (any RawEventWriter) async throws -> Result) async throws -> Result {
    let raw = try await rawWriter(beside: store)
    do {
        let result = try await body(raw)
        try await raw.close()
        return result
    } catch {
        try? await raw.close()
        throw error
    }
}

/// A raw writer into the same database as a store.
private func rawWriter(beside store: any EventStore) async throws -> any RawEventWriter {
    switch store {
    case let store as PostgresEventStore:
        return PostgresRawWriter(client: store.client)
    case let store as SQLiteEventStore:
        return try await SQLiteRawWriter.open(store.configuration)
    default:
        throw EventStoreError(code: .invalidInput, message: "No raw baseline for \(type(of: store)).")
    }
}

/// A prepared `INSERT` on the store's PostgreSQL client.
struct PostgresRawWriter: RawEventWriter {
    /// The row as Chronicle would write it, positions from the same sequence.
    struct Insert: PostgresPreparedStatement {
        static let sql = """
            INSERT INTO chronicle_events (position, transaction_id, event_id, entity_type, entity_id, version, event_type,
                schema_version, meta, data, created_at)
            VALUES (nextval('chronicle_events_position_seq'), pg_current_xact_id(), $1, 'bench', $2, $3, 'bench.happened', 1,
                '{}', $4::json, now())
            """
        typealias Row = Int

        var entityID: String
        var version: Int
        var data: String

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 4)
            bindings.append(UUID())
            bindings.append(entityID)
            bindings.append(Int64(version))
            bindings.append(data)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { 0 }
    }

    let client: PostgresClient
    let logger = Logger(label: "chronicle.bench")

    func insert(entityID: String, version: Int, data: String) async throws {
        // Leased like the store leases its connections.
        try await client.withConnection { connection in
            for try await _ in try await connection.execute(Insert(entityID: entityID, version: version, data: data), logger: logger) {}
        }
    }

    func close() async throws {}
}

/// An `INSERT` on a second connection to the store's SQLite file, with the store's settings.
struct SQLiteRawWriter: RawEventWriter {
    let connection: SQLiteConnection

    static func open(_ configuration: SQLiteEventStore.Configuration) async throws -> SQLiteRawWriter {
        let connection = try await SQLiteConnection.open(storage: .file(path: configuration.path))
        _ = try await connection.query("PRAGMA busy_timeout = 5000")
        _ = try await connection.query("PRAGMA journal_mode = WAL")
        _ = try await connection.query("PRAGMA synchronous = \(configuration.synchronousCommit ? "FULL" : "NORMAL")")
        return SQLiteRawWriter(connection: connection)
    }

    func insert(entityID: String, version: Int, data: String) async throws {
        _ = try await connection.query(
            """
            INSERT INTO chronicle_events (event_id, entity_type, entity_id, version, event_type, schema_version, meta, data, created_at)
            VALUES (?, 'bench', ?, ?, 'bench.happened', 1, '{}', ?, ?)
            """,
            [.text(UUID().uuidString), .text(entityID), .integer(version), .text(data), .integer(Int(Date().timeIntervalSince1970 * 1_000_000))])
    }

    func close() async throws {
        try await connection.close()
    }
}
