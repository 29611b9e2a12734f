import Chronicle
import ChronicleProjections
import ChronicleSQL
import Foundation
import SQLKit
import Testing

/// The read-side checks of error policies, parked events and operators' retries and skips.
extension ReadSideChecks {
    func stopsAtAFailingEventKeepingTheEventsBefore() async throws {
        let projection = LedgerProjection()
        let readSide = makeReadSide(async: [projection])
        try await readSide.migrate()
        let moves = try await moveMany(12, in: readSide.eventStore)
        let poison = moves[5].position
        await projection.faults.fail(at: poison, times: 1_000)
        try await running(readSide) {
            try await waitUntil("the ledger stopped at event \(poison)") {
                let ledger = try await readSide.status().projections[0]
                return ledger.state == .failing && ledger.errorPosition == poison && ledger.checkpoint == moves[4].position
            }
        }
        #expect(try await ledger() == Self.ledger(of: Array(moves.prefix(5))), "the events before the poison are kept", sourceLocation: sourceLocation)
        #expect(try await readSide.parkedEvents().isEmpty, "stop parks nothing", sourceLocation: sourceLocation)
        let stopped = try await readSide.status().projections[0]
        #expect(stopped.lastError?.contains("failed at position \(poison) on purpose") == true, "\(String(describing: stopped.lastError))", sourceLocation: sourceLocation)
        let readiness = await readSide.readiness(within: .seconds(30))
        #expect(!readiness.isReady && readiness.problems.contains { $0.contains("ledger is failing at event \(poison)") }, "\(readiness.problems)", sourceLocation: sourceLocation)

        let wrong = await #expect(throws: ReadSideError.self, sourceLocation: sourceLocation) {
            try await readSide.skip("ledger", position: moves[7].position, actor: "test:ops")
        }
        #expect(wrong?.code == .eventNotParked, sourceLocation: sourceLocation)
        try await readSide.skip("ledger", position: poison, actor: "test:ops")
        try await running(readSide) { try await waitUntilCaughtUp(readSide, "ledger") }
        #expect(
            try await ledger() == Self.ledger(of: moves.filter { $0.position != poison }), "the runner went on after the skipped event",
            sourceLocation: sourceLocation)
        let skipped = try await readSide.parkedEvents("ledger")
        #expect(skipped.map(\.position) == [poison] && skipped.first?.state == .skipped && skipped.first?.resolvedBy == "test:ops", "\(skipped)", sourceLocation: sourceLocation)
        let status = try await readSide.status().projections[0]
        #expect(status.state == .live && status.skippedEvents == 1 && status.parkedEvents == 0, "\(status)", sourceLocation: sourceLocation)
        #expect(try await actions() == ["skip ledger \(poison) by test:ops: skipped"], sourceLocation: sourceLocation)
    }

    func parksAFailingEventAndGoesOn() async throws {
        let projection = LedgerWith<ParkAfterTwoAttempts>()
        let readSide = makeReadSide(async: [projection])
        try await readSide.migrate()
        let moves = try await moveMany(12, in: readSide.eventStore)
        let poison = moves[4].position
        await projection.faults.duplicate(at: poison)
        try await running(readSide) {
            try await waitUntil("event \(poison) is parked and the ledger caught up") {
                let status = try await readSide.status()
                return status.projections[0].parkedEvents == 1 && status.projections[0].checkpoint == status.head
            }
        }
        #expect(
            try await ledger() == Self.ledger(of: moves.filter { $0.position != poison }), "the events after the parked one are applied",
            sourceLocation: sourceLocation)
        let parked = try #require(try await readSide.parkedEvents("ledger").first, sourceLocation: sourceLocation)
        #expect(parked.position == poison && parked.state == .parked && parked.attempts == 2, "\(parked)", sourceLocation: sourceLocation)
        #expect(parked.eventType == Deposited.eventType || parked.eventType == Withdrawn.eventType, sourceLocation: sourceLocation)
        // The database's own code and message, whichever the database.
        #expect(
            parked.error.contains("23505") || parked.error.contains("SQLITE_CONSTRAINT") || parked.error.contains("constraint"),
            "the parked event's error names the database's refusal: \(parked.error)", sourceLocation: sourceLocation)
        #expect(!parked.error.contains("Generic description"), sourceLocation: sourceLocation)
        var status = try await readSide.status().projections[0]
        #expect(status.state == .degraded && status.parkedEvents == 1, "\(status)", sourceLocation: sourceLocation)
        var readiness = await readSide.readiness(within: .seconds(30))
        #expect(!readiness.isReady && readiness.problems == ["Projection ledger has 1 parked event(s): retry or skip them."], "\(readiness.problems)", sourceLocation: sourceLocation)

        let failed = try await readSide.retryParked("ledger", actor: "test:ops")
        #expect(failed.map(\.position) == [poison] && failed.allSatisfy { !$0.succeeded }, "\(failed)", sourceLocation: sourceLocation)
        #expect(try await readSide.parkedEvents("ledger").first?.attempts == 3, "a failed retry stays parked", sourceLocation: sourceLocation)

        await projection.faults.duplicate(at: nil)
        let retried = try await readSide.retryParked("ledger", position: poison, actor: "test:ops")
        #expect(retried.map(\.position) == [poison] && retried.allSatisfy(\.succeeded), "\(retried)", sourceLocation: sourceLocation)
        #expect(try await ledger() == Self.ledger(of: moves), "the retried event is applied", sourceLocation: sourceLocation)
        #expect(try await readSide.parkedEvents("ledger").first?.state == .retried, sourceLocation: sourceLocation)
        status = try await readSide.status().projections[0]
        #expect(status.state == .live && status.parkedEvents == 0, "\(status)", sourceLocation: sourceLocation)
        readiness = await readSide.readiness(within: .seconds(30))
        #expect(readiness.isReady, "\(readiness.problems)", sourceLocation: sourceLocation)
        let audit = try await actions()
        #expect(audit.count == 2 && audit[0].hasPrefix("retry ledger \(poison) by test:ops: failed: ") && audit[1] == "retry ledger \(poison) by test:ops: retried", "\(audit)", sourceLocation: sourceLocation)
        #expect(try await readSide.retryParked("ledger", actor: "test:ops").isEmpty, "nothing left to retry", sourceLocation: sourceLocation)
    }

    func skipsAFailingEventByPolicy() async throws {
        let projection = LedgerWith<SkipAtOnce>()
        let readSide = makeReadSide(async: [projection])
        try await readSide.migrate()
        let moves = try await moveMany(9, in: readSide.eventStore)
        let poison = moves[2].position
        await projection.faults.fail(at: poison, times: 1_000)
        try await running(readSide) { try await waitUntilCaughtUp(readSide, "ledger") }
        #expect(try await ledger() == Self.ledger(of: moves.filter { $0.position != poison }), sourceLocation: sourceLocation)
        let skipped = try await readSide.parkedEvents("ledger")
        #expect(
            skipped.map(\.position) == [poison] && skipped.first?.state == .skipped && skipped.first?.resolvedBy == "policy"
                && skipped.first?.attempts == 1, "\(skipped)", sourceLocation: sourceLocation)
        let status = try await readSide.status().projections[0]
        #expect(status.state == .live && status.skippedEvents == 1, "a skip by policy does not degrade: \(status)", sourceLocation: sourceLocation)
        #expect(await readSide.readiness(within: .seconds(30)).isReady, sourceLocation: sourceLocation)
    }

    func forgetsAFailureItHasGotPast() async throws {
        let readSide = makeReadSide(async: [LedgerProjection()], reactors: [DepositMailer(log: EffectLog())])
        try await readSide.migrate()
        let moves = try await moveMany(4, in: readSide.eventStore)
        try await running(readSide) {
            try await waitUntil("the ledger and the mailer caught up") {
                let status = try await readSide.status()
                return (status.projections.map(\.checkpoint) + status.reactors.map(\.checkpoint)).allSatisfy { $0 == status.head }
            }
        }
        // Failures recorded with nothing left to apply: by a step that raced with a migration,
        // or by an earlier process.
        try await database.withWriteTransaction(locking: nil) { sql in
            for table in ["chronicle_projections", "chronicle_reactors"] {
                try await sql.raw("UPDATE \(ident: table) SET last_error = 'not migrated', failed_at = 1").run()
            }
        }
        let failing = try await readSide.status()
        #expect(failing.projections[0].state == .failing && failing.reactors[0].state == .failing, "\(failing)", sourceLocation: sourceLocation)
        try await running(readSide) {
            try await waitUntil("the runners forgot the failures they got past") {
                let status = try await readSide.status()
                return status.projections.allSatisfy { $0.state == .live && $0.lastError == nil }
                    && status.reactors.allSatisfy { $0.state == .live && $0.lastError == nil }
            }
        }
        #expect(try await ledger() == Self.ledger(of: moves), sourceLocation: sourceLocation)
        let readiness = await readSide.readiness(within: .seconds(30))
        #expect(readiness.isReady, "\(readiness.problems)", sourceLocation: sourceLocation)
    }

    func parksAFailingReactionAndGoesOn() async throws {
        let log = EffectLog()
        let readSide = makeReadSide(reactors: [DepositMailerWith<ParkAfterTwoAttempts>(log: log)])
        try await readSide.migrate()
        let moves = try await moveMany(12, in: readSide.eventStore)
        let deposits = moves.filter { $0.amount > 0 }
        let poison = deposits[3]
        await log.fail(at: poison.position, times: 1_000)
        try await running(readSide) {
            try await waitUntil("the mailer parked event \(poison.position) and caught up") {
                let status = try await readSide.status()
                return status.reactors[0].parkedEvents == 1 && status.reactors[0].checkpoint == status.head
            }
        }
        #expect(
            await log.effects == Dictionary(uniqueKeysWithValues: deposits.filter { $0.position != poison.position }.map { ($0.eventID, 1) }),
            "every other effect once", sourceLocation: sourceLocation)
        let status = try await readSide.status().reactors[0]
        #expect(status.state == .degraded && status.lastError == nil, "\(status)", sourceLocation: sourceLocation)
        #expect(!(await readSide.readiness(within: .seconds(30)).isReady), sourceLocation: sourceLocation)

        await log.fail(at: poison.position, times: 0)
        #expect(try await readSide.retryParked(DepositMailer.name, actor: "test:ops").allSatisfy(\.succeeded), sourceLocation: sourceLocation)
        #expect(await log.effects[poison.eventID] == 1, "the parked effect is done once, on retry", sourceLocation: sourceLocation)
        #expect(try await readSide.retryParked(DepositMailer.name, actor: "test:ops").isEmpty, sourceLocation: sourceLocation)
        #expect(await log.effects[poison.eventID] == 1, "and not again", sourceLocation: sourceLocation)
        #expect(try await readSide.status().reactors[0].state == .live, sourceLocation: sourceLocation)
    }

    func rebuildsByTheErrorPolicy() async throws {
        let parking = LedgerWith<ParkAfterTwoAttempts>()
        let readSide = makeReadSide(async: [parking])
        try await readSide.migrate()
        let moves = try await moveMany(25, in: readSide.eventStore)
        try await running(readSide) { try await waitUntilCaughtUp(readSide, "ledger") }
        let poison = moves[13].position
        await parking.faults.fail(at: poison, times: 1_000)
        for mode in [RebuildMode.offline, .online] {
            try await readSide.rebuild("ledger", mode: mode)
            #expect(try await ledger() == Self.ledger(of: moves.filter { $0.position != poison }), "\(mode)", sourceLocation: sourceLocation)
            let parked = try await readSide.parkedEvents("ledger")
            #expect(parked.map(\.position) == [poison] && parked.first?.state == .parked, "\(mode): \(parked)", sourceLocation: sourceLocation)
            #expect(try await readSide.status().projections[0].state == .degraded, "\(mode)", sourceLocation: sourceLocation)
        }
        await parking.faults.fail(at: poison, times: 0)
        try await readSide.rebuild("ledger", mode: .online)
        #expect(try await ledger() == Self.ledger(of: moves), sourceLocation: sourceLocation)
        #expect(try await readSide.parkedEvents("ledger").isEmpty, "the rebuilt tables miss nothing", sourceLocation: sourceLocation)

        // Stop: the rebuild fails at the event and leaves the tables as they were.
        let stopping = LedgerProjection()
        let strict = makeReadSide(async: [stopping])
        await stopping.faults.fail(at: poison, times: 1_000)
        for mode in [RebuildMode.offline, .online] {
            let error = await #expect(throws: ReadSideError.self, sourceLocation: sourceLocation) {
                try await strict.rebuild("ledger", mode: mode)
            }
            #expect(error?.code == .handlerFailed && error?.position == poison, "\(mode): \(String(describing: error))", sourceLocation: sourceLocation)
            #expect(try await ledger() == Self.ledger(of: moves), "\(mode): the live tables are untouched", sourceLocation: sourceLocation)
            if mode == .online { try await strict.discardRebuild("ledger") }
        }
    }

    /// The operators' actions, oldest first: `<action> <consumer> <position> by <actor>: <outcome>`.
    func actions() async throws -> [String] {
        try await database.withReadConnection { sql in
            try await sql.raw("SELECT action, consumer, position, actor, outcome FROM chronicle_read_side_actions ORDER BY id").all().map {
                let position = try $0.decode(column: "position", as: Int64?.self).map(String.init) ?? "-"
                return "\(try $0.decode(column: "action", as: String.self)) \(try $0.decode(column: "consumer", as: String.self)) \(position) by \(try $0.decode(column: "actor", as: String.self)): \(try $0.decode(column: "outcome", as: String.self))"
            }
        }
    }
}
