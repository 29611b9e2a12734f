import Chronicle
import PostgresNIO

/// The append at positions its transaction reserved with its first append (`PositionReservation`):
/// `AppendStatement` with the transaction id and first position given (`$12`, `$13`) instead
/// of taken, for the appends of a transaction that writes several (a group of appends with
/// inline projections, each in a savepoint).
struct ReservedAppendStatement<Layout: LogLayout>: PostgresPreparedStatement {
    static var sql: String { AppendStatement<Layout>.appendSQL(reserving: "SELECT $12::text::xid8 AS transaction_id, $13::bigint AS first_position") }

    typealias Row = AppendedRow

    var append: PreparedAppend
    var appliesInlineProjections: Bool
    var transactionID: String
    var firstPosition: Int64

    func makeBindings() throws -> PostgresBindings {
        var bindings = try AppendStatement<Layout>(append: append, appliesInlineProjections: appliesInlineProjections).makeBindings()
        bindings.append(transactionID)
        bindings.append(firstPosition)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try row.decode((Int64, Int).self)
    }
}
