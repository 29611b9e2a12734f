public import Chronicle
public import ChronicleMigrations
public import SQLKit

/// What a projection's handler writes with: SQL inside the batch's transaction, the recorded
/// event, and the names of the projection's tables.
///
/// Always name tables through ``table(_:)``: during an online rebuild the handler writes to the
/// rebuild's tables, not the live ones.
public struct ProjectionContext: Sendable {
    /// SQL on the transaction that also advances the projection's checkpoint.
    public let sql: any SQLDatabase

    /// The event being applied, with its entity, position, version and metadata.
    public let event: RecordedEvent

    /// The database's dialect, for the rare statement that differs.
    public let dialect: DatabaseDialect

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
