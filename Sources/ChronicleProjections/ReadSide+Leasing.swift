import Chronicle
import ChronicleSQL
import Foundation
import Logging

extension ReadSide {
    /// Runs a consumer's partition while this node holds its lease, and stands by while another
    /// node does, until cancelled. On cancellation it releases the lease.
    ///
    /// Of a partitioned consumer, it takes a lease only while this node holds fewer than its
    /// share of the partitions (``Balance``), so that the live nodes share them out.
    func lead(_ runner: Runner, held: HeldLeases, balance: Balance) async {
        let (name, partition) = (runner.name, runner.partition)
        let key = LeaseKey(consumer: name, partition: partition)
        var standingBy = false
        var failures = 0
        var taken = ContinuousClock.now
        while !Task.isCancelled {
            let failovers: Int?
            do {
                if runner.partitions > 1 {
                    let live = try await database.withReadConnection { sql in try await Leases.liveNodes(dialect: database.dialect, on: sql) }
                    let share = balance.share(of: name, among: live)
                    if await held.count(of: name) >= share {
                        if !standingBy {
                            configuration.logger.info(
                                "Standing by: this node holds its share of the partitions",
                                metadata: ["name": "\(name)", "partition": "\(partition)", "share": "\(share)", "node": "\(configuration.node)"])
                        }
                        standingBy = true
                        try? await Task.sleep(for: configuration.leaseRenewal)
                        continue
                    }
                }
                // A lease another node holds is looked at on the read connection: nodes standing
                // by write nothing.
                taken = ContinuousClock.now
                let heldElsewhere = try await database.withReadConnection { sql in
                    try await Leases.isHeld(name, partition: partition, byOtherThan: configuration.node, dialect: database.dialect, on: sql)
                }
                failovers = heldElsewhere
                    ? nil
                    : try await database.withAutocommitWrites { sql in
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
            let validUntil = taken + configuration.leaseDuration
            configuration.logger.info(
                "Took the lease", metadata: ["name": "\(name)", "partition": "\(partition)", "node": "\(configuration.node)", "failovers": "\(failovers)"])
            await runner.tookLease()
            let lost = await held.add(key, validUntil: validUntil)
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.follow(name: name, wakeup: runner.wakeup, runner.step, until: { await held.isGivenUp(key) }) }
                group.addTask { await lost.wait(upTo: .seconds(365 * 86_400)) }
                await group.next()
                group.cancelAll()
            }
            if await held.remove(key) {
                await releaseLease(name, partition: partition)
            }
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
    ///
    /// With partitioned consumers, the node also keeps a presence lease, so that the others
    /// count it among the live nodes, and gives up the partitions it holds beyond its share.
    func beat(_ held: HeldLeases, balance: Balance) async {
        let presence = Leases.presence(of: configuration.node)
        var present = false
        while true {
            if balance.isNeeded && !present {
                present = (try? await Deadline.run(within: configuration.leaseDuration) { _ in
                    try await database.withAutocommitWrites { sql in
                        try await Leases.acquire(
                            presence, partition: 0, by: configuration.node, for: configuration.leaseDuration, dialect: database.dialect, on: sql)
                    }
                }) != nil
            }
            try? await Task.sleep(for: configuration.leaseRenewal)
            if Task.isCancelled { break }
            let holding = await held.snapshot
            guard !holding.isEmpty || present else { continue }
            do {
                let started = ContinuousClock.now
                let renewed = try await Deadline.run(within: configuration.leaseDuration) { _ in
                    try await database.withAutocommitWrites { sql in
                        try await Leases.renew(by: configuration.node, for: configuration.leaseDuration, dialect: database.dialect, on: sql)
                    }
                }
                guard let renewed else {
                    configuration.logger.warning("The leases' renewal did not answer within a lease's duration", metadata: ["node": "\(configuration.node)"])
                    continue
                }
                let took = ContinuousClock.now - started
                if took > configuration.leaseDuration / 2 {
                    configuration.logger.warning(
                        "The leases' renewal took over half a lease's duration",
                        metadata: ["node": "\(configuration.node)", "took": "\(took)"])
                }
                await held.renewed(renewed, validUntil: started + configuration.leaseDuration)
                present = present && renewed.contains(LeaseKey(consumer: presence, partition: 0))
                for key in await held.lose(holding, allBut: renewed) {
                    configuration.logger.warning(
                        "Lost the lease to another node; standing by", metadata: ["name": "\(key.consumer)", "partition": "\(key.partition)"])
                }
                if balance.isNeeded {
                    try await giveUpPartitionsBeyondShare(held, balance: balance)
                }
            } catch {
                if Task.isCancelled { break }
                configuration.logger.warning("Could not renew the leases", metadata: ["node": "\(configuration.node)", "error": "\(error)"])
            }
        }
        if present { await releaseLease(presence, partition: 0) }
    }

    /// Gives up the partitions this node holds beyond its share (a node joined), highest first:
    /// their runners stop after the batch they are in and release the leases, and a node below
    /// its share takes them at its next try.
    private func giveUpPartitionsBeyondShare(_ held: HeldLeases, balance: Balance) async throws {
        let live = try await database.withReadConnection { sql in try await Leases.liveNodes(dialect: database.dialect, on: sql) }
        for consumer in balance.partitions.keys {
            let share = balance.share(of: consumer, among: live)
            for key in await held.giveUp(consumer, beyond: share) {
                configuration.logger.info(
                    "Giving a partition up to share them among the live nodes",
                    metadata: ["name": "\(key.consumer)", "partition": "\(key.partition)", "share": "\(share)", "nodes": "\(live.count)"])
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
    private var held: [LeaseKey: (taking: UInt64, lost: Wakeup, givenUp: Bool, validUntil: ContinuousClock.Instant)] = [:]
    private var takings: UInt64 = 0

    /// The leases held now, each with the number of its taking.
    var snapshot: [LeaseKey: UInt64] { held.mapValues(\.taking) }

    /// Records a lease taken, valid until `validUntil` on this process's clock (the taking's
    /// start plus the lease's duration: the database's expiry is later); the returned wake-up
    /// fires when it is lost.
    func add(_ key: LeaseKey, validUntil: ContinuousClock.Instant) -> Wakeup {
        takings += 1
        let lost = Wakeup()
        held[key] = (takings, lost, false, validUntil)
        return lost
    }

    /// Notes the leases a renewal renewed, valid until `validUntil` (the renewal's start plus
    /// the lease's duration).
    func renewed(_ keys: Set<LeaseKey>, validUntil: ContinuousClock.Instant) {
        for key in keys {
            guard let current = held[key]?.validUntil else { continue }
            held[key]?.validUntil = max(current, validUntil)
        }
    }

    /// How long a lease this node holds stays valid without another renewal; `nil` when the
    /// node no longer holds it.
    func validity(of key: LeaseKey) -> Duration? {
        held[key].map { $0.validUntil - ContinuousClock.now }
    }

    /// Forgets a lease whose runner stopped; returns whether the node gave it up (its runner
    /// then releases it).
    @discardableResult
    func remove(_ key: LeaseKey) -> Bool {
        held.removeValue(forKey: key)?.givenUp ?? false
    }

    /// How many partitions of a consumer this node holds and keeps.
    func count(of consumer: String) -> Int {
        held.count { $0.key.consumer == consumer && !$0.value.givenUp }
    }

    /// Marks the partitions of a consumer beyond the first `share` (by number) as given up, and
    /// returns them: their runners stop after their batch.
    func giveUp(_ consumer: String, beyond share: Int) -> [LeaseKey] {
        let kept = held.filter { $0.key.consumer == consumer && !$0.value.givenUp }.keys.sorted { $0.partition < $1.partition }
        let given = Array(kept.dropFirst(share))
        for key in given { held[key]?.givenUp = true }
        return given
    }

    /// Whether the node gave a lease up.
    func isGivenUp(_ key: LeaseKey) -> Bool {
        held[key]?.givenUp ?? false
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
