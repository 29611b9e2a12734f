import ChronicleSQL
import Foundation

/// A table a projection owns: its name and the statements that create it.
///
/// Write `{table}` wherever the table's name goes, index names included: online rebuilds create
/// the table under another name beside the live one, then swap it in.
///
/// ```swift
/// ProjectionTable("meetings", [
///     "CREATE TABLE {table} (id TEXT PRIMARY KEY, title TEXT NOT NULL, attendees INTEGER NOT NULL DEFAULT 0)",
///     "CREATE INDEX {table}_by_title ON {table} (title)",
/// ])
/// ```
///
/// A table that must be created differently per database names its statements by dialect
/// (`StoreDialect/name`): `ProjectionTable("meetings", byDialect: ["postgres": […], "sqlite": […]])`.
/// Migrating it on a dialect it does not name fails with ``ReadSideError/Code/invalidDefinition``.
public struct ProjectionTable: Hashable, Sendable {
    /// The table's name, as the application reads it: lowercase letters, digits and underscores.
    public var name: String

    /// The statements that create it on every dialect, with `{table}` for its name, or `nil`
    /// when they differ per dialect.
    public var statements: [String]?

    /// The statements that create it, by dialect name, where they differ.
    public var statementsByDialect: [String: [String]]

    /// A table created the same way on every database.
    public init(_ name: String, _ statements: [String]) {
        self.init(name, statements: statements, byDialect: [:])
    }

    /// A table created differently per database, by dialect name (`postgres`, `sqlite`, or a
    /// third driver's).
    public init(_ name: String, byDialect statements: [String: [String]]) {
        self.init(name, statements: nil, byDialect: statements)
    }

    /// A table created differently on PostgreSQL and SQLite.
    public init(_ name: String, postgres: [String], sqlite: [String]) {
        self.init(name, byDialect: ["postgres": postgres, "sqlite": sqlite])
    }

    private init(_ name: String, statements: [String]?, byDialect: [String: [String]]) {
        precondition(
            name.first.map { $0.isLetter && $0.isLowercase } == true
                && name.allSatisfy { ($0.isLetter && $0.isLowercase) || $0.isNumber || $0 == "_" } && !name.contains("__"),
            "Projection table name \"\(name)\" must be lowercase letters, digits and single underscores, starting with a letter.")
        self.name = name
        self.statements = statements
        self.statementsByDialect = byDialect
    }

    /// The statements for a dialect, creating the table under a physical name.
    ///
    /// - Throws: ``ReadSideError/Code/invalidDefinition`` when the table has no statements for
    ///   the dialect.
    func creation(in dialect: any StoreDialect, as physicalName: String, for projection: String) throws -> [String] {
        guard let statements = statements ?? statementsByDialect[dialect.name] else {
            throw ReadSideError(
                code: .invalidDefinition,
                message: "Projection \(projection) defines its table \(name) for \(statementsByDialect.keys.sorted().joined(separator: ", ")), not for \(dialect.name).",
                name: projection)
        }
        return statements.map { $0.replacingOccurrences(of: "{table}", with: physicalName) }
    }

    /// The physical name of the table in a generation: generation 0 and live tables have the
    /// plain name; a rebuild's shadow table is `name__g<generation>`.
    static func physicalName(_ name: String, shadowGeneration: Int?) -> String {
        shadowGeneration.map { "\(name)__g\($0)" } ?? name
    }
}
