import Chronicle
import ChronicleProjections
import ChronicleSQL
import Foundation
import Testing

/// Each deposit a partitioned reactor handled, with the node that handled it, in the order handled.
actor PartitionedEffects {
    struct Effect: Sendable {
        var node: String
        var entityID: String
        var version: Int
        var eventID: UUID
    }

    private(set) var effects: [Effect] = []

    func record(_ event: RecordedEvent, by node: String) {
        effects.append(Effect(node: node, entityID: event.stream.entityID, version: event.version, eventID: event.id))
    }
}

/// A reactor split into 4 partitions, which needs only each account's order.
struct PartitionedMailer: Reactor {
    static let name = "partitioned-mailer"
    static let ordering = EventOrdering.perEntity
    static let partitions = 4
    let node: String
    let effects: PartitionedEffects

    var handlers: EventHandlers<ReactionContext> {
        let (node, effects) = (node, effects)
        return EventHandlers {
            On(Deposited.self) { _, reaction in await effects.record(reaction.event, by: node) }
        }
    }
}

/// A partitioned reactor that still needs the log's global order: refused.
struct GloballyOrderedPartitions: Reactor {
    static let name = "globally-ordered-partitions"
    static let partitions = 2

    var handlers: EventHandlers<ReactionContext> {
        EventHandlers { On(Deposited.self) { _, _ in } }
    }
}

extension ReadSideChecks {
    /// Deposits of one each into `accounts` accounts, `rounds` times over.
    func depositRounds(_ rounds: Int, accounts: Int, in store: any EventStore) async throws -> [UUID] {
        var ids: [UUID] = []
        for _ in 0..<rounds {
            for account in 0..<accounts {
                ids += try await store.append([Deposited(amount: 1)], to: Self.account("acc-\(account)"), expected: .any).events.map(\.id)
            }
        }
        return ids
    }

    /// The partition leases of a reactor or projection, as the status shows them.
    func partitionLeases(of name: String, in readSide: ReadSide) async throws -> [Lease] {
        let status = try await readSide.status()
        return status.reactors.first { $0.name == name }?.leases ?? status.projections.first { $0.name == name }?.leases ?? []
    }

    func sharesAPartitionedReactorAmongNodes() async throws {
        let effects = PartitionedEffects()
        let names = ["node-a", "node-b", "node-c"]
        let nodes = names.map {
            makeNode($0, async: [SplitAccountHistoryProjection<FourPartitions>()], reactors: [PartitionedMailer(node: $0, effects: effects)])
        }
        let history = SplitAccountHistoryProjection<FourPartitions>.name
        try await nodes[0].migrate()
        var deposits: [UUID] = []
        var later: Set<UUID> = []
        var holders: [String?] = []
        var historyHolders: [String?] = []
        try await running(nodes[0]) {
            try await running(nodes[1]) {
                try await running(nodes[2]) {
                    deposits += try await depositRounds(3, accounts: 24, in: nodes[0].eventStore)
                    // The three nodes share the 4 partitions of each out: 2, 1 and 1.
                    try await waitUntil("the partitions are shared among the three nodes") {
                        for consumer in [PartitionedMailer.name, history] {
                            let leases = try await partitionLeases(of: consumer, in: nodes[0])
                            let counts = Dictionary(grouping: leases.compactMap(\.holder), by: { $0 }).mapValues(\.count)
                            guard leases.count == 4 && counts.count == 3 && counts.values.sorted() == [1, 1, 2] else { return false }
                        }
                        return true
                    }
                    later = Set(try await depositRounds(3, accounts: 24, in: nodes[1].eventStore))
                    deposits += later
                    try await waitUntilReactorCaughtUp(nodes[0])
                    try await waitUntilCaughtUp(nodes[0], history)
                    holders = try await partitionLeases(of: PartitionedMailer.name, in: nodes[0]).map(\.holder)
                    historyHolders = try await partitionLeases(of: history, in: nodes[0]).map(\.holder)
                }
            }
        }
        let handled = await effects.effects
        let counts = Dictionary(grouping: handled, by: \.eventID).mapValues(\.count)
        let notOnce = deposits.filter { counts[$0] != 1 }
        #expect(
            notOnce.isEmpty && counts.count == deposits.count,
            "each deposit handled exactly once: \(notOnce.count) of \(deposits.count) were not, \(counts.count - deposits.count) others handled",
            sourceLocation: sourceLocation)
        for (account, effects) in Dictionary(grouping: handled, by: \.entityID) {
            #expect(effects.map(\.version) == effects.map(\.version).sorted(), "\(account)'s deposits in their order", sourceLocation: sourceLocation)
        }
        let laterByNode = Dictionary(grouping: handled.filter { later.contains($0.eventID) }, by: \.node)
        #expect(Set(laterByNode.keys) == Set(names), "once shared, every node handles its partitions' events: \(laterByNode.mapValues(\.count))", sourceLocation: sourceLocation)
        #expect(Set(holders.compactMap { $0 }) == Set(names), "leases held by \(holders)", sourceLocation: sourceLocation)
        let status = try await nodes[0].status()
        #expect(status.reactors.first?.checkpoint == status.head, "the reactor's checkpoint is its partitions' lowest", sourceLocation: sourceLocation)
        // The partitioned projection, written by the three nodes: each account's six deposits, once each, in order.
        let rows = try await AccountHistory.rows(of: history, in: database)
        let expected = (0..<24).map { AccountHistory.Row(account: "acc-\($0)", versions: "1 2 3 4 5 6", balance: 6) }.sorted { $0.account < $1.account }
        #expect(rows == expected, "the partitioned projection's rows: \(rows)", sourceLocation: sourceLocation)
        #expect(status.projections.first?.checkpoint == status.head, "the projection's checkpoint is its partitions' lowest", sourceLocation: sourceLocation)
        #expect(Set(historyHolders.compactMap { $0 }) == Set(names), "the projection's partitions held by \(historyHolders)", sourceLocation: sourceLocation)
        #expect(
            try await partitionLeases(of: PartitionedMailer.name, in: nodes[0]).allSatisfy { $0.holder == nil && $0.failovers == 0 },
            "released on shutdown, never failed over", sourceLocation: sourceLocation)
    }

    func refusesAPartitionedReactorThatNeedsGlobalOrder() async throws {
        let readSide = makeReadSide(reactors: [GloballyOrderedPartitions()])
        let refused = await #expect(throws: ReadSideError.self, sourceLocation: sourceLocation) { try await readSide.migrate() }
        #expect(refused?.code == .invalidDefinition, "migrate refuses it too: \(String(describing: refused))", sourceLocation: sourceLocation)
        // A read side that started would run until cancelled: give it 30 s to refuse.
        let error = await #expect(throws: ReadSideError.self, sourceLocation: sourceLocation) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await readSide.run() }
                group.addTask { try await Task.sleep(for: .seconds(30)) }
                defer { group.cancelAll() }
                try await group.next()
            }
        }
        #expect(error?.code == .invalidDefinition, sourceLocation: sourceLocation)
        #expect(
            error?.message.contains(GloballyOrderedPartitions.name) == true && error?.message.contains("EventOrdering.perEntity") == true,
            "names the reactor and the fix: \(String(describing: error))", sourceLocation: sourceLocation)
    }
}
