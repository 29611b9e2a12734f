import Chronicle
import ChronicleProjections
import ChronicleSQL
import Foundation
import SQLKit
import Testing

extension ReadSideChecks {
    /// A movement of money, as appended.
    struct Move {
        var account: String
        var amount: Int
        var position: Int64
        var eventID: UUID
    }

    /// A read side with small batches, quick polling and quick retries, to exercise them.
    func makeReadSide(inline: [any Projection] = [], async: [any Projection] = [], reactors: [any Reactor] = []) -> ReadSide {
        ReadSide(
            database: database, inline: inline, async: async, reactors: reactors,
            configuration: .init(batchSize: 7, rebuildBatchSize: 10, pollInterval: .milliseconds(50), maximumRetryDelay: .milliseconds(100)))
    }

    static func account(_ id: String) -> StreamName {
        StreamName(entityType: Account.entityType, entityID: id)
    }

    /// Deposits (a positive amount) or withdraws (a negative one).
    @discardableResult
    func move(_ amount: Int, _ account: String, in store: any EventStore) async throws -> AppendResult {
        let event: any Event = amount >= 0 ? Deposited(amount: amount) : Withdrawn(amount: -amount)
        return try await store.append([event], to: Self.account(account), expected: .any)
    }

    /// `count` movements over accounts a, b and c, each account starting with a deposit.
    func moveMany(_ count: Int, in store: any EventStore) async throws -> [Move] {
        var moves: [Move] = []
        for index in 0..<count {
            let account = ["a", "b", "c"][index % 3]
            let amount = index >= 3 && index % 4 == 3 ? -2 : index % 5 + 1
            let result = try await move(amount, account, in: store)
            moves.append(Move(account: account, amount: amount, position: result.position, eventID: result.events[0].id))
        }
        return moves
    }

    static func balances(of moves: [Move]) -> [Balance] {
        Dictionary(grouping: moves, by: \.account)
            .map { Balance(account: $0.key, balance: $0.value.map(\.amount).reduce(0, +), entries: $0.value.count) }
            .sorted { $0.account < $1.account }
    }

    static func ledger(of moves: [Move]) -> [LedgerLine] {
        moves.map { LedgerLine(position: $0.position, account: $0.account, amount: $0.amount) }
    }

    static func amount(_ event: RecordedEvent) -> Int {
        switch event.eventType {
        case Deposited.eventType: (try? event.decode(as: Deposited.self).amount) ?? 0
        case Withdrawn.eventType: -((try? event.decode(as: Withdrawn.self).amount) ?? 0)
        default: 0
        }
    }

    func balances() async throws -> [Balance] {
        try await database.withReadConnection { sql in
            try await sql.raw("SELECT account, balance, entries FROM balances ORDER BY account").all().map {
                Balance(
                    account: try $0.decode(column: "account", as: String.self), balance: try $0.decode(column: "balance", as: Int.self),
                    entries: try $0.decode(column: "entries", as: Int.self))
            }
        }
    }

    func ledger() async throws -> [LedgerLine] {
        try await database.withReadConnection { sql in
            try await sql.raw("SELECT position, account, amount FROM ledger ORDER BY position").all().map {
                LedgerLine(
                    position: try $0.decode(column: "position", as: Int64.self), account: try $0.decode(column: "account", as: String.self),
                    amount: try $0.decode(column: "amount", as: Int.self))
            }
        }
    }

    /// Runs the read side's runners while the body runs.
    func running<Result>(_ readSide: ReadSide, _ body: () async throws -> Result) async throws -> Result {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await readSide.run() }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    func waitUntil(_ what: String, timeout: Duration = .seconds(90), _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("Timed out waiting until \(what).", sourceLocation: sourceLocation)
        throw TimedOut()
    }

    /// Waits until the async projections have applied everything up to the head, without failure.
    func waitUntilCaughtUp(_ readSide: ReadSide, _ names: String...) async throws {
        let last = LastStatus()
        do {
            try await waitUntil("\(names.joined(separator: ", ")) caught up") {
                let status = try await readSide.status()
                last.status = status
                return names.allSatisfy { name in
                    status.projections.first { $0.name == name }.map { $0.checkpoint == status.head && $0.lastError == nil } ?? false
                }
            }
        } catch let error as TimedOut {
            Issue.record("The last status: \(String(describing: last.status))", sourceLocation: sourceLocation)
            throw error
        }
    }

    func waitUntilReactorCaughtUp(_ readSide: ReadSide) async throws {
        try await waitUntil("the reactors caught up") {
            let status = try await readSide.status()
            return status.reactors.allSatisfy { $0.checkpoint == status.head }
        }
    }

    /// Starts an online rebuild and stops it after its first batch.
    func interruptedRebuild(of name: String, _ readSide: ReadSide) async throws {
        let rebuild = Task {
            try await readSide.rebuild(name, mode: .online) { _ in
                withUnsafeCurrentTask { $0?.cancel() }
            }
        }
        let result = await rebuild.result
        guard case .failure(let error) = result, error is CancellationError else {
            Issue.record("The online rebuild of \(name) was expected to be interrupted: \(result)", sourceLocation: sourceLocation)
            return
        }
    }
}

/// Collects rebuild progress reports.
final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var reports: [RebuildProgress] = []

    func add(_ report: RebuildProgress) {
        lock.withLock { reports.append(report) }
    }

    var count: Int { lock.withLock { reports.count } }

    func last(_ projection: String) -> RebuildProgress? {
        lock.withLock { reports.last { $0.projection == projection } }
    }
}

/// The last status a wait saw, for its failure message.
private final class LastStatus: @unchecked Sendable {
    var status: ReadSideStatus?
}
