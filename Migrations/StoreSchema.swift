/// The names the store keeps for itself, and the check that keeps others' SQL off them.
///
/// Every table, index, sequence and function of the store starts with ``reservedPrefix``
/// (`chronicle_`). Projections' tables and application migrations share the database with
/// the store, so the read side refuses a projection table with such a name, and any projection
/// or application migration statement that creates, changes or writes such a table.
///
/// ```swift
/// StoreSchema.isReserved("chronicle_events")                          // true
/// StoreSchema.writesToStore("DROP TABLE chronicle_events")             // true
/// StoreSchema.writesToStore("SELECT count(*) FROM chronicle_events")   // false: reading is fine
/// ```
public enum StoreSchema: Sendable {
    /// The prefix of the store's own names.
    public static let reservedPrefix = "chronicle_"

    /// The store's tables, in both dialects.
    public static let tableNames: [String] = [
        "chronicle_events", "chronicle_snapshots", "chronicle_projections", "chronicle_projection_rebuilds",
        "chronicle_projection_tables", "chronicle_reactors", "chronicle_reactor_receipts", "chronicle_parked_events",
        "chronicle_read_side_actions", "chronicle_upcast_migrations", "chronicle_event_rewrites",
        "chronicle_schema_migrations", "chronicle_write_checks", "chronicle_subject_keys", "chronicle_forgotten_subjects",
        "chronicle_archived_events", "chronicle_masking_runs", "chronicle_leases", "chronicle_partition_checkpoints",
    ]

    /// Whether a name belongs to the store: it starts with ``reservedPrefix``, in any case.
    public static func isReserved(_ name: String) -> Bool {
        name.lowercased().hasPrefix(reservedPrefix)
    }

    /// Whether a SQL text (one or more statements) creates, drops, renames, alters or writes
    /// something of the store's, or makes something under its prefix. Statements that only read
    /// the store's tables are allowed.
    public static func writesToStore(_ sql: String) -> Bool {
        !reservedNames(writtenBy: sql).isEmpty
    }

    /// The store's names a SQL text writes to, for messages: empty when it writes none.
    public static func reservedNames(writtenBy sql: String) -> [String] {
        // Most statements (a projection's every insert and update) never spell the prefix:
        // they need no parsing.
        guard mentionsReservedPrefix(sql) else { return [] }
        var names: [String] = []
        for statement in SQLScript.statements(in: sql) {
            let words = SQLWords.words(in: statement)
            guard words.contains(where: writingWords.contains) else { continue }
            for word in words where isReserved(word) && !names.contains(word) {
                names.append(word)
            }
        }
        return names
    }

    /// Whether the text holds ``reservedPrefix`` anywhere, in any case.
    static func mentionsReservedPrefix(_ sql: String) -> Bool {
        let prefix = Array(reservedPrefix.utf8)
        let bytes = Array(sql.utf8)
        guard bytes.count >= prefix.count else { return false }
        outer: for start in 0...(bytes.count - prefix.count) {
            for (offset, expected) in prefix.enumerated() {
                let byte = bytes[start + offset]
                let lowercased = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
                guard lowercased == expected else { continue outer }
            }
            return true
        }
        return false
    }

    /// Words that make a statement change something: data, definitions or permissions.
    private static let writingWords: Set<String> = [
        "insert", "update", "delete", "merge", "upsert", "replace", "truncate", "create", "drop", "alter", "rename",
        "into", "copy", "grant", "revoke", "comment", "reindex", "vacuum", "cluster", "lock", "refresh",
    ]
}
