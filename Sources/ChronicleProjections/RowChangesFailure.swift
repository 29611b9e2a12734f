/// A statement writing a batch's row changes failed: which statement, and the events whose
/// changes it carried.
struct RowChangesFailure: Error, CustomStringConvertible {
    /// `INSERT of 500 rows into accounts`.
    var statement: String
    var firstPosition: Int64
    var lastPosition: Int64
    var underlying: any Error

    /// The events the failing rows came from, as positions.
    var positions: String {
        firstPosition == lastPosition ? "event \(firstPosition)" : "events \(firstPosition)–\(lastPosition)"
    }

    var description: String {
        "writing the row changes of \(positions) (\(statement)) failed: \(underlying)"
    }
}
