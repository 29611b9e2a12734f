public import Chronicle
import Foundation
import SQLKit

extension SQLEventStore {
    /// The entity's newest snapshot, from `chronicle_snapshots`. See `SnapshotStore.snapshot(of:)`.
    public func snapshot(of stream: StreamName) async throws -> Snapshot? {
        let dialect = dialect
        return try await withReadConnection { sql in
            let row = try await sql.raw("""
                SELECT version, schema, \(dialect.text(SQLIdentifier("state"))) AS state FROM chronicle_snapshots
                WHERE entity_id = \(bind: stream.entityID) AND entity_type = \(bind: stream.entityType)
                """).first()
            guard let row else { return nil }
            return Snapshot(
                stream: stream, version: try row.decode(column: "version", as: Int.self), schema: try row.decode(column: "schema", as: String.self),
                state: Data(try row.decode(column: "state", as: String.self).utf8))
        }
    }

    /// Keeps a snapshot as the entity's newest, unless a newer one of the same schema is kept.
    /// See `SnapshotStore.saveSnapshot(_:)`.
    ///
    /// - Throws: `EventStoreError.Code.invalidInput` for a snapshot no store keeps.
    public func saveSnapshot(_ snapshot: Snapshot) async throws {
        try snapshot.check()
        let dialect = dialect
        let now = Timestamp.microseconds(since1970: Date())
        try await withWriteTransaction(locking: nil) { sql in
            try await sql.raw("""
                INSERT INTO chronicle_snapshots (entity_id, entity_type, version, schema, state, created_at)
                VALUES (\(bind: snapshot.stream.entityID), \(bind: snapshot.stream.entityType), \(bind: snapshot.version), \(bind: snapshot.schema),
                    \(dialect.json(SQLBind(String(decoding: snapshot.state, as: UTF8.self)))), \(dialect.timestamp(microseconds: now)))
                ON CONFLICT (entity_id) DO UPDATE SET
                    entity_type = excluded.entity_type, version = excluded.version, schema = excluded.schema,
                    state = excluded.state, created_at = excluded.created_at
                WHERE chronicle_snapshots.schema <> excluded.schema OR chronicle_snapshots.version <= excluded.version
                """).run()
        }
    }

    /// Deletes the snapshots of one entity type, or all. See `SnapshotStore.deleteSnapshots(entityType:)`.
    public func deleteSnapshots(entityType: String?) async throws {
        try await withWriteTransaction(locking: nil) { sql in
            if let entityType {
                try await sql.raw("DELETE FROM chronicle_snapshots WHERE entity_type = \(bind: entityType)").run()
            } else {
                try await sql.raw("DELETE FROM chronicle_snapshots").run()
            }
        }
    }
}
