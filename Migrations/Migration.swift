/// One numbered SQL migration: a file such as `0001_create_events.sql`.
///
/// Migrations are append-only: once released, a migration's file never changes, and a change
/// to the schema is a new file with the next number. The ``checksum`` recorded when a migration
/// is applied lets the runner notice an edited file.
///
/// ```swift
/// let migration = try Migration(fileName: "0002_add_tenant.sql", sql: "ALTER TABLE …;")
/// migration.version   // 2
/// migration.name      // "add_tenant"
/// ```
public struct Migration: Hashable, Sendable {
    /// The number from the file name: migrations apply in ascending order.
    public var version: Int

    /// The rest of the file name, without the extension.
    public var name: String

    /// The SQL text, one or more statements separated by semicolons.
    public var sql: String

    /// Creates a migration.
    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// Creates a migration from a file name of the form `<number>_<name>.sql`.
    ///
    /// - Throws: ``MigrationError`` when the name does not have that form.
    public init(fileName: String, sql: String) throws {
        guard fileName.hasSuffix(".sql") else {
            throw MigrationError("Migration file \"\(fileName)\" does not end in .sql.")
        }
        let stem = fileName.dropLast(4)
        let digits = stem.prefix(while: \.isASCII).prefix(while: \.isNumber)
        guard !digits.isEmpty, let version = Int(digits), version > 0,
            stem.dropFirst(digits.count).first == "_", stem.count > digits.count + 1
        else {
            throw MigrationError("Migration file \"\(fileName)\" is not named like 0001_create_events.sql.")
        }
        self.init(version: version, name: String(stem.dropFirst(digits.count + 1)), sql: sql)
    }

    /// A fingerprint of the SQL text (64-bit FNV-1a, hexadecimal), recorded when applied.
    ///
    /// It detects edits, not tampering: it is not a cryptographic hash.
    public var checksum: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in sql.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The SQL text split into single statements, in order.
    public var statements: [String] { SQLScript.statements(in: sql) }
}
