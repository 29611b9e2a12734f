public import Chronicle
import ChronicleSQL
import Foundation
import Logging
import PostgresNIO

extension PostgresEventStore {
    /// Appends events to one entity, all or nothing. See `EventStore.append(_:to:expected:)`.
    ///
    /// One prepared statement, one round trip (`AppendStatement`): it reads the entity's current
    /// version, takes positions from `chronicle_reserve_positions`, and inserts the events only
    /// if the version is the expected one. Two writers that read the same version collide on the
    /// unique `(entity_id, version)` index; the loser's append fails with
    /// `EventStoreError.Code.wrongExpectedVersion`, or, at `ExpectedVersion.any`, is tried again.
    /// In a partitioned log (``LogPartitions``), the second writer reads the version under the
    /// entity's lock, after the first commits, and is refused at once.
    @discardableResult
    public func append(_ events: [NewEvent], to stream: StreamName, expected: ExpectedVersion) async throws -> AppendResult {
        let append = try await prepared(events, to: stream, expected: expected, limits: configuration.limits, now: configuration.now())
        return try await pipeline.append(append, by: self).withData(of: events)
    }

    /// Writes a group of appends to different entities with one statement (`GroupAppendStatement`)
    /// and tells what became of each: written, refused (its expectation did not hold, or the
    /// statement failed on the server and wrote nothing), or failed (the connection was lost and
    /// whether the group committed is unknown).
    func insert(_ appends: [PreparedAppend]) async -> [AppendOutcome] {
        let rows: [String: [(version: Int, position: Int64)]]
        do {
            rows = try await withConnection { connection in
                switch try await self.logLayout(on: connection) {
                case .single: try await self.insert(appends, with: GroupAppendStatement<SingleTableLog>.self, on: connection)
                case .partitioned: try await self.insert(appends, with: GroupAppendStatement<PartitionedLog>.self, on: connection)
                }
            }
        } catch {
            // The server refused the statement: it wrote nothing, and each append is written alone.
            if Self.serverError(in: error) != nil { return appends.map { _ in .refused } }
            return appends.map { _ in .failed(error) }
        }
        if let head = rows.values.lazy.flatMap({ $0 }).map(\.position).max() { keepPartitionsAhead(of: head) }
        return AppendOutcome.outcomes(of: appends, writtenRows: rows)
    }

    private func insert<Layout: LogLayout>(
        _ appends: [PreparedAppend], with statement: GroupAppendStatement<Layout>.Type, on connection: PostgresConnection
    ) async throws -> [String: [(version: Int, position: Int64)]] {
        var rows: [String: [(version: Int, position: Int64)]] = [:]
        for try await row in try await connection.execute(statement.init(appends: appends), logger: configuration.logger) {
            rows[row.entityID, default: []].append((row.version, row.position))
        }
        return rows
    }

    /// Runs the append statement and explains a refusal on the same connection, which is still
    /// usable after a failed statement unless it is inside a transaction, which the failure aborted.
    ///
    /// With `reserved` positions (the transaction's, reserved by its first append), the append is
    /// written at them (`ReservedAppendStatement`); otherwise it takes its own.
    func insert(
        _ append: PreparedAppend, on connection: PostgresConnection, insideTransaction: Bool, appliesInlineProjections: Bool = false,
        reserved: PositionReservation.Slice? = nil
    ) async throws -> AppendResult {
        var positions: [Int: Int64] = [:]  // by version
        do {
            do {
                positions = try await insert(append, on: connection, appliesInlineProjections: appliesInlineProjections, reserved: reserved)
            } catch where !insideTransaction && Self.isMissingPartition(error) {
                // The head outran the partitions made ahead: make them now, and append again.
                try await makePartitionsNow(for: append.entries.count, on: connection)
                positions = try await insert(append, on: connection, appliesInlineProjections: appliesInlineProjections, reserved: reserved)
            }
        } catch {
            let problem = Self.translate(error, of: append)
            guard let question = problem.question else { throw problem.error }
            if insideTransaction {
                // The transaction is aborted; ask on a connection of the pool.
                throw try await withConnection { fresh in try await self.answer(question, of: append, on: fresh) }
            }
            throw try await answer(question, of: append, on: connection)
        }
        guard let firstVersion = positions.keys.min() else {
            // The statement's WHERE refused: the entity is at another version or of another type.
            throw try await answer(.whyRefused, of: append, on: connection)
        }
        let ordered = (0..<append.entries.count).compactMap { positions[firstVersion + $0] }
        guard ordered.count == append.entries.count else {
            throw EventStoreError(
                code: .databaseFailure, message: "The append returned \(positions.count) positions for \(append.entries.count) events.",
                stream: append.stream)
        }
        if let head = ordered.last { keepPartitionsAhead(of: head) }
        return AppendResult(events: append.recordedEvents(after: firstVersion - 1, positions: ordered))
    }

    /// Runs the append statement for the log's layout: the positions written, by version.
    private func insert(
        _ append: PreparedAppend, on connection: PostgresConnection, appliesInlineProjections: Bool, reserved: PositionReservation.Slice?
    ) async throws -> [Int: Int64] {
        switch try await logLayout(on: connection) {
        case .single:
            try await insert(append, as: SingleTableLog.self, on: connection, appliesInlineProjections: appliesInlineProjections, reserved: reserved)
        case .partitioned:
            try await insert(append, as: PartitionedLog.self, on: connection, appliesInlineProjections: appliesInlineProjections, reserved: reserved)
        }
    }

    private func insert<Layout: LogLayout>(
        _ append: PreparedAppend, as layout: Layout.Type, on connection: PostgresConnection, appliesInlineProjections: Bool,
        reserved: PositionReservation.Slice?
    ) async throws -> [Int: Int64] {
        var positions: [Int: Int64] = [:]
        if let reserved {
            let statement = ReservedAppendStatement<Layout>(
                append: append, appliesInlineProjections: appliesInlineProjections, transactionID: reserved.transactionID,
                firstPosition: reserved.firstPosition)
            for try await row in try await connection.execute(statement, logger: configuration.logger) {
                positions[row.version] = row.position
            }
        } else {
            let statement = AppendStatement<Layout>(append: append, appliesInlineProjections: appliesInlineProjections)
            for try await row in try await connection.execute(statement, logger: configuration.logger) {
                positions[row.version] = row.position
            }
        }
        return positions
    }
}
