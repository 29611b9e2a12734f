import Chronicle
import ChronicleMigrations
import ChronicleSQL
import Foundation
import SQLKit

/// A projection as the read side runs it: its identity, tables, handlers, mode and error policy.
struct RegisteredProjection: Sendable {
    let name: String
    let version: Int
    let tables: [ProjectionTable]
    let handlers: EventHandlers<ProjectionContext>
    let mode: ProjectionMode
    let errorPolicy: ErrorPolicy
    let ordering: EventOrdering
    let partitions: Int

    init(_ projection: any Projection, mode: ProjectionMode) {
        let type = type(of: projection)
        self.name = type.name
        self.version = type.version
        self.tables = type.tables
        self.handlers = projection.handlers
        self.mode = mode
        self.errorPolicy = type.errorPolicy
        self.ordering = type.ordering
        self.partitions = type.partitions
    }

    /// Whether its events are split into partitions.
    var isPartitioned: Bool { partitions > 1 }

    /// The partition an event belongs to (0 when not partitioned).
    func partition(of event: RecordedEvent) -> Int {
        Partitioning.partition(ofEntity: event.stream.entityID, among: partitions)
    }

    /// Throws unless the declaration can run: a partitioned projection runs async and needs only
    /// each entity's order.
    ///
    /// - Throws: ``ReadSideError/Code/invalidDefinition``.
    func checkDefinition() throws {
        try Partitioning.checkDeclaration(of: "Projection", named: name, partitions: partitions, ordering: ordering)
        guard !isPartitioned || mode == .async else {
            throw ReadSideError(
                code: .invalidDefinition,
                message: "Projection \(name) declares \(partitions) partitions but runs inline, in each append's transaction. Partitions are for async projections: register it as async, or run it as one partition.",
                name: name)
        }
    }

    /// The physical table names: the live ones, or a rebuild generation's.
    func tableNames(shadowGeneration: Int?) -> [String: String] {
        Dictionary(uniqueKeysWithValues: tables.map {
            ($0.name, ProjectionTable.physicalName($0.name, shadowGeneration: shadowGeneration))
        })
    }

    /// Applies the events it handles, in order, writing to the given tables; the handlers' row
    /// changes are written before it returns.
    ///
    /// - Throws: ``ReadSideError/Code/handlerFailed`` naming the event, or the store's
    ///   `EventStoreError.Code.unavailable` as it is: that is the database's failure, not the
    ///   event's.
    func apply(_ events: some Sequence<RecordedEvent>, sql: any SQLDatabase, dialect: any StoreDialect, tables: [String: String]) async throws {
        let rowChanges = RowChanges()
        for event in events where handlers.handles(event.eventType) {
            let context = ProjectionContext(
                database: sql, projection: name, rowChanges: rowChanges, event: event, dialect: dialect, tableNames: tables)
            do {
                try await handlers.handle(event, context)
            } catch is CancellationError {
                throw CancellationError()
            } catch let error where EventStoreError.isUnavailable(error) {
                throw error
            } catch let failure as RowChangesFailure {
                throw ReadSideError.rowChangesFailed(name, failure)
            } catch {
                throw ReadSideError.handlerFailed(name, event: event, underlying: error)
            }
        }
        do {
            try await rowChanges.write(on: sql)
        } catch let failure as RowChangesFailure {
            throw ReadSideError.rowChangesFailed(name, failure)
        }
    }

    /// Applies events in one transaction the way its ``errorPolicy`` says: the whole batch when
    /// it succeeds; otherwise event by event, each in a savepoint of its own, so that the events
    /// before a failing one are kept and a failing one is parked or skipped (and recorded, in
    /// the same transaction) when the policy says so.
    ///
    /// - Parameters:
    ///   - events: The events after the checkpoint, in position order.
    ///   - generation: The table generation written, under which parked events are recorded.
    ///   - failedAttempts: How often each position failed before this call.
    /// - Returns: The last position the tables now account for (applied, parked or skipped), or
    ///   `nil` when none, and the failure the batch stopped at, if it stopped.
    /// - Throws: Only what ends the transaction: a database that is unavailable, cancellation,
    ///   or a savepoint or bookkeeping statement that fails.
    func apply(
        _ events: [RecordedEvent], tolerating sql: any SQLDatabase, dialect: any StoreDialect, tables: [String: String],
        generation: Int, failedAttempts: (Int64) -> Int, now: Date
    ) async throws -> (through: Int64?, stoppedAt: ReadSideError?) {
        /// Applies events in a savepoint: kept when they all succeed, undone when one fails.
        func attempt(_ events: ArraySlice<RecordedEvent>) async throws -> ReadSideError? {
            try await Bookkeeping.savepoint(on: sql)
            do {
                try await apply(events, sql: sql, dialect: dialect, tables: tables)
            } catch let failure as ReadSideError where failure.code == .handlerFailed {
                try await Bookkeeping.rollBackToSavepoint(on: sql)
                return failure
            }
            try await Bookkeeping.releaseSavepoint(on: sql)
            return nil
        }

        var remaining = events[...]
        guard let failure = try await attempt(remaining) else { return (events.last?.position, nil) }
        var through: Int64?
        // The events before the one that failed are applied together again, when it is known.
        if let position = failure.position, let split = remaining.firstIndex(where: { $0.position >= position }),
            split > remaining.startIndex, try await attempt(remaining[..<split]) == nil
        {
            through = remaining[split - 1].position
            remaining = remaining[split...]
        }
        for index in remaining.indices {
            let event = remaining[index]
            if let failure = try await attempt(remaining[index...index]) {
                let attempts = failedAttempts(event.position) + 1
                let action = errorPolicy.action(afterFailedAttempts: attempts)
                guard action != .retryLater else { return (through, failure) }
                try await Bookkeeping.park(
                    event, by: name, generation: generation, error: failure.message, attempts: attempts,
                    skipped: action == .skip, at: now, on: sql)
            }
            through = event.position
        }
        return (through, nil)
    }
}

/// A reactor as the read side runs it.
struct RegisteredReactor: Sendable {
    let name: String
    let handlers: EventHandlers<ReactionContext>
    let errorPolicy: ErrorPolicy
    let ordering: EventOrdering
    let partitions: Int

    init(_ reactor: any Reactor) {
        self.name = type(of: reactor).name
        self.handlers = reactor.handlers
        self.errorPolicy = type(of: reactor).errorPolicy
        self.ordering = type(of: reactor).ordering
        self.partitions = type(of: reactor).partitions
    }

    /// Whether its events are split into partitions.
    var isPartitioned: Bool { partitions > 1 }

    /// The partition an event belongs to (0 when not partitioned).
    func partition(of event: RecordedEvent) -> Int {
        Partitioning.partition(ofEntity: event.stream.entityID, among: partitions)
    }

    /// Throws unless the declaration can run: a partitioned reactor needs only each entity's order.
    ///
    /// - Throws: ``ReadSideError/Code/invalidDefinition``.
    func checkDefinition() throws {
        try Partitioning.checkDeclaration(of: "Reactor", named: name, partitions: partitions, ordering: ordering)
    }
}
