public import Chronicle
import Foundation
import SQLiteNIO

extension SQLiteEventStore: SnapshotStore {
    /// The entity's newest snapshot. See `SnapshotStore.snapshot(of:)`.
    public func snapshot(of stream: StreamName) async throws -> Snapshot? {
        let rows = try await read(
            "SELECT version, schema, state FROM chronicle_snapshots WHERE entity_id = ?1 AND entity_type = ?2",
            [.text(stream.entityID), .text(stream.entityType)])
        guard let row = rows.first, let version = row.column("version")?.integer, let schema = row.column("schema")?.string,
            let state = row.column("state")?.string
        else { return nil }
        return Snapshot(stream: stream, version: version, schema: schema, state: Data(state.utf8))
    }

    /// Keeps a snapshot as the entity's newest. See `SnapshotStore.saveSnapshot(_:)`.
    public func saveSnapshot(_ snapshot: Snapshot) async throws {
        try snapshot.check()
        try await write(
            """
            INSERT INTO chronicle_snapshots (entity_id, entity_type, version, schema, state, created_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6)
            ON CONFLICT (entity_id) DO UPDATE SET
                entity_type = excluded.entity_type, version = excluded.version, schema = excluded.schema,
                state = excluded.state, created_at = excluded.created_at
            WHERE chronicle_snapshots.schema <> excluded.schema OR chronicle_snapshots.version <= excluded.version
            """,
            [
                .text(snapshot.stream.entityID), .text(snapshot.stream.entityType), .integer(snapshot.version),
                .text(snapshot.schema), .text(String(decoding: snapshot.state, as: UTF8.self)),
                .integer(Int(Timestamp.microseconds(since1970: configuration.now()))),
            ])
    }

    /// Deletes snapshots. See `SnapshotStore.deleteSnapshots(entityType:)`.
    public func deleteSnapshots(entityType: String?) async throws {
        if let entityType {
            try await write("DELETE FROM chronicle_snapshots WHERE entity_type = ?1", [.text(entityType)])
        } else {
            try await write("DELETE FROM chronicle_snapshots")
        }
    }

    private func write(_ sql: String, _ binds: [SQLiteData] = []) async throws {
        do {
            try await writeLock.withLock(waitingAtMost: configuration.writerTimeout) { _ = try await self.writer.query(sql, binds) }
        } catch {
            throw Self.translate(error)
        }
    }
}
