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
        let waitedFor = Set(self.projections.filter { $0.mode == .async && (projections?.contains($0.name) ?? true) }.map(\.name))
        guard !waitedFor.isEmpty else { return true }
        let deadline = ContinuousClock.now + timeout
        while true {
            let rows = try await database.withReadConnection { sql in try await Bookkeeping.projections(on: sql) }
            let reached = rows.filter { waitedFor.contains($0.name) && $0.position >= position }.count
            if reached == waitedFor.count { return true }
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
