import Foundation

/// Runs work on one entity at a time, in arrival order.
///
/// ``Aggregates`` executes the commands of one process on one entity through it, so they wait
/// for each other instead of loading the same version and conflicting. Work on different
/// entities runs in parallel. An entity nobody waits for costs one lock and one dictionary entry
/// while its work runs.
package final class EntityQueue: @unchecked Sendable {
    private let lock = NSLock()
    /// The entities whose work is running, each with the work waiting behind it, oldest first.
    private var entities: [String: [CheckedContinuation<Void, Never>]] = [:]

    /// Creates an empty queue.
    package init() {}

    /// Runs `work` once the entity's earlier work has finished.
    package func run<Result>(on entity: String, _ work: () async throws -> Result) async rethrows -> Result {
        await enter(entity)
        defer { leave(entity) }
        return try await work()
    }

    private func enter(_ entity: String) async {
        if lock.withLock({ claim(entity, orWait: nil) }) { return }
        await withCheckedContinuation { (turn: CheckedContinuation<Void, Never>) in
            if lock.withLock({ claim(entity, orWait: turn) }) { turn.resume() }
        }
    }

    /// Takes the entity when no work runs on it; otherwise queues `turn`, if given. The caller
    /// holds the lock.
    private func claim(_ entity: String, orWait turn: CheckedContinuation<Void, Never>?) -> Bool {
        guard entities[entity] != nil else {
            entities[entity] = []
            return true
        }
        if let turn { entities[entity]?.append(turn) }
        return false
    }

    private func leave(_ entity: String) {
        let next = lock.withLock { () -> CheckedContinuation<Void, Never>? in
            guard let waiting = entities[entity], !waiting.isEmpty else {
                entities[entity] = nil
                return nil
            }
            entities[entity] = Array(waiting.dropFirst())
            return waiting[0]
        }
        next?.resume()
    }
}
