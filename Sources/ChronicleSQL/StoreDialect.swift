public import ChronicleMigrations
public import SQLKit

/// The SQL that differs between databases, as a driver provides it.
///
/// Everything written once over ``SQLEventStore`` (the read side's tables and bookkeeping, the
/// upcasting migration, snapshots) asks the store's dialect where databases differ, so a new
/// driver brings its own dialect and edits no shared file.
///
/// ```swift
/// struct MySQLDialect: StoreDialect {
///     var name: String { "mysql" }
///     var storeMigrations: MigrationSet { try! MigrationSet(scope: MigrationSet.storeScope, directory: schemaDirectory) }
///     func text(_ value: any SQLExpression) -> any SQLExpression { SQLFunction("CAST", args: …) }
///     func json(_ value: any SQLExpression) -> any SQLExpression { value }
///     …
/// }
/// ```
public protocol StoreDialect: Sendable {
    /// The dialect's name, such as `postgres` or `sqlite`: projections that create their
    /// tables differently per database key their statements by it (`ProjectionTable`).
    var name: String { get }

    /// The store's own schema in this dialect: the migrations that create and evolve the
    /// `chronicle_` tables, recorded under `MigrationSet.storeScope`.
    var storeMigrations: MigrationSet { get }

    /// A value (a column of JSON or UUID type, say) read as text.
    func text(_ value: any SQLExpression) -> any SQLExpression

    /// A text value (a bound JSON document) turned into the type of the store's JSON columns.
    func json(_ value: any SQLExpression) -> any SQLExpression

    /// A time, in whole microseconds since 1970, as the store's time columns (`created_at` of
    /// events and snapshots, `applied_at` of migrations) keep it.
    func timestamp(microseconds: Int64) -> any SQLExpression

    /// A text value (a bound UUID in lower case) turned into the type of the store's event ids,
    /// so that comparing it with `event_id` uses the column's index.
    func uuid(_ value: any SQLExpression) -> any SQLExpression

    /// A time column (`created_at`) read as whole microseconds since 1970: the inverse of
    /// ``timestamp(microseconds:)``.
    func microseconds(_ value: any SQLExpression) -> any SQLExpression

    /// The database's current time in whole microseconds since 1970: the one clock that read
    /// sides on several nodes share, so that their own clocks never decide who holds a lease.
    var currentMicroseconds: any SQLExpression { get }

    /// The text of one top-level key of a JSON column (`meta`, say), or SQL `NULL`. An index on
    /// the same expression serves queries that compare it.
    func jsonText(_ value: any SQLExpression, key: String) -> any SQLExpression

    /// Makes sure `chronicle_schema_migrations` exists, in the migration run's transaction,
    /// before the run reads it. A store made before the `chronicle_` prefix keeps its record's
    /// rows under the new name.
    func prepareMigrationRecord(on sql: any SQLDatabase) async throws

    /// The table that records applied migrations: `chronicle_schema_migrations`, the record of a
    /// store made before the `chronicle_` prefix, or `nil` before the first migration.
    func migrationRecordTable(on sql: any SQLDatabase) async throws -> String?
}

extension StoreDialect {
    /// Every column of `chronicle_events` in the form `RecordedEvent(chronicleEventsRow:)`
    /// reads: ids, JSON and times as text and integers.
    public var eventColumns: SQLQueryString {
        """
        position, \(text(SQLIdentifier("event_id"))) AS event_id, entity_type, entity_id, version, event_type, schema_version, \
        \(text(SQLIdentifier("meta"))) AS meta, \(text(SQLIdentifier("data"))) AS data, \(microseconds(SQLIdentifier("created_at"))) AS created_at
        """
    }
}
