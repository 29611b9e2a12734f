import Chronicle
import ChronicleSQL
import Foundation
import Logging

extension ReadSide {
    /// Runs a consumer's partition while this node holds its lease, and stands by while another
    /// node does, until cancelled. On cancellation it releases the lease.
    func lead(
        _ name: String, partition: Int, held: HeldLeases, wakeup: Wakeup, _ step: @escaping @Sendable (FailedAttempts) async throws -> Int
    ) async {
        let key = LeaseKey(consumer: name, partition: partition)
        var standingBy = false
        var failures = 0
        while !Task.isCancelled {
            let failovers: Int?
            do {
                failovers = try await database.withAutocommitWrites { sql in
                    try await Leases.acquire(
                        name, partition: partition, by: configuration.node, for: configuration.leaseDuration, dialect: database.dialect, on: sql)
                }
                failures = 0
            } catch {
                if Task.isCancelled { break }
                // A database that is down or not migrated yet: retry with the runners' growing delay.
                failures += 1
                let delay = max(configuration.leaseRenewal, retryDelay(afterFailures: failures))
                configuration.logger.warning(
                    "Could not take a lease; trying again",
                    metadata: ["name": "\(name)", "partition": "\(partition)", "error": "\(error)", "retry_in": "\(delay)"])
                try? await Task.sleep(for: delay)
                continue
            }
            guard let failovers else {
                if !standingBy {
                    configuration.logger.info(
                        "Standing by: another node runs it", metadata: ["name": "\(name)", "partition": "\(partition)", "node": "\(configuration.node)"])
                }
                standingBy = true
                try? await Task.sleep(for: configuration.leaseRenewal)
                continue
            }
            standingBy = false
            configuration.logger.info(
                "Took the lease", metadata: ["name": "\(name)", "partition": "\(partition)", "node": "\(configuration.node)", "failovers": "\(failovers)"])
            let lost = await held.add(key)
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.follow(name: name, wakeup: wakeup, step) }
                group.addTask { await lost.wait(upTo: .seconds(365 * 86_400)) }
                await group.next()
                group.cancelAll()
            }
            await held.remove(key)
        }
        await releaseLease(name, partition: partition)
    }

    /// Renews every lease this node holds, in one statement every ``Configuration/leaseRenewal``,
    /// until cancelled, and stops the runners of those another node has taken over.
    ///
    /// A renewal that fails (the database is down, or slow) is tried again at the next beat, and
    /// the runners go on meanwhile: stopping one in the middle of a reaction would only repeat
    /// the reaction. Should another node take an expired lease over, the runner's next batch
    /// finds that in its transaction and commits nothing (``LeaseLost``).
    func beat(_ held: HeldLeases) async {
        while true {
            try? await Task.sleep(for: configuration.leaseRenewal)
            if Task.isCancelled { return }
            let holding = await held.snapshot
            guard !holding.isEmpty else { continue }
            do {
                let renewed = try await Deadline.run(within: configuration.leaseDuration) { _ in
                    try await database.withAutocommitWrites { sql in
                        try await Leases.renew(by: configuration.node, for: configuration.leaseDuration, dialect: database.dialect, on: sql)
                    }
                }
                guard let renewed else {
                    configuration.logger.warning("The leases' renewal did not answer within a lease's duration", metadata: ["node": "\(configuration.node)"])
                    continue
                }
                for key in await held.lose(holding, allBut: renewed) {
                    configuration.logger.warning(
                        "Lost the lease to another node; standing by", metadata: ["name": "\(key.consumer)", "partition": "\(key.partition)"])
                }
            } catch {
                if Task.isCancelled { return }
                configuration.logger.warning("Could not renew the leases", metadata: ["node": "\(configuration.node)", "error": "\(error)"])
            }
        }
    }

    /// Gives up a lease this node may hold, so that a node standing by takes it at once. It runs
    /// in a task of its own, as the caller is being cancelled, and gives up after a lease's
    /// duration: the lease then expires by itself.
    private func releaseLease(_ name: String, partition: Int) async {
        let release = Task.detached { [self] in
            try await Deadline.run(within: configuration.leaseDuration) { _ in
                try await database.withAutocommitWrites { sql in
                    try await Leases.release(name, partition: partition, by: configuration.node, dialect: database.dialect, on: sql)
                }
            }
        }
        do {
            _ = try await release.value
        } catch {
            configuration.logger.warning(
                "Could not release a lease; it expires by itself", metadata: ["name": "\(name)", "partition": "\(partition)", "error": "\(error)"])
        }
    }
}

/// A consumer's partition, as a lease names it.
struct LeaseKey: Hashable, Sendable {
    var consumer: String
    var partition: Int
}

/// The leases this node's runners hold, which one heartbeat renews together; a runner whose
/// lease was not renewed (another node has it) is told so.
actor HeldLeases {
    private var held: [LeaseKey: (taking: UInt64, lost: Wakeup)] = [:]
    private var takings: UInt64 = 0

    /// The leases held now, each with the number of its taking.
    var snapshot: [LeaseKey: UInt64] { held.mapValues(\.taking) }

    /// Records a lease taken; the returned wake-up fires when it is lost.
    func add(_ key: LeaseKey) -> Wakeup {
        takings += 1
        let lost = Wakeup()
        held[key] = (takings, lost)
        return lost
    }

    func remove(_ key: LeaseKey) {
        held[key] = nil
    }

    /// Tells the runners of the leases of a snapshot that a renewal after it did not renew that
    /// they lost them, and returns those leases. A lease taken again since the snapshot is left
    /// alone: the renewal may have run before its taking.
    func lose(_ snapshot: [LeaseKey: UInt64], allBut renewed: Set<LeaseKey>) async -> [LeaseKey] {
        var lost: [LeaseKey] = []
        for (key, taking) in snapshot where !renewed.contains(key) {
            guard let current = held[key], current.taking == taking else { continue }
            held[key] = nil
            await current.lost.signal()
            lost.append(key)
        }
        return lost
    }
}
