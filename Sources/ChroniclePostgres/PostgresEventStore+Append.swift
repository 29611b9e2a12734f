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
                var rows: [String: [(version: Int, position: Int64)]] = [:]
                for try await row in try await connection.execute(GroupAppendStatement(appends: appends), logger: self.configuration.logger) {
                    rows[row.entityID, default: []].append((row.version, row.position))
                }
                return rows
            }
        } catch {
            // The server refused the statement: it wrote nothing, and each append is written alone.
            if Self.serverError(in: error) != nil { return appends.map { _ in .refused } }
            return appends.map { _ in .failed(error) }
        }
        return AppendOutcome.outcomes(of: appends, writtenRows: rows)
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
            if let reserved {
                let statement = ReservedAppendStatement(
                    append: append, appliesInlineProjections: appliesInlineProjections, transactionID: reserved.transactionID,
                    firstPosition: reserved.firstPosition)
                for try await row in try await connection.execute(statement, logger: configuration.logger) {
                    positions[row.version] = row.position
                }
            } else {
                let statement = AppendStatement(append: append, appliesInlineProjections: appliesInlineProjections)
                for try await row in try await connection.execute(statement, logger: configuration.logger) {
                    positions[row.version] = row.position
                }
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
        return AppendResult(events: append.recordedEvents(after: firstVersion - 1, positions: ordered))
    }
}
