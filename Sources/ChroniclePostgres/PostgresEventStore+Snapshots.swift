public import Chronicle
import Foundation
import Logging
import NIOCore
import PostgresNIO

extension PostgresEventStore: SnapshotStore {
    /// The entity's newest snapshot. See `SnapshotStore.snapshot(of:)`.
    public func snapshot(of stream: StreamName) async throws -> Snapshot? {
        try await withConnection { connection in
            let rows = try await connection.query(
                """
                SELECT version, schema, state FROM chronicle_snapshots
                WHERE entity_id = \(stream.entityID) AND entity_type = \(stream.entityType)
                """, logger: self.configuration.logger)
            var snapshot: Snapshot?
            for try await (version, schema, state) in rows.decode((Int, String, ByteBuffer).self) {
                snapshot = Snapshot(stream: stream, version: version, schema: schema, state: Data(state.readableBytesView))
            }
            return snapshot
        }
    }

    /// Keeps a snapshot as the entity's newest. See `SnapshotStore.saveSnapshot(_:)`.
    public func saveSnapshot(_ snapshot: Snapshot) async throws {
        try snapshot.check()
        try await execute(
                """
                INSERT INTO chronicle_snapshots (entity_id, entity_type, version, schema, state)
                VALUES (\(snapshot.stream.entityID), \(snapshot.stream.entityType), \(snapshot.version), \(snapshot.schema),
                        \(PostgresJSON(text: snapshot.state)))
                ON CONFLICT (entity_id) DO UPDATE SET
                    entity_type = excluded.entity_type, version = excluded.version, schema = excluded.schema,
                    state = excluded.state, created_at = excluded.created_at
                WHERE chronicle_snapshots.schema <> excluded.schema OR chronicle_snapshots.version <= excluded.version
                """)
    }

    /// Deletes snapshots. See `SnapshotStore.deleteSnapshots(entityType:)`.
    public func deleteSnapshots(entityType: String?) async throws {
        if let entityType {
            try await execute("DELETE FROM chronicle_snapshots WHERE entity_type = \(entityType)")
        } else {
            try await execute("DELETE FROM chronicle_snapshots")
        }
    }
}
