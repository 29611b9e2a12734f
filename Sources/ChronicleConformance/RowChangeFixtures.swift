import Chronicle
import ChronicleProjections
import SQLKit

/// Events of a small ledger whose projection uses every kind of row change.
enum LedgerEvent {
    /// The account was opened: its row is inserted.
    struct Opened: Event, Equatable {
        static let eventType = "rows.opened"
        var owner: String
    }

    /// Money moved: the balance, move count and score are added to.
    struct Moved: Event, Equatable {
        static let eventType = "rows.moved"
        var amount: Int
    }

    /// The owner changed, possibly to nobody (null).
    struct Renamed: Event, Equatable {
        static let eventType = "rows.renamed"
        var owner: String?
    }

    /// The balance was set outright and the account marked inactive.
    struct Reset: Event, Equatable {
        static let eventType = "rows.reset"
        var balance: Int
    }

    /// The account was seen: its row is upserted (created with defaults when missing).
    struct Touched: Event, Equatable {
        static let eventType = "rows.touched"
        var owner: String
    }

    /// A tag was put on the account (a row keyed by account and tag).
    struct Tagged: Event, Equatable {
        static let eventType = "rows.tagged"
        var tag: String
    }

    /// A tag was taken off.
    struct Untagged: Event, Equatable {
        static let eventType = "rows.untagged"
        var tag: String
    }

    /// The balance was audited: the handler reads it with SQL and records it.
    struct Audited: Event, Equatable {
        static let eventType = "rows.audited"
    }

    /// The account was closed: its row is deleted.
    struct Closed: Event, Equatable {
        static let eventType = "rows.closed"
    }
}

/// The ledger's three tables, under a prefix: accounts, tags (composite key) and audits.
enum LedgerTables {
    static func tables(_ prefix: String) -> [ProjectionTable] {
        [
            ProjectionTable("\(prefix)_accounts", [
                """
                CREATE TABLE {table} (id TEXT PRIMARY KEY, owner TEXT, balance BIGINT NOT NULL DEFAULT 0,
                    moves INTEGER NOT NULL DEFAULT 0, score DOUBLE PRECISION NOT NULL DEFAULT 0, active BOOLEAN NOT NULL DEFAULT TRUE)
                """
            ]),
            ProjectionTable("\(prefix)_tags", [
                "CREATE TABLE {table} (account TEXT NOT NULL, tag TEXT NOT NULL, tagged_at BIGINT NOT NULL, PRIMARY KEY (account, tag))"
            ]),
            ProjectionTable("\(prefix)_audits", [
                "CREATE TABLE {table} (position BIGINT PRIMARY KEY, account TEXT NOT NULL, balance BIGINT)"
            ]),
        ]
    }

    /// Every row of the three tables, as text, in key order.
    static func dump(_ prefix: String, on sql: any SQLDatabase) async throws -> [String] {
        let accounts = try await sql.raw("""
            SELECT id, owner, balance, moves, score, active FROM \(ident: "\(prefix)_accounts") ORDER BY id
            """).all().map { row in
            [
                try row.decode(column: "id", as: String.self), try row.decode(column: "owner", as: String?.self) ?? "NULL",
                "\(try row.decode(column: "balance", as: Int.self))", "\(try row.decode(column: "moves", as: Int.self))",
                "\(try row.decode(column: "score", as: Double.self))", "\(try row.decode(column: "active", as: Bool.self))",
            ].joined(separator: "|")
        }
        let tags = try await sql.raw("SELECT account, tag, tagged_at FROM \(ident: "\(prefix)_tags") ORDER BY account, tag").all().map { row in
            "tag \(try row.decode(column: "account", as: String.self)) \(try row.decode(column: "tag", as: String.self)) \(try row.decode(column: "tagged_at", as: Int64.self))"
        }
        let audits = try await sql.raw("SELECT position, account, balance FROM \(ident: "\(prefix)_audits") ORDER BY position").all().map { row in
            let balance = try row.decode(column: "balance", as: Int?.self).map(String.init) ?? "NULL"
            return "audit \(try row.decode(column: "position", as: Int64.self)) \(try row.decode(column: "account", as: String.self)) \(balance)"
        }
        return accounts + tags + audits
    }
}

/// The ledger written with row changes (``ProjectionContext/insert(into:key:values:)`` and
/// its siblings), batched and combined per row.
struct RowChangesLedger: Projection {
    static let name = "rc_ledger"
    static let version = 1
    static let tables = LedgerTables.tables("rc")

    var handlers: EventHandlers<ProjectionContext> {
        EventHandlers {
            On(LedgerEvent.Opened.self) { event, row in
                try await row.insert(
                    into: "rc_accounts", key: Self.account(row),
                    values: ["owner": .text(event.owner), "balance": 0, "moves": 0, "score": 0.0, "active": true])
            }
            On(LedgerEvent.Moved.self) { event, row in
                try await row.update(
                    "rc_accounts", key: Self.account(row),
                    increment: ["balance": .integer(event.amount), "moves": 1, "score": .real(Double(event.amount) / 2)])
            }
            On(LedgerEvent.Renamed.self) { event, row in
                try await row.update("rc_accounts", key: Self.account(row), set: ["owner": .text(event.owner)])
            }
            On(LedgerEvent.Reset.self) { event, row in
                try await row.update("rc_accounts", key: Self.account(row), set: ["balance": .integer(event.balance), "active": false])
            }
            On(LedgerEvent.Touched.self) { event, row in
                try await row.upsert(into: "rc_accounts", key: Self.account(row), values: ["owner": .text(event.owner), "active": true])
            }
            On(LedgerEvent.Tagged.self) { event, row in
                try await row.upsert(
                    into: "rc_tags", key: ["account": .text(row.event.stream.entityID), "tag": .text(event.tag)],
                    values: ["tagged_at": .integer(row.event.position)])
            }
            On(LedgerEvent.Untagged.self) { event, row in
                try await row.delete(from: "rc_tags", key: ["account": .text(row.event.stream.entityID), "tag": .text(event.tag)])
            }
            On(LedgerEvent.Audited.self) { _, row in
                let balance = try await row.sql.raw("""
                    SELECT balance FROM \(ident: row.table("rc_accounts")) WHERE id = \(bind: row.event.stream.entityID)
                    """).first()?.decode(column: "balance", as: Int.self)
                try await row.insert(
                    into: "rc_audits", key: ["position": .integer(row.event.position)],
                    values: ["account": .text(row.event.stream.entityID), "balance": .integer(balance)])
            }
            On(LedgerEvent.Closed.self) { _, row in
                try await row.delete(from: "rc_accounts", key: Self.account(row))
            }
        }
    }

    private static func account(_ row: ProjectionContext) -> [String: ColumnValue] {
        ["id": .text(row.event.stream.entityID)]
    }
}

/// The same ledger written with one SQL statement per event: what the row changes must match.
struct SQLLedger: Projection {
    static let name = "sql_ledger"
    static let version = 1
    static let tables = LedgerTables.tables("sql")

    var handlers: EventHandlers<ProjectionContext> {
        EventHandlers {
            On(LedgerEvent.Opened.self) { event, row in
                try await row.sql.raw("""
                    INSERT INTO \(ident: row.table("sql_accounts")) (id, owner, balance, moves, score, active)
                    VALUES (\(bind: row.event.stream.entityID), \(bind: event.owner), 0, 0, 0, TRUE)
                    """).run()
            }
            On(LedgerEvent.Moved.self) { event, row in
                try await Self.updateAccount(
                    row, "balance = balance + \(bind: event.amount), moves = moves + 1, score = score + \(bind: Double(event.amount) / 2)")
            }
            On(LedgerEvent.Renamed.self) { event, row in
                try await Self.updateAccount(row, "owner = \(bind: event.owner)")
            }
            On(LedgerEvent.Reset.self) { event, row in
                try await Self.updateAccount(row, "balance = \(bind: event.balance), active = FALSE")
            }
            On(LedgerEvent.Touched.self) { event, row in
                try await row.sql.raw("""
                    INSERT INTO \(ident: row.table("sql_accounts")) (id, owner, active) VALUES (\(bind: row.event.stream.entityID), \(bind: event.owner), TRUE)
                    ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, active = excluded.active
                    """).run()
            }
            On(LedgerEvent.Tagged.self) { event, row in
                try await row.sql.raw("""
                    INSERT INTO \(ident: row.table("sql_tags")) (account, tag, tagged_at)
                    VALUES (\(bind: row.event.stream.entityID), \(bind: event.tag), \(bind: row.event.position))
                    ON CONFLICT (account, tag) DO UPDATE SET tagged_at = excluded.tagged_at
                    """).run()
            }
            On(LedgerEvent.Untagged.self) { event, row in
                try await row.sql.raw("""
                    DELETE FROM \(ident: row.table("sql_tags")) WHERE account = \(bind: row.event.stream.entityID) AND tag = \(bind: event.tag)
                    """).run()
            }
            On(LedgerEvent.Audited.self) { _, row in
                try await row.sql.raw("""
                    INSERT INTO \(ident: row.table("sql_audits")) (position, account, balance)
                    VALUES (\(bind: row.event.position), \(bind: row.event.stream.entityID),
                        (SELECT balance FROM \(ident: row.table("sql_accounts")) WHERE id = \(bind: row.event.stream.entityID)))
                    """).run()
            }
            On(LedgerEvent.Closed.self) { _, row in
                try await row.sql.raw("DELETE FROM \(ident: row.table("sql_accounts")) WHERE id = \(bind: row.event.stream.entityID)").run()
            }
        }
    }

    private static func updateAccount(_ row: ProjectionContext, _ assignments: SQLQueryString) async throws {
        try await row.sql.raw("UPDATE \(ident: row.table("sql_accounts")) SET \(assignments) WHERE id = \(bind: row.event.stream.entityID)").run()
    }
}

/// A projection whose handler writes a row change to a table it never declared.
struct UndeclaredTableProjection: Projection {
    static let name = "undeclared"
    static let version = 1
    static let tables = [ProjectionTable("declared", ["CREATE TABLE {table} (id TEXT PRIMARY KEY)"])]

    var handlers: EventHandlers<ProjectionContext> {
        EventHandlers {
            On(LedgerEvent.Opened.self) { _, row in
                try await row.insert(into: "undeclared", key: ["id": .text(row.event.stream.entityID)])
            }
        }
    }
}

/// A deterministic history of the ledger over a dozen accounts: every kind of event, accounts
/// closed and opened again, events of one append that change one row several times.
enum LedgerHistory {
    /// The appends, in order: an account and its events.
    static func appends(count: Int) -> [(account: String, events: [any Event])] {
        var random = SeededRandom(seed: 20_261_123)
        var open: Set<String> = []
        var appends: [(account: String, events: [any Event])] = []
        for _ in 0..<count {
            let account = "acct-\(random.next(below: 12))"
            var events: [any Event] = []
            for _ in 0...random.next(below: 3) {
                let event = nextEvent(isOpen: open.contains(account), &random)
                switch event {
                case is LedgerEvent.Opened, is LedgerEvent.Touched: open.insert(account)
                case is LedgerEvent.Closed: open.remove(account)
                default: break
                }
                events.append(event)
            }
            appends.append((account, events))
        }
        return appends
    }

    private static func nextEvent(isOpen: Bool, _ random: inout SeededRandom) -> any Event {
        let tags = ["gold", "silver", "watch"]
        switch random.next(below: isOpen ? 12 : 5) {
        case 0: return isOpen ? LedgerEvent.Closed() : LedgerEvent.Opened(owner: "owner-\(random.next(below: 50))")
        case 1: return LedgerEvent.Touched(owner: "toucher-\(random.next(below: 50))")
        case 2: return isOpen ? LedgerEvent.Moved(amount: random.next(below: 200) - 50) : LedgerEvent.Opened(owner: "owner-\(random.next(below: 50))")
        case 3: return LedgerEvent.Moved(amount: random.next(below: 40) + 1)
        case 4: return LedgerEvent.Audited()
        case 5: return LedgerEvent.Renamed(owner: random.next(below: 4) == 0 ? nil : "renamed-\(random.next(below: 50))")
        case 6: return LedgerEvent.Reset(balance: random.next(below: 1_000))
        case 7: return LedgerEvent.Tagged(tag: tags[random.next(below: tags.count)])
        case 8: return LedgerEvent.Untagged(tag: tags[random.next(below: tags.count)])
        case 9: return LedgerEvent.Closed()
        default: return LedgerEvent.Moved(amount: random.next(below: 100) - 30)
        }
    }
}

/// A small linear congruential generator: the same sequence on every platform and run.
struct SeededRandom {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next(below bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(bound))
    }
}
