import Chronicle
import ChronicleSQL

extension ProjectionContext {
    /// Inserts a row, written with the batch. Writing it fails, and fails the batch, when a row
    /// with that key exists.
    ///
    /// ```swift
    /// On(AccountOpened.self) { event, row in
    ///     try await row.insert(into: "accounts", key: ["id": .text(row.event.stream.entityID)],
    ///                          values: ["owner": .text(event.owner), "balance": 0])
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - table: The table's declared name (see ``ProjectionTable``).
    ///   - key: The row's primary key (or another unique key), column by column.
    ///   - values: The other columns; columns left out get their default.
    /// - Throws: ``ReadSideError/Code/invalidRowChange`` for an undeclared table, an empty or
    ///   null key, or a column in both `key` and `values`.
    public func insert(into table: String, key: [String: ColumnValue], values: [String: ColumnValue] = [:]) async throws {
        try checkColumns(of: values, besides: key, of: table)
        try await record(.insert(values), to: table, key: key)
    }

    /// Inserts a row, or sets the given columns of the row with that key, written with the batch
    /// (`INSERT … ON CONFLICT (key) DO UPDATE`).
    ///
    /// - Parameters:
    ///   - table: The table's declared name.
    ///   - key: The columns of a unique index or primary key, and the row's values of them.
    ///   - values: The columns to write; columns left out keep their value (or get their default
    ///     in a new row).
    /// - Throws: ``ReadSideError/Code/invalidRowChange`` as for ``insert(into:key:values:)``.
    public func upsert(into table: String, key: [String: ColumnValue], values: [String: ColumnValue] = [:]) async throws {
        try checkColumns(of: values, besides: key, of: table)
        try await record(.upsert(values), to: table, key: key)
    }

    /// Sets some columns of the row with that key and adds to others, written with the batch. A
    /// row that does not exist is left alone, as by `UPDATE … WHERE`.
    ///
    /// ```swift
    /// On(MoneyDeposited.self) { event, row in
    ///     try await row.update("accounts", key: ["id": .text(row.event.stream.entityID)],
    ///                          set: ["last_deposit_at": .text(row.event.createdAt.formatted(.iso8601))],
    ///                          increment: ["balance": .integer(event.amount)])
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - table: The table's declared name.
    ///   - key: The row's key.
    ///   - set: Columns to set.
    ///   - increment: Numeric columns to add to (`balance = balance + amount`).
    /// - Throws: ``ReadSideError/Code/invalidRowChange`` for an undeclared table, a bad key, a
    ///   column named twice, an increment that is not a number, or no column at all.
    public func update(
        _ table: String, key: [String: ColumnValue], set: [String: ColumnValue] = [:], increment: [String: ColumnValue] = [:]
    ) async throws {
        guard !set.isEmpty || !increment.isEmpty else {
            throw invalid("Updating a row of \(table) needs a column to set or increment.")
        }
        try checkColumns(of: set, besides: key, of: table)
        try checkColumns(of: increment, besides: key, of: table)
        if let column = set.keys.first(where: { increment[$0] != nil }) {
            throw invalid("Updating a row of \(table) names column \(column) both to set and to increment.")
        }
        if let (column, amount) = increment.first(where: { !$0.value.isNumber }) {
            throw invalid("Updating a row of \(table) increments \(column) by \(amount), which is not a number.")
        }
        try await record(.update(set: set, increment: increment), to: table, key: key)
    }

    /// Deletes the row with that key, if there is one, written with the batch.
    ///
    /// - Throws: ``ReadSideError/Code/invalidRowChange`` for an undeclared table or a bad key.
    public func delete(from table: String, key: [String: ColumnValue]) async throws {
        try await record(.delete, to: table, key: key)
    }

    /// Writes the batch's pending row changes now.
    ///
    /// ``sql`` does this itself; the read side does it at the end of every batch.
    func writePendingRowChanges() async throws {
        try await rowChanges.write(on: database)
    }

    /// Adds a change to the batch's pending ones, writing them first when the change cannot
    /// join its row's pending change, and after when the buffer is full.
    private func record(_ change: RowChange, to table: String, key: [String: ColumnValue]) async throws {
        guard let physical = tableNames[table] else {
            throw invalid("The projection declares no table named \"\(table)\".")
        }
        guard !key.isEmpty else {
            throw invalid("A row change to \(table) needs the row's key.")
        }
        if let (column, _) = key.first(where: { $0.key.isEmpty || $0.value.isNull }) {
            throw invalid("A row change to \(table) has a null or unnamed key column \"\(column)\".")
        }
        let rowKey = RowKey(table: physical, key: key)
        if !rowChanges.record(change, to: rowKey, at: event.position) {
            try await writePendingRowChanges()
            _ = rowChanges.record(change, to: rowKey, at: event.position)
        }
        if rowChanges.isFull {
            try await writePendingRowChanges()
        }
    }

    private func checkColumns(of values: [String: ColumnValue], besides key: [String: ColumnValue], of table: String) throws {
        if values.keys.contains("") {
            throw invalid("A row change to \(table) names a column without a name.")
        }
        if let column = values.keys.first(where: { key[$0] != nil }) {
            throw invalid("A row change to \(table) names column \(column) both in its key and among its values.")
        }
    }

    private func invalid(_ message: String) -> ReadSideError {
        ReadSideError(code: .invalidRowChange, message: message)
    }
}
