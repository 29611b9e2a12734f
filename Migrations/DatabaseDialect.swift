/// The SQL dialects Chronicle's stores speak.
public enum DatabaseDialect: String, Sendable, CaseIterable {
    /// PostgreSQL 13 or later.
    case postgres
    /// SQLite 3.37 or later.
    case sqlite
}
