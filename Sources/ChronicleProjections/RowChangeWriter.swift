import SQLKit

/// Writes a batch's pending row changes with multi-row statements: one statement per table,
/// kind of change and set of columns (split when it would bind too many parameters), in the
/// order each such group was first seen.
enum RowChangeWriter {
    /// The most parameters one statement binds: below SQLite's 32,766 and PostgreSQL's 65,535.
    static let maximumBindings = 30_000

    /// Writes the rows on the transaction.
    ///
    /// - Throws: ``RowChangesFailure`` naming the statement and the events whose rows it wrote.
    static func write(_ rows: [PendingRow], on sql: any SQLDatabase) async throws {
        for group in groups(of: rows) {
            let perStatement = max(1, maximumBindings / max(1, group.shape.bindingsPerRow))
            var start = 0
            while start < group.rows.count {
                let chunk = group.rows[start..<min(start + perStatement, group.rows.count)]
                start += perStatement
                do {
                    try await sql.raw(group.shape.statement(for: chunk)).run()
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    throw RowChangesFailure(
                        statement: "\(group.shape.kind) of \(chunk.count) row\(chunk.count == 1 ? "" : "s") into \(group.shape.table)",
                        firstPosition: chunk.map(\.firstPosition).min() ?? 0,
                        lastPosition: chunk.map(\.lastPosition).max() ?? 0,
                        underlying: error)
                }
            }
        }
    }

    /// The rows grouped by the statement that writes them, groups and rows in first-seen order.
    static func groups(of rows: [PendingRow]) -> [(shape: StatementShape, rows: [PendingRow])] {
        var groups: [(shape: StatementShape, rows: [PendingRow])] = []
        var indexByShape: [StatementShape: Int] = [:]
        for row in rows {
            let shape = StatementShape(row)
            if let index = indexByShape[shape] {
                groups[index].rows.append(row)
            } else {
                indexByShape[shape] = groups.count
                groups.append((shape, [row]))
            }
        }
        return groups
    }
}

/// What one statement writes: the table, the kind of change, and its columns with the kind of
/// value each holds (null values are written as literals, never bound).
struct StatementShape: Hashable, Sendable {
    /// The kind of statement.
    enum Kind: String, Hashable, Sendable, CustomStringConvertible {
        case insert = "INSERT", upsert = "upsert", update = "UPDATE", delete = "DELETE"
        var description: String { rawValue }
    }

    /// A column and the kind of its values.
    struct Column: Hashable, Sendable {
        let name: String
        let kind: ColumnValue.Kind
    }

    let table: String
    let kind: Kind
    let key: [Column]
    /// Inserted or set columns, by name.
    let columns: [Column]
    /// Added-to columns, by name (updates only).
    let increments: [Column]

    init(_ row: PendingRow) {
        table = row.key.table
        key = zip(row.key.columns, row.key.values).map { Column(name: $0, kind: $1.kind) }
        let columns: [String: ColumnValue]
        switch row.change {
        case .insert(let values):
            (kind, columns, increments) = (.insert, values, [])
        case .upsert(let values):
            (kind, columns, increments) = (.upsert, values, [])
        case .update(let set, let increment):
            (kind, columns) = (.update, set)
            increments = Self.columns(increment)
        case .delete:
            (kind, columns, increments) = (.delete, [:], [])
        }
        self.columns = Self.columns(columns)
    }

    private static func columns(_ values: [String: ColumnValue]) -> [Column] {
        values.sorted { $0.key < $1.key }.map { Column(name: $0.key, kind: $0.value.kind) }
    }

    /// The parameters each row binds.
    var bindingsPerRow: Int {
        key.count + columns.count { $0.kind != .null } + increments.count
    }

    /// The statement writing these rows, each of this shape.
    func statement(for rows: some Collection<PendingRow>) -> SQLQueryString {
        switch kind {
        case .insert, .upsert: insertion(rows)
        case .update: update(rows)
        case .delete: deletion(rows)
        }
    }

    /// `INSERT INTO t (k, c) VALUES (…), (…)`, with `ON CONFLICT (k) DO UPDATE SET c = excluded.c`
    /// for upserts.
    private func insertion(_ rows: some Collection<PendingRow>) -> SQLQueryString {
        var sql: SQLQueryString = "INSERT INTO \(ident: table) ("
        sql.append(names: (key + columns).map(\.name))
        sql.appendLiteral(") VALUES ")
        sql.append(tuples: rows) { row in row.key.values + values(of: row, in: columns) }
        if kind == .upsert {
            sql.appendLiteral(" ON CONFLICT (")
            sql.append(names: key.map(\.name))
            if columns.isEmpty {
                sql.appendLiteral(") DO NOTHING")
            } else {
                sql.appendLiteral(") DO UPDATE SET ")
                for (index, column) in columns.enumerated() {
                    if index > 0 { sql.appendLiteral(", ") }
                    sql.appendInterpolation(ident: column.name)
                    sql.appendLiteral(" = excluded.")
                    sql.appendInterpolation(ident: column.name)
                }
            }
        }
        return sql
    }

    /// The name of the update's list of changes, one no projection table takes (table names
    /// have no double underscore).
    private static let changes = "chronicle__changes"

    /// `WITH changes (k0, s0, i0) AS (VALUES (…), (…)) UPDATE t SET s = changes.s0, n = NULL,
    /// i = t.i + changes.i0 FROM changes WHERE t.k = changes.k0`.
    private func update(_ rows: some Collection<PendingRow>) -> SQLQueryString {
        let bound = columns.filter { $0.kind != .null }
        var sql: SQLQueryString = "WITH \(unsafeRaw: Self.changes) ("
        sql.append(names: key.indices.map { "k\($0)" } + bound.indices.map { "s\($0)" } + increments.indices.map { "i\($0)" })
        sql.appendLiteral(") AS (VALUES ")
        sql.append(tuples: rows) { row in
            row.key.values + values(of: row, in: bound) + values(of: row, in: increments)
        }
        sql.appendLiteral(") UPDATE ")
        sql.appendInterpolation(ident: table)
        sql.appendLiteral(" SET ")
        var assignments: [SQLQueryString] = []
        var boundIndex = 0
        for column in columns {
            if column.kind == .null {
                assignments.append("\(ident: column.name) = NULL")
            } else {
                assignments.append("\(ident: column.name) = \(unsafeRaw: Self.changes).\(ident: "s\(boundIndex)")")
                boundIndex += 1
            }
        }
        for (index, column) in increments.enumerated() {
            assignments.append("\(ident: column.name) = \(ident: table).\(ident: column.name) + \(unsafeRaw: Self.changes).\(ident: "i\(index)")")
        }
        sql.appendInterpolation(assignments.joined(separator: ", "))
        sql.appendLiteral(" FROM \(Self.changes) WHERE ")
        sql.appendInterpolation(
            key.enumerated().map { index, column -> SQLQueryString in "\(ident: table).\(ident: column.name) = \(unsafeRaw: Self.changes).\(ident: "k\(index)")" }
                .joined(separator: " AND "))
        return sql
    }

    /// `DELETE FROM t WHERE k IN (…)`, or `WHERE (k1, k2) IN (VALUES (…), (…))` for a composite key.
    private func deletion(_ rows: some Collection<PendingRow>) -> SQLQueryString {
        var sql: SQLQueryString = "DELETE FROM \(ident: table) WHERE "
        if key.count == 1 {
            sql.appendInterpolation(ident: key[0].name)
            sql.appendLiteral(" IN (")
            for (index, row) in rows.enumerated() {
                if index > 0 { sql.appendLiteral(", ") }
                sql.append(value: row.key.values[0])
            }
            sql.appendLiteral(")")
        } else {
            sql.appendLiteral("(")
            sql.append(names: key.map(\.name))
            sql.appendLiteral(") IN (VALUES ")
            sql.append(tuples: rows) { $0.key.values }
            sql.appendLiteral(")")
        }
        return sql
    }

    /// A row's values of some columns, in their order.
    private func values(of row: PendingRow, in columns: [Column]) -> [ColumnValue] {
        let values: [String: ColumnValue]
        switch row.change {
        case .insert(let inserted), .upsert(let inserted): values = inserted
        case .update(let set, let increment): values = set.merging(increment) { set, _ in set }
        case .delete: values = [:]
        }
        return columns.map { values[$0.name] ?? .null }
    }
}

extension SQLQueryString {
    /// Quoted names separated by commas.
    fileprivate mutating func append(names: [String]) {
        for (index, name) in names.enumerated() {
            if index > 0 { appendLiteral(", ") }
            appendInterpolation(ident: name)
        }
    }

    /// A bound parameter, or `NULL`.
    fileprivate mutating func append(value: ColumnValue) {
        if let bindable = value.bindable {
            appendInterpolation(bind: bindable)
        } else {
            appendLiteral("NULL")
        }
    }

    /// `(…), (…)`: one parenthesised list of values per row.
    fileprivate mutating func append(tuples rows: some Collection<PendingRow>, _ values: (PendingRow) -> [ColumnValue]) {
        for (index, row) in rows.enumerated() {
            appendLiteral(index > 0 ? ", (" : "(")
            for (position, value) in values(row).enumerated() {
                if position > 0 { appendLiteral(", ") }
                append(value: value)
            }
            appendLiteral(")")
        }
    }
}
