import Chronicle
import ChronicleProjections
import ChronicleSQL
import Foundation
import SQLKit
import Testing

/// The read-side checks, on one store. See ``ReadSideConformance``.
struct ReadSideChecks {
    let database: any SQLEventStore
    let sourceLocation: SourceLocation

    struct Balance: Equatable, CustomStringConvertible {
        var account: String
        var balance: Int
        var entries: Int
        var description: String { "\(account): \(balance) (\(entries))" }
    }

    struct LedgerLine: Equatable, CustomStringConvertible {
        var position: Int64
        var account: String
        var amount: Int
        var description: String { "\(position) \(account) \(amount)" }
    }

    struct TimedOut: Error {}

    // MARK: the checks

    func appliesInlineProjectionsWithTheAppend() async throws {
        let readSide = makeReadSide(inline: [BalancesProjection()])
        try await readSide.migrate()
        let store = readSide.eventStore
        try await move(10, "a", in: store)
        try await move(5, "a", in: store)
        try await move(-3, "a", in: store)
        try await move(7, "b", in: store)
        try await store.append([AccountNoted(text: "unhandled")], to: Self.account("a"), expected: .any)
        #expect(try await balances() == [Balance(account: "a", balance: 12, entries: 3), Balance(account: "b", balance: 7, entries: 1)],
                "current when the appends return, without a runner", sourceLocation: sourceLocation)
        let result = try await readSide.aggregates().execute(Note(text: "via a command"), on: EntityID("a"))
        #expect(result.events.count == 1, sourceLocation: sourceLocation)
    }

    func rollsBackInlineProjectionsWithTheAppend() async throws {
        let projection = BalancesProjection()
        let readSide = makeReadSide(inline: [projection])
        try await readSide.migrate()
        let first = try await move(10, "a", in: readSide.eventStore)
        await projection.faults.fail(at: first.position + 1, times: 1)
        let error = await #expect(throws: ReadSideError.self, sourceLocation: sourceLocation) {
            try await move(5, "a", in: readSide.eventStore)
        }
        #expect(error?.code == .handlerFailed, sourceLocation: sourceLocation)
        #expect(try await database.headPosition() == first.position, "the event was not appended", sourceLocation: sourceLocation)
        #expect(try await database.readStream(Self.account("a")).count == 1, sourceLocation: sourceLocation)
        #expect(try await balances() == [Balance(account: "a", balance: 10, entries: 1)], "no row changed", sourceLocation: sourceLocation)
        try await move(5, "a", in: readSide.eventStore)
        #expect(try await balances() == [Balance(account: "a", balance: 15, entries: 2)], sourceLocation: sourceLocation)
    }

    func followsTheLogWithAsyncProjections() async throws {
        let readSide = makeReadSide(async: [LedgerProjection(), BalancesProjection()])
        try await readSide.migrate()
        var moves = try await moveMany(30, in: readSide.eventStore)
        try await running(readSide) {
            try await waitUntilCaughtUp(readSide, "ledger", "balances")
            #expect(try await ledger() == Self.ledger(of: moves), sourceLocation: sourceLocation)
            #expect(try await balances() == Self.balances(of: moves), sourceLocation: sourceLocation)
            moves += try await moveMany(20, in: readSide.eventStore)
            try await waitUntilCaughtUp(readSide, "ledger", "balances")
            #expect(try await ledger() == Self.ledger(of: moves), "events appended while running are applied", sourceLocation: sourceLocation)
            #expect(try await balances() == Self.balances(of: moves), sourceLocation: sourceLocation)
        }
    }

    func stopsAFailingProjectionAndRetries() async throws {
        let ledgerProjection = LedgerProjection()
        let readSide = makeReadSide(async: [ledgerProjection, BalancesProjection()])
        try await readSide.migrate()
        let moves = try await moveMany(20, in: readSide.eventStore)
        let failing = moves[9].position
        await ledgerProjection.faults.fail(at: failing, times: .max)
        try await running(readSide) {
            try await waitUntilCaughtUp(readSide, "balances")
            try await waitUntil("the ledger reports its failure") {
                try await readSide.status().projections.first { $0.name == "ledger" }?.errorPosition == failing
            }
            let status = try await readSide.status().projections.first { $0.name == "ledger" }
            #expect(status?.state == .failing, sourceLocation: sourceLocation)
            #expect(status?.lastError?.contains("failed at position \(failing)") == true, "\(String(describing: status?.lastError))", sourceLocation: sourceLocation)
            #expect((status?.checkpoint ?? .max) < failing, "stopped before the failing event", sourceLocation: sourceLocation)
            #expect(try await ledger().allSatisfy { $0.position < failing }, "no event skipped", sourceLocation: sourceLocation)
            await ledgerProjection.faults.fail(at: failing, times: 0)
            try await waitUntilCaughtUp(readSide, "ledger")
            #expect(try await ledger() == Self.ledger(of: moves), sourceLocation: sourceLocation)
            #expect(try await readSide.status().projections.first { $0.name == "ledger" }?.lastError == nil, "recovered", sourceLocation: sourceLocation)
        }
    }

    func survivesAStopInTheMiddleOfABatch() async throws {
        let stalling = LedgerProjection()
        let readSide = makeReadSide(async: [stalling])
        try await readSide.migrate()
        let moves = try await moveMany(24, in: readSide.eventStore)
        // Stop the runner inside a batch (of at most 7), after it wrote rows of that batch. Where
        // batches begin depends on what the store holds back, so stop at successive events until
        // one stop falls inside a batch; after every stop, rows and checkpoint must agree.
        var stoppedInsideABatch = false
        for index in [10, 13, 16, 19, 22] where !stoppedInsideABatch {
            let stallAt = moves[index].position
            await stalling.faults.stall(at: stallAt)
            let runner = Task { try await readSide.run() }
            try await waitUntil("the runner reaches event \(stallAt)") { await stalling.faults.hasStalled }
            runner.cancel()
            _ = await runner.result

            let checkpoint = try #require(try await readSide.status().projections.first?.checkpoint, sourceLocation: sourceLocation)
            #expect(checkpoint < stallAt, "the stopped batch did not commit", sourceLocation: sourceLocation)
            #expect(try await ledger() == Self.ledger(of: moves.filter { $0.position <= checkpoint }), "rows and checkpoint agree", sourceLocation: sourceLocation)
            stoppedInsideABatch = await stalling.faults.seen.contains { $0 > checkpoint && $0 < stallAt }
        }
        #expect(stoppedInsideABatch, "a stop fell inside a batch, after the batch wrote rows", sourceLocation: sourceLocation)

        let restarted = makeReadSide(async: [LedgerProjection()])
        try await running(restarted) {
            try await waitUntilCaughtUp(restarted, "ledger")
        }
        let followed = try await ledger()
        #expect(followed == Self.ledger(of: moves), sourceLocation: sourceLocation)
        try await restarted.rebuild("ledger", mode: .offline)
        #expect(try await ledger() == followed, "the same tables as a full rebuild", sourceLocation: sourceLocation)
    }

    func reactsOnceWithReceipts() async throws {
        let log = EffectLog()
        let readSide = makeReadSide(reactors: [DepositMailer(log: log)])
        try await readSide.migrate()
        var moves = try await moveMany(7, in: readSide.eventStore)
        let deposits = { (moves: [Move]) in moves.filter { $0.amount > 0 }.map(\.eventID) }
        await log.fail(at: moves.first { $0.amount > 0 }!.position, times: 2)
        try await running(readSide) { try await waitUntilReactorCaughtUp(readSide) }
        #expect(await log.effects == Dictionary(uniqueKeysWithValues: deposits(moves).map { ($0, 1) }), "each effect once, after two failed attempts", sourceLocation: sourceLocation)

        moves += try await moveMany(6, in: readSide.eventStore)
        try await running(readSide) { try await waitUntilReactorCaughtUp(readSide) }
        #expect(await log.effects == Dictionary(uniqueKeysWithValues: deposits(moves).map { ($0, 1) }), "a restart repeats nothing", sourceLocation: sourceLocation)

        // Even a lost checkpoint repeats nothing: the receipts remember.
        try await database.withWriteTransaction(locking: nil) { sql in
            try await sql.raw("UPDATE chronicle_reactors SET position = 0").run()
        }
        try await running(readSide) { try await waitUntilReactorCaughtUp(readSide) }
        #expect(await log.effects.values.allSatisfy { $0 == 1 }, "receipts stop repeats", sourceLocation: sourceLocation)
        #expect(await log.total == deposits(moves).count, sourceLocation: sourceLocation)
    }

    func reactsOnlyToEventsAfterRegistration() async throws {
        let log = EffectLog()
        _ = try await moveMany(5, in: database)
        let readSide = makeReadSide(reactors: [DepositMailer(log: log)])
        try await readSide.migrate()
        let later = try await moveMany(6, in: readSide.eventStore)
        try await running(readSide) { try await waitUntilReactorCaughtUp(readSide) }
        #expect(Set(await log.effects.keys) == Set(later.filter { $0.amount > 0 }.map(\.eventID)), sourceLocation: sourceLocation)
    }

    func callsNoReactorDuringRebuilds() async throws {
        let log = EffectLog()
        let readSide = makeReadSide(inline: [BalancesProjection()], async: [LedgerProjection()], reactors: [DepositMailer(log: log)])
        try await readSide.migrate()
        _ = try await moveMany(12, in: readSide.eventStore)
        try await running(readSide) {
            try await waitUntilCaughtUp(readSide, "ledger")
            try await waitUntilReactorCaughtUp(readSide)
            let before = await log.attempts
            #expect(before > 0, sourceLocation: sourceLocation)
            for mode in RebuildMode.allCases {
                try await readSide.rebuild("balances", mode: mode)
                try await readSide.rebuild("ledger", mode: mode)
            }
            try await Task.sleep(for: .milliseconds(200))
            #expect(await log.attempts == before, "rebuilds replay into projections only", sourceLocation: sourceLocation)
        }
    }

    func rebuildsOffline() async throws {
        let readSide = makeReadSide(inline: [BalancesProjection()], async: [LedgerProjection()])
        try await readSide.migrate()
        let moves = try await moveMany(30, in: readSide.eventStore)
        try await running(readSide) { try await waitUntilCaughtUp(readSide, "ledger") }
        let progress = ProgressLog()
        for name in ["balances", "ledger"] {
            try await readSide.rebuild(name, mode: .offline) { progress.add($0) }
        }
        #expect(try await balances() == Self.balances(of: moves), sourceLocation: sourceLocation)
        #expect(try await ledger() == Self.ledger(of: moves), sourceLocation: sourceLocation)
        #expect(progress.last("balances")?.position == moves.last?.position, "progress reaches the head", sourceLocation: sourceLocation)
        #expect(progress.count > 2, "progress is reported per batch", sourceLocation: sourceLocation)
        let status = try await readSide.status()
        #expect(status.projections.allSatisfy { $0.state == .live }, sourceLocation: sourceLocation)
        #expect(status.projections.first { $0.name == "ledger" }?.checkpoint == status.head, sourceLocation: sourceLocation)
    }

    func rebuildsOnlineWhileServing() async throws {
        let readSide = makeReadSide(inline: [BalancesProjection()], async: [LedgerProjection()])
        try await readSide.migrate()
        var moves = try await moveMany(40, in: readSide.eventStore)
        for name in ["balances", "ledger"] {
            try await running(readSide) { try await waitUntilCaughtUp(readSide, "ledger") }
            // Stop the online rebuild after its first batch: it is under way, not finished.
            try await interruptedRebuild(of: name, readSide)
            #expect(try await readSide.status().projections.first { $0.name == name }?.rebuildPosition != nil, sourceLocation: sourceLocation)
            #expect(try await balances() == Self.balances(of: moves), "the live tables keep serving", sourceLocation: sourceLocation)
            moves += try await moveMany(6, in: readSide.eventStore)
            #expect(try await balances() == Self.balances(of: moves), "and keep taking new events", sourceLocation: sourceLocation)
            try await running(readSide) {
                try await waitUntilCaughtUp(readSide, "ledger")
                try await readSide.rebuild(name, mode: .online)
                moves += try await moveMany(3, in: readSide.eventStore)
                try await waitUntilCaughtUp(readSide, "ledger")
            }
            #expect(try await readSide.status().projections.first { $0.name == name }?.rebuildPosition == nil, "swapped in", sourceLocation: sourceLocation)
            let swapped = (try await balances(), try await ledger())
            #expect(swapped.0 == Self.balances(of: moves) && swapped.1 == Self.ledger(of: moves), sourceLocation: sourceLocation)
            try await readSide.rebuild(name, mode: .offline)
            let rebuilt = (try await balances(), try await ledger())
            #expect(rebuilt.0 == swapped.0 && rebuilt.1 == swapped.1, "the same tables as an offline rebuild", sourceLocation: sourceLocation)
        }
    }

    func resumesOrDiscardsAnInterruptedRebuild() async throws {
        let readSide = makeReadSide(async: [LedgerProjection()])
        try await readSide.migrate()
        let moves = try await moveMany(35, in: readSide.eventStore)
        try await running(readSide) { try await waitUntilCaughtUp(readSide, "ledger") }
        let live = try await ledger()

        try await interruptedRebuild(of: "ledger", readSide)
        try await readSide.discardRebuild("ledger")
        #expect(try await readSide.status().projections.first?.rebuildPosition == nil, sourceLocation: sourceLocation)
        #expect(try await ledger() == live, "discarding leaves the live tables", sourceLocation: sourceLocation)
        let none = await #expect(throws: ReadSideError.self, sourceLocation: sourceLocation) { try await readSide.discardRebuild("ledger") }
        #expect(none?.code == .noRebuildInProgress, sourceLocation: sourceLocation)

        try await interruptedRebuild(of: "ledger", readSide)
        let offline = await #expect(throws: ReadSideError.self, sourceLocation: sourceLocation) { try await readSide.rebuild("ledger", mode: .offline) }
        #expect(offline?.code == .rebuildInProgress, sourceLocation: sourceLocation)
        try await readSide.rebuild("ledger", mode: .online)
        #expect(try await ledger() == Self.ledger(of: moves), "the resumed rebuild completes", sourceLocation: sourceLocation)
        let unknown = await #expect(throws: ReadSideError.self, sourceLocation: sourceLocation) { try await readSide.rebuild("nothing", mode: .online) }
        #expect(unknown?.code == .unknownName, sourceLocation: sourceLocation)
    }

    func rebuildsToANewVersion() async throws {
        let first = makeReadSide(async: [LedgerProjection()])
        try await first.migrate()
        let moves = try await moveMany(10, in: first.eventStore)
        try await running(first) { try await waitUntilCaughtUp(first, "ledger") }

        let second = makeReadSide(async: [LedgerInCentsProjection()])
        try await second.migrate()
        #expect(try await second.status().projections.first?.state == .needsRebuild, sourceLocation: sourceLocation)
        _ = try await moveMany(4, in: first.eventStore)
        try await running(second) { try await Task.sleep(for: .milliseconds(150)) }
        #expect(try await second.status().projections.first?.checkpoint == moves.last?.position, "a stale projection is not run", sourceLocation: sourceLocation)

        try await second.rebuild("ledger", mode: .online)
        let status = try await second.status()
        #expect(status.projections.first?.state == .live && status.projections.first?.builtVersion == 2, sourceLocation: sourceLocation)
        let cents = try await database.withReadConnection { sql in
            try await sql.raw("SELECT cents FROM ledger ORDER BY position").all().map { try $0.decode(column: "cents", as: Int.self) }
        }
        let all = try await database.readLog(after: 0, limit: 1_000)
        #expect(cents.count == all.count, sourceLocation: sourceLocation)
        #expect(cents.reduce(0, +) == all.reduce(0) { $0 + Self.amount($1) * 100 }, sourceLocation: sourceLocation)
    }

    func linksReactorCommandsToTheirCause() async throws {
        let readSide = makeReadSide(reactors: [WithdrawalNotifier()])
        try await readSide.migrate()
        let withdrawal = try await move(-4, "a", in: readSide.eventStore).events[0]
        try await running(readSide) {
            try await waitUntil("the reactor's note is appended") { try await database.readStream(Self.account("a")).count == 2 }
        }
        let note = try await database.readStream(Self.account("a"))[1]
        #expect(note.eventType == AccountNoted.eventType, sourceLocation: sourceLocation)
        #expect(note.metadata.causationID == withdrawal.id.uuidString.lowercased(), "caused by the event", sourceLocation: sourceLocation)
        #expect(note.metadata.correlationID == withdrawal.metadata.correlationID ?? withdrawal.id.uuidString.lowercased(), sourceLocation: sourceLocation)
    }

    func buildsNewProjectionsFromTheLog() async throws {
        let moves = try await moveMany(25, in: database)
        let readSide = makeReadSide(inline: [BalancesProjection()], async: [LedgerProjection()])
        try await readSide.migrate()
        #expect(try await balances() == Self.balances(of: moves), "an inline projection is built when set up", sourceLocation: sourceLocation)
        try await running(readSide) { try await waitUntilCaughtUp(readSide, "ledger") }
        #expect(try await ledger() == Self.ledger(of: moves), "an async projection catches up from the start", sourceLocation: sourceLocation)
        try await readSide.migrate()
        #expect(try await balances() == Self.balances(of: moves), "a second migration changes nothing", sourceLocation: sourceLocation)
    }
}
