import Chronicle
import ChronicleSQL
import Foundation

extension ReadSide {
    /// Waits until the async projections have applied the log up to a position, for a
    /// read-your-writes request: the position a write returned (its consistency token).
    ///
    /// Inline projections are current when an append returns, so only async ones are waited for.
    ///
    /// - Parameters:
    ///   - position: The position the projections must have reached.
    ///   - projections: The projections to wait for; every async one when `nil`.
    ///   - timeout: How long to wait at most.
    /// - Returns: Whether they reached it in time.
    public func waitUntilApplied(
        through position: Int64, projections: [String]? = nil, timeout: Duration = .seconds(2)
    ) async throws -> Bool {
        let waitedFor = asyncProjections(among: projections)
        guard !waitedFor.isEmpty else { return true }
        return try await Self.waitUntilApplied(through: position, by: waitedFor, on: database, eventMustExist: false, timeout: timeout)
    }

    /// The names of the async projections, of those named when `names` is not `nil`.
    func asyncProjections(among names: [String]?) -> Set<String> {
        Set(projections.filter { $0.mode == .async && (names?.contains($0.name) ?? true) }.map(\.name))
    }

    /// Waits until the projections named have checkpoints at `position` or beyond in a
    /// database, and, with `eventMustExist`, until the event at `position` is there too.
    static func waitUntilApplied(
        through position: Int64, by projections: Set<String>, on database: any SQLEventStore, eventMustExist: Bool, timeout: Duration
    ) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            let reached = try await database.withReadConnection { sql in
                if eventMustExist, position > 0, try await !Bookkeeping.hasEvent(at: position, on: sql) { return false }
                let rows = try await Bookkeeping.projections(on: sql)
                return rows.filter { projections.contains($0.name) && $0.position >= position }.count == projections.count
            }
            if reached { return true }
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Waits until every async projection and every reactor has handled the log up to its head
    /// as it is when the wait begins: for tests, scripts and shutdowns that must see every
    /// effect of what was appended.
    ///
    /// ```swift
    /// try await app.execute(Withdraw(amount: 500), on: account)
    /// try #require(try await app.readSide.waitUntilCaughtUp(timeout: .seconds(10)))
    /// ```
    ///
    /// - Parameter timeout: How long to wait at most.
    /// - Returns: Whether they caught up in time. A consumer stopped at a failed event does not
    ///   catch up until it is retried.
    public func waitUntilCaughtUp(timeout: Duration = .seconds(10)) async throws -> Bool {
        let head = try await database.headPosition()
        let projections = Set(self.projections.filter { $0.mode == .async }.map(\.name))
        let reactors = Set(self.reactors.map(\.name))
        let deadline = ContinuousClock.now + timeout
        while true {
            let (projectionRows, reactorRows) = try await database.withReadConnection { sql in
                (try await Bookkeeping.projections(on: sql), try await Bookkeeping.reactors(on: sql))
            }
            let behind =
                projections.subtracting(projectionRows.filter { $0.position >= head }.map(\.name)).count
                + reactors.subtracting(reactorRows.filter { $0.position >= head }.map(\.name)).count
            if behind == 0 { return true }
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
