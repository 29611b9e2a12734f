public import Chronicle
import ChronicleMigrations
public import ChronicleSQL
public import SQLKit

/// What a projection's handler writes with: row changes and SQL inside the batch's transaction,
/// the recorded event, and the names of the projection's tables.
///
/// Handlers write rows in one of two ways, which can be mixed:
/// - **Row changes** (``insert(into:key:values:)``, ``upsert(into:key:values:)``,
///   ``update(_:key:set:increment:)``, ``delete(from:key:)``) name a row by its key and wait to
///   be written with the batch: the changes of one row are combined into one (an insert followed
///   by nine increments becomes one insert), and the rows are written with one multi-row
///   statement per table and kind of change. This is what makes rebuilds fast.
/// - **SQL** through ``sql`` runs at once. Reaching for ``sql`` first writes every pending row
///   change, so a handler's queries always see the changes made before them.
///
/// Always name tables through ``table(_:)`` when writing SQL: during an online rebuild the
/// handler writes to the rebuild's tables, not the live ones. Row changes take the table's
/// declared name and do this themselves.
public struct ProjectionContext: Sendable {
    /// SQL on the transaction that also advances the projection's checkpoint, after every
    /// pending row change of the batch has been written.
    ///
    /// A statement that would create, change or write one of the store's own tables
    /// (`chronicle_…`) is refused with ``ReadSideError/Code/reservedName``.
    public var sql: any SQLDatabase {
        get async throws {
            try await writePendingRowChanges()
            return StoreGuardedSQLDatabase(base: database, projection: projection)
        }
    }

    /// The transaction, without writing pending row changes first.
    let database: any SQLDatabase

    /// The projection's name.
    let projection: String

    /// The batch's row changes not written yet.
    let rowChanges: RowChanges

    /// The event being applied, with its entity, position, version and metadata.
    public let event: RecordedEvent

    /// The database's dialect, for the rare statement that differs.
    public let dialect: any StoreDialect

    let tableNames: [String: String]

    /// The name to write to for one of the projection's tables.
    ///
    /// - Precondition: The projection declares a table of that name.
    public func table(_ name: String) -> String {
        guard let physical = tableNames[name] else {
            preconditionFailure("The projection has no table named \"\(name)\"; declare it in its tables.")
        }
        return physical
    }
}
