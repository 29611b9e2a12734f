import Chronicle
import Foundation
import NIOCore
import PostgresNIO

extension RecordedEvent {
    /// The columns ``init(postgresRow:)`` reads, in its order.
    static let postgresColumns =
        "position, event_id, entity_type, entity_id, version, event_type, schema_version, meta, data, created_at"

    /// A recorded event from a row of ``postgresColumns``.
    init(postgresRow row: PostgresRow) throws {
        let (position, id, entityType, entityID, version, eventType, schemaVersion, meta, data, createdAt) = try row.decode(
            (Int64, UUID, String, String, Int, String, Int, ByteBuffer, ByteBuffer, PostgresTimestamp).self)
        let metadata: EventMetadata
        do {
            metadata = try EventMetadata(
                storedJSON: Data(meta.readableBytesView),
                createdAt: Timestamp.date(microsecondsSince1970: createdAt.microsecondsSince1970))
        } catch {
            throw EventStoreError(
                code: .databaseFailure, message: "Event \(position) has meta that is not a JSON object.",
                position: position, underlying: error)
        }
        self.init(
            position: position, id: id, stream: StreamName(entityType: entityType, entityID: entityID),
            version: version, eventType: eventType, schemaVersion: schemaVersion, metadata: metadata,
            data: Data(data.readableBytesView))
    }
}
