public import Chronicle
import Foundation
public import SQLKit

extension RecordedEvent {
    /// The event of a row of `chronicle_events`, for a driver that reads through SQLKit.
    ///
    /// The row has `position`, `event_id` (as text), `entity_type`, `entity_id`, `version`,
    /// `event_type`, `schema_version` and `data` (as text), and may have `meta` (as text) and
    /// `created_at` (microseconds); without them the metadata is empty. Nothing is upcast.
    ///
    /// - Throws: `EventStoreError.Code.databaseFailure` when the row is not an event.
    public init(chronicleEventsRow row: any SQLRow) throws {
        let position = try row.decode(column: "position", as: Int64.self)
        guard let id = UUID(uuidString: try row.decode(column: "event_id", as: String.self)) else {
            throw EventStoreError(code: .databaseFailure, message: "Event \(position) has an event_id that is not a UUID.", position: position)
        }
        var metadata = EventMetadata()
        if row.contains(column: "meta") {
            let createdAt = Timestamp.date(microsecondsSince1970: try row.decode(column: "created_at", as: Int64.self))
            do {
                metadata = try EventMetadata(storedJSON: Data(utf8Of: try row.decode(column: "meta", as: String.self)), createdAt: createdAt)
            } catch {
                throw EventStoreError(
                    code: .databaseFailure, message: "Event \(position) has meta that is not a JSON object.", position: position, underlying: error)
            }
        }
        self.init(
            position: position, id: id,
            stream: StreamName(
                entityType: try row.decode(column: "entity_type", as: String.self),
                entityID: try row.decode(column: "entity_id", as: String.self)),
            version: try row.decode(column: "version", as: Int.self),
            eventType: try row.decode(column: "event_type", as: String.self),
            schemaVersion: try row.decode(column: "schema_version", as: Int.self),
            metadata: metadata,
            data: Data(utf8Of: try row.decode(column: "data", as: String.self)))
    }
}
