import Chronicle
import ChronicleProjections
import Foundation
import HTTPTypes
import Logging
@testable import MeetingsServer
import SQLKit
import TestSupport
import Testing

/// Three `meetings` servers, real processes, on one PostgreSQL database while writers schedule
/// meetings: the node running the notifications reactor (its partition 0, its only one) is
/// killed (SIGKILL), then the next one is frozen (SIGSTOP, as a lost network or a long pause
/// looks to the database) past its lease.
/// Each time another node takes over; in the end every projection equals an offline rebuild and
/// every mail is queued once. The takeover times (from the signal to the new holder's
/// `acquired_at`, both on this machine's clock) are printed, not asserted.
@Suite("Meetings: failover between three nodes")
struct FailoverTests {
    @Test(arguments: Backend.available.filter { $0 == .postgres })
    func anotherNodeTakesOverAndNothingIsLostOrDoneTwice(_ backend: Backend) async throws {
        try await backend.withDatabase { database in
            let migrated = try await ChildProcess.run("meetings", ["migrate", "--database-url", database])
            #expect(migrated.status == 0, "\(migrated)")
            let environment = ["MEETINGS_TOKEN_SECRET": "three nodes share this secret, long enough", "LOG_LEVEL": "warning"]
            let ports = try (0..<3).map { _ in try FreePort.next() }
            let nodes = try ports.map { port in
                try ChildProcess.start("meetings", ["serve", "--database-url", database, "--port", String(port)], environment: environment)
            }
            let usable = UsablePorts(ports)
            var printed: [String] = []
            let leases = try await LeaseReader.open(database)
            do {
                for port in ports { try await TwoProcessTests.waitUntilServing(port) }
                let token = try #require(try await TwoProcessTests.request(ports[0], .post, "/sessions", json: #"{"user_id": 1}"#).json["token"]?.stringValue)
                let progress = ScheduledCount()
                let writers = Task { try await Self.schedule(token: token, on: usable, progress: progress) }

                // The node running the reactor dies.
                let first = try await leases.waitForHolder(other: nil)
                let killed = try #require(Self.node(holding: first.holder, among: nodes))
                usable.remove(ports[killed])
                try await Task.sleep(for: .milliseconds(500))
                let killedAt = Date()
                printed.append("node \(killed) (killed): \(try await nodes[killed].kill())")
                let second = try await leases.waitForHolder(other: first.holder)
                print("Failover after SIGKILL: another node took the notifications reactor over after \(Self.seconds(since: killedAt, to: second.acquiredAt)) s.")

                // The next holder freezes past its lease, then comes back.
                let frozen = try #require(Self.node(holding: second.holder, among: nodes))
                usable.remove(ports[frozen])
                try await Task.sleep(for: .milliseconds(500))
                let frozenAt = Date()
                nodes[frozen].signal(SIGSTOP)
                let third = try await leases.waitForHolder(other: second.holder)
                print("Failover after SIGSTOP: another node took the notifications reactor over after \(Self.seconds(since: frozenAt, to: third.acquiredAt)) s.")
                #expect(third.failovers == 2, "both takeovers counted: \(third)")
                try await Task.sleep(for: .seconds(1))
                nodes[frozen].signal(SIGCONT)
                usable.add(ports[frozen])
                // The writers go on through both failovers, on every node still alive.
                let afterFailovers = progress.count
                let deadline = ContinuousClock.now + .seconds(60)
                while progress.count < afterFailovers + 6 && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(100))
                }
                writers.cancel()
                let scheduled = try await writers.value
                #expect(scheduled.count >= afterFailovers + 6, "meetings were scheduled after both failovers: \(scheduled.count)")
                try await Self.waitUntilCaughtUp(database)
                for (index, node) in nodes.enumerated() where index != killed {
                    printed.append("node \(index): \(try await node.stop())")
                }

                let live = try await TestServer.serve(database) { server in try await RebuildTests.snapshot(server) }
                // A meeting whose reply was lost as its node died is scheduled too: count the rows.
                let (meetings, outbox) = (live["meetings"] ?? [], live["outbox"] ?? [])
                #expect(meetings.count >= scheduled.count)
                #expect(outbox.count == 2 * meetings.count, "each of \(meetings.count) meetings mailed its 2 invitees once: \(outbox.count) mails")
                for title in scheduled {
                    #expect(outbox.filter { $0.contains("Invitation: \(title)") }.count == 2, "\(title) mailed to each invitee once")
                }
                let rebuild = try await ChildProcess.run("meetings", ["rebuild", "--all", "--quiet", "--database-url", database])
                #expect(rebuild.status == 0, "\(rebuild)")
                let rebuilt = try await TestServer.serve(database) { server in try await RebuildTests.snapshot(server) }
                for table in RebuildTests.tables {
                    #expect(rebuilt[table.name] == live[table.name], "\(table.name) as followed equals an offline rebuild")
                }
                try await leases.close()
            } catch {
                try? await leases.close()
                for node in nodes { node.signal(SIGCONT) }
                for node in nodes { printed.append((try? await node.stop()).map { "\($0)" } ?? "") }
                throw TestSupportError("\(error)\nThe nodes printed:\n\(printed.joined(separator: "\n"))")
            }
        }
    }

    /// Schedules meetings through the usable nodes, in turn, until cancelled; returns the titles
    /// of the meetings scheduled (201).
    static func schedule(token: String, on usable: UsablePorts, progress: ScheduledCount) async throws -> [String] {
        var scheduled: [String] = []
        var index = 0
        while !Task.isCancelled {
            index += 1
            let ports = usable.ports
            let starts = RFC3339.string(from: Date().addingTimeInterval(86_400 + Double(index) * 600))
            let title = "Standup \(index) of the failover"
            if let reply = try? await TwoProcessTests.request(
                ports[index % ports.count], .post, "/meetings", token: token,
                json: #"{"title": "\#(title)", "starts_at": "\#(starts)", "invitee_ids": [2, 3]}"#),
                reply.status == .created
            {
                scheduled.append(title)
                progress.count = scheduled.count
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return scheduled
    }

    /// Which of the nodes a lease's holder is: its name ends with the node's process id.
    static func node(holding holder: String?, among nodes: [ChildProcess.Background]) -> Int? {
        guard let holder else { return nil }
        return nodes.firstIndex { holder.hasSuffix("/\($0.processID)") }
    }

    static func seconds(since start: Date, to end: Int64) -> String {
        String(format: "%.2f", Double(end) / 1_000_000 - start.timeIntervalSince1970)
    }

    /// Waits until every consumer has handled the whole log.
    static func waitUntilCaughtUp(_ database: String) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        var last = ""
        while ContinuousClock.now < deadline {
            let run = try await ChildProcess.run("meetings", ["status", "--json", "--database-url", database])
            last = "\(run)"
            // A status that could not read the database (the machine busy with other tests)
            // tells nothing yet: ask again.
            guard run.status == 0 else {
                try await Task.sleep(for: .milliseconds(200))
                continue
            }
            let json = try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any] ?? [:]
            let lags = ((json["projections"] as? [[String: Any]] ?? []) + (json["reactors"] as? [[String: Any]] ?? [])).compactMap { $0["lag"] as? Int }
            if !lags.isEmpty && lags.allSatisfy({ $0 == 0 }) { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw TestSupportError("The read side did not catch up within 60 s: \(last)")
    }
}

/// The lease of the notifications reactor's partition 0 (its only one, unless it is
/// partitioned), read straight from `chronicle_leases`.
struct LeaseReader {
    struct Row: CustomStringConvertible {
        var holder: String?
        var acquiredAt: Int64
        var failovers: Int
        var description: String { "\(holder ?? "nobody") since \(acquiredAt), \(failovers) failover(s)" }
    }

    let app: EventSourcedApp
    let stop: @Sendable () async -> Void

    /// Opens the database as the app does (without running its read side) in a task of its own.
    static func open(_ url: String) async throws -> LeaseReader {
        let (stream, continuation) = AsyncStream<EventSourcedApp>.makeStream()
        let (stopped, stopping) = AsyncStream<Void>.makeStream()
        let task = Task {
            try await EventSourcedApp.meetings(url: url, creating: false, logger: Logger(label: "failover.leases")) { app in
                continuation.yield(app)
                for await _ in stopped {}
            }
        }
        guard let app = await stream.first(where: { _ in true }) else {
            _ = try await task.value
            throw TestSupportError("The database did not open.")
        }
        return LeaseReader(app: app, stop: {
            stopping.finish()
            _ = await task.result
        })
    }

    func close() async throws {
        await stop()
    }

    func current() async throws -> Row? {
        try await app.readSide.database.withReadConnection { sql in
            try await sql.raw("""
                SELECT holder, acquired_at, failovers FROM chronicle_leases WHERE consumer = 'notifications' AND partition_number = 0
                """).first().map {
                Row(
                    holder: try $0.decode(column: "holder", as: String?.self), acquiredAt: try $0.decode(column: "acquired_at", as: Int64.self),
                    failovers: try $0.decode(column: "failovers", as: Int.self))
            }
        }
    }

    /// Waits until a node other than `other` holds the lease.
    func waitForHolder(other: String?) async throws -> Row {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let row = try await current(), let holder = row.holder, holder != other { return row }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestSupportError("No node took the notifications reactor over from \(other ?? "nobody") within 60 s: \(String(describing: try await current())).")
    }
}

/// How many meetings the writers have scheduled so far.
final class ScheduledCount: @unchecked Sendable {
    private let lock = NSLock()
    private var scheduled = 0

    var count: Int {
        get { lock.withLock { scheduled } }
        set { lock.withLock { scheduled = newValue } }
    }
}

/// The ports of the nodes that answer, which the writers use in turn.
final class UsablePorts: @unchecked Sendable {
    private let lock = NSLock()
    private var current: [Int]

    init(_ ports: [Int]) {
        current = ports
    }

    var ports: [Int] { lock.withLock { current } }

    func remove(_ port: Int) {
        lock.withLock { current.removeAll { $0 == port } }
    }

    func add(_ port: Int) {
        lock.withLock { if !current.contains(port) { current.append(port) } }
    }
}
