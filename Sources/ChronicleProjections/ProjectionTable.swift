public import ChronicleMigrations
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
public struct ProjectionTable: Hashable, Sendable {
    /// The table's name, as the application reads it: lowercase letters, digits and underscores.
    public var name: String

    /// The statements that create it, per dialect, with `{table}` for its name.
    public var statements: [DatabaseDialect: [String]]

    /// A table created the same way in both dialects.
    public init(_ name: String, _ statements: [String]) {
        self.init(name, postgres: statements, sqlite: statements)
    }

    /// A table created differently in each dialect.
    public init(_ name: String, postgres: [String], sqlite: [String]) {
        precondition(
            name.first.map { $0.isLetter && $0.isLowercase } == true
                && name.allSatisfy { ($0.isLetter && $0.isLowercase) || $0.isNumber || $0 == "_" } && !name.contains("__"),
            "Projection table name \"\(name)\" must be lowercase letters, digits and single underscores, starting with a letter.")
        self.name = name
        self.statements = [.postgres: postgres, .sqlite: sqlite]
    }

    /// The statements for a dialect, creating the table under a physical name.
    func creation(in dialect: DatabaseDialect, as physicalName: String) -> [String] {
        (statements[dialect] ?? []).map { $0.replacingOccurrences(of: "{table}", with: physicalName) }
    }

    /// The physical name of the table in a generation: generation 0 and live tables have the
    /// plain name; a rebuild's shadow table is `name__g<generation>`.
    static func physicalName(_ name: String, shadowGeneration: Int?) -> String {
        shadowGeneration.map { "\(name)__g\($0)" } ?? name
    }
}
