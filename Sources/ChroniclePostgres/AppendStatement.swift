import Chronicle
import Foundation
import PostgresNIO

/// The append, as one prepared statement: planned once per connection, not on every append.
///
/// Read it top to bottom:
/// 1. `current`: the entity's version (0 when new) and entity type, from its newest event (read
///    as the log's ``LogLayout`` says);
/// 2. `reserved`: the transaction id and consecutive positions (rule 1 in the migration
///    `0001_create_events.sql`);
/// 3. the insert of one row per event, only when the version and the type are the expected
///    ones, and, unless the append comes through the read side (`$11`), when no inline
///    projection handles one of its event types. Zero rows inserted means the append was
///    refused; the store then asks why.
struct AppendStatement<Layout: LogLayout>: PostgresPreparedStatement {
    static var sql: String { appendSQL(reserving: "SELECT transaction_id, first_position FROM chronicle_reserve_positions($4::integer)") }

    /// The append's SQL, with the CTE `reserved` that gives its transaction id and first position.
    static func appendSQL(reserving reserved: String) -> String {
        """
        WITH newest AS (
            \(Layout.newestEvent(of: "$2"))
        ), current AS (
            SELECT coalesce((SELECT version FROM newest), 0) AS version, (SELECT entity_type FROM newest) AS entity_type
        ), reserved AS (
            \(reserved)
        )
        INSERT INTO chronicle_events (position, transaction_id, event_id, entity_type, entity_id, version,
                            event_type, schema_version, meta, data, created_at)
        SELECT r.first_position + e.n - 1, r.transaction_id, e.event_id, $1::text, $2::text,
               c.version + e.n, e.event_type, e.schema_version, e.meta, e.data, e.created_at
        FROM current c, reserved r,
             unnest($5::uuid[], $6::text[], $7::integer[], $8::json[], $9::json[], $10::timestamptz[])
                 WITH ORDINALITY AS e(event_id, event_type, schema_version, meta, data, created_at, n)
        WHERE ($3::bigint IS NULL OR c.version = $3::bigint)
          AND coalesce(c.entity_type = $1::text, true)
          AND ($11::boolean OR NOT EXISTS (
              SELECT 1 FROM chronicle_projections p WHERE p.mode = 'inline' AND p.event_types::jsonb ?| $6::text[]))
        RETURNING position, version
        """
    }

    typealias Row = AppendedRow

    var append: PreparedAppend
    /// Whether the append comes through the read side, which applies the inline projections in
    /// its transaction.
    var appliesInlineProjections: Bool

    func makeBindings() throws -> PostgresBindings {
        let entries = append.entries
        var bindings = PostgresBindings(capacity: 11)
        bindings.append(append.stream.entityType)
        bindings.append(append.stream.entityID)
        bindings.append(append.expected.requiredVersion)
        bindings.append(Int32(entries.count))
        bindings.append(entries.map(\.id))
        bindings.append(entries.map(\.eventType))
        bindings.append(entries.map { Int32($0.schemaVersion) })  // checked by PreparedAppend
        bindings.append(entries.map { PostgresJSON(text: $0.metadataJSON) })
        bindings.append(entries.map { PostgresJSON(text: $0.data) })
        bindings.append(entries.map { PostgresTimestamp(microsecondsSince1970: Timestamp.microseconds(since1970: $0.createdAt)) })
        bindings.append(appliesInlineProjections)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try row.decode((Int64, Int).self)
    }
}

/// A row an append statement returns: an event's position and version.
typealias AppendedRow = (position: Int64, version: Int)
