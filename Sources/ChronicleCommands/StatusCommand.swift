public import ArgumentParser
import Chronicle
import ChronicleProjections
import Foundation

/// `status [--json]`: each projection's and reactor's checkpoint, lag, state and last error.
///
/// Exits with 0 when every projection and reactor is live, and with 3 when something needs
/// attention (a projection not migrated, needing a rebuild, failing or with parked events; a
/// reactor failing or with parked events), so a deploy script or a health check can act on it.
public struct StatusCommand<App: ChronicleApplication>: AsyncParsableCommand, Sendable {
    /// The command's name and help.
    public static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "status",
            abstract: "Show each projection's and reactor's checkpoint, lag and last error.",
            discussion: "Exits with 3 when a projection or reactor needs attention.")
    }

    /// The exit code when something needs attention.
    public static var needsAttention: ExitCode { ExitCode(3) }

    /// Prints JSON instead of tables.
    @Flag(help: "Print JSON instead of tables.")
    public var json = false

    /// The application's options.
    @OptionGroup public var options: App.Options

    /// Creates the command; the argument parser fills in its options.
    public init() {}

    /// Prints the status and exits with 3 when something needs attention.
    public func run() async throws {
        var healthy = true
        try await CommandOutput.reportingFailures {
            do {
                let (status, retention) = try await App.withApp(options, access: .existing) { app in
                    (try await app.readSide.status(), try await app.store.retentionStatus())
                }
                print(json ? try Self.json(status, retention: retention) : Self.tables(status) + "\n\n" + Self.line(retention))
                healthy = status.problems.isEmpty
            } catch let error as ReadSideError where error.code == .notMigrated {
                CommandOutput.failure(CommandOutput.describe(error))
                healthy = false
            } catch let error as EventStoreError where error.code == .notMigrated {
                CommandOutput.failure(CommandOutput.describe(error))
                healthy = false
            }
        }
        if !healthy { throw Self.needsAttention }
    }

    static func tables(_ status: ReadSideStatus, now: Date = Date()) -> String {
        var projections = TextTable(header: ["PROJECTION", "MODE", "VERSION", "CHECKPOINT", "LAG", "STATE", "PARKED", "LAST ERROR"])
        for projection in status.projections {
            var version = "\(projection.version)"
            if let built = projection.builtVersion, built != projection.version { version += " (built \(built))" }
            var state = projection.state.rawValue
            if let rebuild = projection.rebuildPosition { state += ", online rebuild at \(rebuild)" }
            projections.rows.append([
                projection.name, projection.mode.rawValue, version, text(projection.checkpoint), text(projection.lag), state,
                parked(projection.parkedEvents, skipped: projection.skippedEvents), error(projection.lastError, at: projection.errorPosition),
            ])
        }
        var reactors = TextTable(header: ["REACTOR", "REGISTERED AFTER", "CHECKPOINT", "LAG", "STATE", "PARKED", "LAST ERROR"])
        for reactor in status.reactors {
            reactors.rows.append([
                reactor.name, text(reactor.registeredPosition), text(reactor.checkpoint), text(reactor.lag), reactor.state.rawValue,
                parked(reactor.parkedEvents, skipped: reactor.skippedEvents), error(reactor.lastError, at: reactor.errorPosition),
            ])
        }
        var sections = ["Head position: \(status.head)"]
        if !status.projections.isEmpty { sections.append(projections.rendered) }
        if !status.reactors.isEmpty { sections.append(reactors.rendered) }
        let leases = Self.leases(status, now: now)
        if !leases.rows.isEmpty { sections.append(leases.rendered) }
        return sections.joined(separator: "\n\n")
    }

    /// Which node runs each async projection and reactor, by partition.
    static func leases(_ status: ReadSideStatus, now: Date) -> TextTable {
        var table = TextTable(header: ["RUNS", "PARTITION", "HOLDER", "LEASE", "HEARTBEAT", "FAILOVERS"])
        let consumers = status.projections.map { ($0.name, $0.leases) } + status.reactors.map { ($0.name, $0.leases) }
        for (name, leases) in consumers {
            for lease in leases {
                let state = lease.holder == nil ? "released" : lease.expiresAt < now ? "expired" : "held"
                table.rows.append([
                    name, "\(lease.partition)", lease.holder ?? "-", state,
                    lease.heartbeatAt.formatted(.iso8601), "\(lease.failovers)",
                ])
            }
        }
        return table
    }

    /// `2`, `2 (1 skipped)`, or nothing.
    private static func parked(_ parked: Int, skipped: Int) -> String {
        switch (parked, skipped) {
        case (0, 0): ""
        case (_, 0): "\(parked)"
        default: "\(parked) (\(skipped) skipped)"
        }
    }

    private static func text(_ number: Int64?) -> String {
        number.map(String.init) ?? "-"
    }

    private static func error(_ message: String?, at position: Int64?) -> String {
        guard let message else { return "" }
        let line = message.split(separator: "\n").first.map(String.init) ?? message
        return position.map { "at \($0): \(line)" } ?? line
    }

    /// What the store has forgotten, archived and deleted, in one line.
    static func line(_ retention: RetentionStatus) -> String {
        "Personal data: \(retention.forgottenSubjects) subject(s) forgotten, \(retention.subjectKeys) with a key; "
            + "\(retention.archivedEvents) event(s) of \(retention.archivedEntities) entit\(retention.archivedEntities == 1 ? "y" : "ies") archived; "
            + "\(retention.deletedEntities) entit\(retention.deletedEntities == 1 ? "y" : "ies") deleted."
    }

    /// The status as JSON, with the store's retention counts under `retention`.
    static func json(_ status: ReadSideStatus, retention: RetentionStatus) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(StatusDocument(status: status, retention: retention)), as: UTF8.self)
    }
}

/// The `status --json` document: the read side's status, and the store's retention counts
/// under `retention`.
private struct StatusDocument: Encodable {
    let status: ReadSideStatus
    let retention: RetentionStatus

    enum Key: String, CodingKey { case retention }

    func encode(to encoder: any Encoder) throws {
        try status.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(retention, forKey: .retention)
    }
}
