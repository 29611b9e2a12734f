import Foundation
import SQLKit

/// The row changes of a batch that are not written yet: one pending change per row, in the
/// order rows were first changed.
///
/// Handlers of one batch run one after another; the lock only makes the buffer safe to share
/// through the `Sendable` ``ProjectionContext``.
final class RowChanges: @unchecked Sendable {
    /// How many rows may wait before they are written.
    static let capacity = 10_000

    private let lock = NSLock()
    private var rows: [PendingRow] = []
    private var indexByKey: [RowKey: Int] = [:]

    /// Joins a change to its row's pending change. Returns `false`, recording nothing, when the
    /// two cannot be one change: write the pending rows first, then record it again.
    func record(_ change: RowChange, to key: RowKey, at position: Int64) -> Bool {
        lock.withLock {
            guard let index = indexByKey[key] else {
                indexByKey[key] = rows.count
                rows.append(PendingRow(key: key, change: change, firstPosition: position, lastPosition: position))
                return true
            }
            guard let combined = rows[index].change.followed(by: change) else { return false }
            rows[index].change = combined
            rows[index].lastPosition = position
            return true
        }
    }

    /// Whether enough rows wait that they should be written now.
    var isFull: Bool { lock.withLock { rows.count >= Self.capacity } }

    /// Writes the pending rows on a transaction, leaving the buffer empty.
    ///
    /// - Throws: ``RowChangesFailure`` naming the statement and the events that failed.
    func write(on sql: any SQLDatabase) async throws {
        let pending = takeAll()
        guard !pending.isEmpty else { return }
        try await RowChangeWriter.write(pending, on: sql)
    }

    /// The pending rows, in the order they were first changed, leaving the buffer empty.
    private func takeAll() -> [PendingRow] {
        lock.withLock {
            defer {
                rows = []
                indexByKey = [:]
            }
            return rows
        }
    }
}

/// A row of a projection's table, named by its key: the physical table and the key columns'
/// values, columns sorted by name.
struct RowKey: Hashable, Sendable {
    let table: String
    let columns: [String]
    let values: [ColumnValue]

    init(table: String, key: [String: ColumnValue]) {
        let sorted = key.sorted { $0.key < $1.key }
        self.table = table
        self.columns = sorted.map(\.key)
        self.values = sorted.map(\.value)
    }
}

/// One row's pending change and the positions of the events that made it.
struct PendingRow: Sendable {
    let key: RowKey
    var change: RowChange
    let firstPosition: Int64
    var lastPosition: Int64
}
