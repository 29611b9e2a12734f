import Chronicle
import ChronicleSQL
import Foundation
import SQLKit

/// What an operator's retry did with one event.
public struct RetryOutcome: Hashable, Sendable {
    /// The event's position.
    public var position: Int64
    /// Why it failed again, or `nil` when it was handled.
    public var error: String?

    /// Whether the event was handled.
    public var succeeded: Bool { error == nil }
}

extension ReadSide {
    /// Retries, now, the events a projection or reactor went past (parked) or is stopped at,
    /// in position order; every attempt is recorded in `chronicle_read_side_actions`.
    ///
    /// A parked event is applied to the projection's live tables (or its reactor's effect run)
    /// on its own, after the events that followed it; when that succeeds it is marked
    /// ``ParkedEvent/State/retried`` and no longer degrades the consumer. The event a stopped
    /// consumer is failing at is tried with the next batch, as its runner would.
    ///
    /// ```swift
    /// for outcome in try await readSide.retryParked("activity", actor: "ops:ada") where !outcome.succeeded {
    ///     print(outcome.position, outcome.error ?? "")
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - name: The projection or reactor.
    ///   - position: One event to retry; every parked event and the one it is stopped at when
    ///     `nil`.
    ///   - actor: Who asks, for the audit.
    /// - Returns: What became of each event tried.
    /// - Throws: ``ReadSideError/Code/unknownName``; ``ReadSideError/Code/eventNotParked``
    ///   when `position` is neither parked nor where the consumer is stopped.
    public func retryParked(_ name: String, position: Int64? = nil, actor: String) async throws -> [RetryOutcome] {
        let consumer = try self.consumer(named: name)
        let (parked, stoppedAt) = try await pendingWork(of: consumer)
        let positions = parked.map(\.position) + (stoppedAt.map { [$0] } ?? [])
        if let position, !positions.contains(position) {
            throw ReadSideError(
                code: .eventNotParked,
                message: "Event \(position) is neither parked by \(name) nor where it is stopped. Parked: \(Self.list(parked.map(\.position)))\(stoppedAt.map { "; stopped at \($0)" } ?? "").",
                name: name, position: position)
        }
        var outcomes: [RetryOutcome] = []
        for parkedEvent in parked where position == nil || parkedEvent.position == position {
            outcomes.append(try await retry(parkedEvent, of: consumer, actor: actor))
        }
        if let stoppedAt, position == nil || position == stoppedAt {
            outcomes.append(try await retryStopped(at: stoppedAt, of: consumer, actor: actor))
        }
        return outcomes
    }

    /// Skips an event: a parked one is marked skipped, so it no longer degrades its consumer;
    /// the event a stopped consumer is failing at is recorded as skipped and the consumer's
    /// checkpoint moves past it, so its runner goes on. Recorded in `chronicle_read_side_actions`.
    ///
    /// - Parameters:
    ///   - name: The projection or reactor.
    ///   - position: The event.
    ///   - actor: Who asks, for the audit.
    /// - Throws: ``ReadSideError/Code/unknownName``; ``ReadSideError/Code/eventNotParked``
    ///   when the event is neither parked nor the one the consumer is stopped at.
    public func skip(_ name: String, position: Int64, actor: String) async throws {
        let consumer = try self.consumer(named: name)
        let (parked, stoppedAt) = try await pendingWork(of: consumer)
        let now = configuration.now()
        if let parkedEvent = parked.first(where: { $0.position == position }) {
            try await database.withWriteTransaction(locking: consumer.lock) { sql in
                try await Bookkeeping.resolve(
                    consumer: name, generation: parkedEvent.generation, position: position, as: .skipped, by: actor, at: now, on: sql)
                try await Bookkeeping.recordAction("skip", on: name, position: position, by: actor, outcome: "skipped", at: now, on: sql)
            }
            return
        }
        guard stoppedAt == position, let event = try await database.readCommittedLog(after: position - 1, limit: 1).first,
            event.position == position
        else {
            throw ReadSideError(
                code: .eventNotParked,
                message: "Event \(position) is neither parked by \(name) nor where it is stopped. Parked: \(Self.list(parked.map(\.position)))\(stoppedAt.map { "; stopped at \($0)" } ?? "").",
                name: name, position: position)
        }
        try await database.withWriteTransaction(locking: consumer.lock) { sql in
            let error = try await consumer.lastError(on: sql) ?? "skipped by an operator"
            let generation = try await consumer.generation(on: sql)
            try await Bookkeeping.park(event, by: name, generation: generation, error: error, attempts: 0, skipped: true, at: now, on: sql)
            try await Bookkeeping.resolve(consumer: name, generation: generation, position: position, as: .skipped, by: actor, at: now, on: sql)
            try await consumer.advance(past: event, at: now, on: sql)
            try await Bookkeeping.recordAction("skip", on: name, position: position, by: actor, outcome: "skipped", at: now, on: sql)
        }
    }

    /// A projection or reactor, by name.
    enum Consumer: Sendable {
        case projection(RegisteredProjection)
        case reactor(RegisteredReactor)

        var name: String {
            switch self {
            case .projection(let projection): projection.name
            case .reactor(let reactor): reactor.name
            }
        }

        /// The lock its runner holds while writing (projections only).
        var lock: String? {
            if case .projection(let projection) = self { return projection.name }
            return nil
        }

        /// The generation its parked events are recorded under.
        func generation(on sql: any SQLDatabase) async throws -> Int {
            guard case .projection(let projection) = self else { return 0 }
            return try await Bookkeeping.projection(projection.name, on: sql)?.generation ?? 0
        }

        func lastError(on sql: any SQLDatabase) async throws -> String? {
            switch self {
            case .projection(let projection): try await Bookkeeping.projection(projection.name, on: sql)?.lastError
            case .reactor(let reactor): try await Bookkeeping.reactor(reactor.name, on: sql)?.lastError
            }
        }

        /// Moves its checkpoint past an event (of a partitioned consumer, the event's partition's).
        func advance(past event: RecordedEvent, at now: Date, on sql: any SQLDatabase) async throws {
            switch self {
            case .projection(let projection): try await Bookkeeping.advance(projection, past: event, at: now, on: sql)
            case .reactor(let reactor): try await Bookkeeping.advance(reactor, past: event, at: now, on: sql)
            }
        }
    }

    func consumer(named name: String) throws -> Consumer {
        if let projection = projections.first(where: { $0.name == name }) { return .projection(projection) }
        if let reactor = reactors.first(where: { $0.name == name }) { return .reactor(reactor) }
        throw ReadSideError(
            code: .unknownName,
            message: "No projection or reactor is named \"\(name)\". Known: \((projectionNames + reactorNames).sorted().joined(separator: ", ")).",
            name: name)
    }

    /// A consumer's parked events (of its live tables) and the position it is stopped at, if any.
    private func pendingWork(of consumer: Consumer) async throws -> (parked: [ParkedEvent], stoppedAt: Int64?) {
        try await checkMigrated()
        return try await database.withReadConnection { sql in
            let generation = try await consumer.generation(on: sql)
            let parked = try await Bookkeeping.parkedEvents(of: consumer.name, on: sql).filter {
                $0.generation == generation && $0.state == .parked
            }
            /// The failing event, when the last failure is at an event after the checkpoint.
            func stopped(_ lastError: String?, at errorPosition: Int64?, checkpoint: Int64) -> Int64? {
                guard lastError != nil, let errorPosition, errorPosition > checkpoint else { return nil }
                return errorPosition
            }
            switch consumer {
            case .projection(let projection):
                let row = try await Bookkeeping.projection(projection.name, on: sql)
                return (parked, row.flatMap { stopped($0.lastError, at: $0.errorPosition, checkpoint: $0.position) })
            case .reactor(let reactor):
                let row = try await Bookkeeping.reactor(reactor.name, on: sql)
                return (parked, row.flatMap { stopped($0.lastError, at: $0.errorPosition, checkpoint: $0.position) })
            }
        }
    }

    /// Applies (or reacts to) one parked event on its own, and records what happened.
    private func retry(_ parked: ParkedEvent, of consumer: Consumer, actor: String) async throws -> RetryOutcome {
        guard let event = try await database.readCommittedLog(after: parked.position - 1, limit: 1).first, event.position == parked.position else {
            throw ReadSideError(code: .eventNotParked, message: "Event \(parked.position) is not in the log.", name: consumer.name, position: parked.position)
        }
        let now = configuration.now()
        let failure: String?
        switch consumer {
        case .projection(let projection):
            let dialect = database.dialect
            failure = try await database.withWriteTransaction(locking: projection.name) { sql -> String? in
                try await Bookkeeping.savepoint(on: sql)
                do {
                    try await projection.apply([event], sql: sql, dialect: dialect, tables: projection.tableNames(shadowGeneration: nil))
                    try await Bookkeeping.releaseSavepoint(on: sql)
                    return nil
                } catch let error as ReadSideError where error.code == .handlerFailed {
                    try await Bookkeeping.rollBackToSavepoint(on: sql)
                    return error.message
                }
            }
        case .reactor(let reactor):
            failure = try await react(to: event, with: reactor)?.message
        }
        try await database.withWriteTransaction(locking: consumer.lock) { sql in
            if let failure {
                try await Bookkeeping.park(
                    event, by: consumer.name, generation: parked.generation, error: failure, attempts: parked.attempts + 1,
                    skipped: false, at: now, on: sql)
            } else {
                try await Bookkeeping.resolve(
                    consumer: consumer.name, generation: parked.generation, position: parked.position, as: .retried, by: actor, at: now,
                    on: sql)
            }
            try await Bookkeeping.recordAction(
                "retry", on: consumer.name, position: parked.position, by: actor, outcome: failure.map { "failed: \($0)" } ?? "retried",
                at: now, on: sql)
        }
        return RetryOutcome(position: parked.position, error: failure)
    }

    /// Runs a stopped consumer's next batch now, as its runner would, and records what happened.
    private func retryStopped(at position: Int64, of consumer: Consumer, actor: String) async throws -> RetryOutcome {
        let failure: String?
        do {
            switch consumer {
            case .projection(let projection) where projection.isPartitioned:
                guard let event = try await database.readCommittedLog(after: position - 1, limit: 1).first else { break }
                _ = try await applyNextBatch(of: projection, partition: projection.partition(of: event), cursor: PartitionCursor())
            case .projection(let projection): _ = try await applyNextBatch(of: projection)
            case .reactor(let reactor) where reactor.isPartitioned:
                guard let event = try await database.readCommittedLog(after: position - 1, limit: 1).first else { break }
                _ = try await reactToNextBatch(of: reactor, partition: reactor.partition(of: event), cursor: PartitionCursor())
            case .reactor(let reactor): _ = try await reactToNextBatch(of: reactor)
            }
            failure = nil
        } catch let error as ReadSideError where error.code == .handlerFailed {
            failure = error.message
        }
        let now = configuration.now()
        try await database.withWriteTransaction(locking: nil) { sql in
            try await Bookkeeping.recordAction(
                "retry", on: consumer.name, position: position, by: actor, outcome: failure.map { "failed: \($0)" } ?? "retried",
                at: now, on: sql)
        }
        return RetryOutcome(position: position, error: failure)
    }

    private static func list(_ positions: [Int64]) -> String {
        positions.isEmpty ? "none" : positions.map(String.init).joined(separator: ", ")
    }
}
