import Chronicle
import ChronicleProjections
import ChronicleSQL
import Foundation
import Logging
import SQLKit
import Testing

extension ReadSideChecks {
    /// A read side that runs as `node`. Its leases renew often, so that a node standing by tries
    /// often, and last long, so that a heartbeat kept waiting by a busy machine (the checks run
    /// beside many others on two cores) does not lose one: the checks expire leases themselves.
    func makeNode(_ node: String, async: [any Projection] = [], reactors: [any Reactor] = []) -> ReadSide {
        ReadSide(
            database: database, async: async, reactors: reactors,
            configuration: .init(
                batchSize: 7, pollInterval: .milliseconds(50), maximumRetryDelay: .milliseconds(100),
                logger: nodeLogger(),
                node: node, leaseDuration: .seconds(20), leaseRenewal: .milliseconds(200)))
    }

    /// A node's warnings, on standard error with the store's name: a lost lease or a slow
    /// heartbeat in a failed run's output says what the nodes went through.
    func nodeLogger() -> Logger {
        var logger = Logger(label: "chronicle.conformance.\(database.dialect.name)") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        return logger
    }

    /// Sets a lease row as another node would have left it: held by `holder` until `expiresIn`
    /// from now on the database's clock (in the past for a negative one).
    func setLease(_ consumer: String, heldBy holder: String, expiresIn: Duration) async throws {
        let microseconds = expiresIn.components.seconds * 1_000_000 + expiresIn.components.attoseconds / 1_000_000_000_000
        let now = database.dialect.currentMicroseconds
        try await database.withWriteTransaction(locking: nil) { sql in
            try await sql.raw("""
                INSERT INTO chronicle_leases (consumer, partition_number, holder, acquired_at, heartbeat_at, expires_at, failovers)
                VALUES (\(bind: consumer), 0, \(bind: holder), \(now), \(now), \(now) + \(bind: microseconds), 0)
                ON CONFLICT (consumer, partition_number) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                """).run()
        }
    }

    func lease(of name: String, in readSide: ReadSide) async throws -> Lease? {
        let status = try await readSide.status()
        let leases = status.projections.first { $0.name == name }?.leases ?? status.reactors.first { $0.name == name }?.leases
        return leases?.first
    }

    func runsEachConsumerOnOneNode() async throws {
        let (ledgerA, ledgerB) = (LedgerProjection(), LedgerProjection())
        let (mailA, mailB) = (EffectLog(), EffectLog())
        let nodeA = makeNode("node-a", async: [ledgerA], reactors: [DepositMailer(log: mailA)])
        let nodeB = makeNode("node-b", async: [ledgerB], reactors: [DepositMailer(log: mailB)])
        try await nodeA.migrate()
        var moves = try await moveMany(15, in: nodeA.eventStore)
        try await running(nodeA) {
            try await running(nodeB) {
                try await waitUntilCaughtUp(nodeA, "ledger")
                try await waitUntilReactorCaughtUp(nodeA)
                moves += try await moveMany(15, in: nodeB.eventStore)
                try await waitUntilCaughtUp(nodeA, "ledger")
                try await waitUntilReactorCaughtUp(nodeA)
            }
        }
        #expect(try await ledger() == Self.ledger(of: moves), "every event applied once", sourceLocation: sourceLocation)
        let seen = (await ledgerA.faults.seen, await ledgerB.faults.seen)
        #expect(seen.0.isEmpty != seen.1.isEmpty, "one node ran the projection, the other stood by: \(seen)", sourceLocation: sourceLocation)
        let mails = (await mailA.effects, await mailB.effects)
        #expect(mails.0.isEmpty != mails.1.isEmpty, "one node ran the reactor: \(mails)", sourceLocation: sourceLocation)
        let deposits = moves.filter { $0.amount > 0 }
        #expect(mails.0.merging(mails.1, uniquingKeysWith: +) == Dictionary(uniqueKeysWithValues: deposits.map { ($0.eventID, 1) }),
                "each deposit mailed once", sourceLocation: sourceLocation)
        let lease = try #require(try await lease(of: "ledger", in: nodeA), sourceLocation: sourceLocation)
        #expect(lease.holder == nil && lease.failovers == 0, "released on shutdown, never failed over: \(lease)", sourceLocation: sourceLocation)
    }

    func takesOverAnExpiredLease() async throws {
        let nodeB = makeNode("node-b", async: [LedgerProjection()])
        try await nodeB.migrate()
        // A node that died holding the lease: its heartbeats stopped.
        try await setLease("ledger", heldBy: "dead-node", expiresIn: .seconds(3600))
        let moves = try await moveMany(12, in: nodeB.eventStore)
        try await running(nodeB) {
            try await Task.sleep(for: .milliseconds(600))
            #expect(try await ledger().isEmpty, "an unexpired lease of another node is not taken", sourceLocation: sourceLocation)
            #expect(try await lease(of: "ledger", in: nodeB)?.holder == "dead-node", sourceLocation: sourceLocation)
            try await setLease("ledger", heldBy: "dead-node", expiresIn: .milliseconds(-1))
            try await waitUntilCaughtUp(nodeB, "ledger")
            let lease = try #require(try await lease(of: "ledger", in: nodeB), sourceLocation: sourceLocation)
            #expect(lease.holder == "node-b" && lease.failovers == 1, "taken over, and counted: \(lease)", sourceLocation: sourceLocation)
        }
        #expect(try await ledger() == Self.ledger(of: moves), sourceLocation: sourceLocation)
    }

    func commitsNothingUnderALeaseItLost() async throws {
        // Node A renews so seldom that only its batches' own check of the lease can stop it.
        let nodeA = ReadSide(
            database: database, async: [LedgerProjection()],
            configuration: .init(
                batchSize: 7, pollInterval: .milliseconds(50), maximumRetryDelay: .milliseconds(100),
                node: "node-a", leaseDuration: .seconds(60), leaseRenewal: .seconds(30)))
        try await nodeA.migrate()
        let moves = try await moveMany(9, in: nodeA.eventStore)
        try await running(nodeA) {
            try await waitUntilCaughtUp(nodeA, "ledger")
            // Another node took the lease over (node A's heartbeats were late, say).
            try await setLease("ledger", heldBy: "node-c", expiresIn: .seconds(3600))
            let later = try await moveMany(9, in: nodeA.eventStore)
            // PostgreSQL's reader holds events back behind other transactions still open: wait
            // until node A's reads see them, then give its runner (polling every 50 ms) time.
            try await waitUntil("the later events are readable") {
                try await database.readLog(after: moves.last?.position ?? 0, limit: 100).count == later.count
            }
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await ledger() == Self.ledger(of: moves), "nothing applied under another node's lease", sourceLocation: sourceLocation)
            #expect(try await lease(of: "ledger", in: nodeA)?.holder == "node-c", sourceLocation: sourceLocation)
        }
        #expect(try await ledger() == Self.ledger(of: moves), sourceLocation: sourceLocation)
    }
}
