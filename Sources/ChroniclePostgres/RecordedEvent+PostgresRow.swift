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
        // Cell by cell: each decode is specialised for its type, where decoding the row as one
        // tuple builds generic metadata for every row.
        var cells = row.makeIterator()
        func next<Value: PostgresDecodable>(_ type: Value.Type) throws -> Value {
            guard let cell = cells.next() else {
                throw EventStoreError(code: .databaseFailure, message: "A row of events has fewer columns than \(Self.postgresColumns).")
            }
            return try cell.decode(type)
        }
        let position = try next(Int64.self)
        let id = try next(UUID.self)
        let entityType = try next(String.self)
        let entityID = try next(String.self)
        let version = try next(Int.self)
        let eventType = try next(String.self)
        let schemaVersion = try next(Int.self)
        let meta = try next(ByteBuffer.self)
        let data = try next(ByteBuffer.self)
        let createdAt = try next(PostgresTimestamp.self)
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
