public import ArgumentParser
import ChronicleCommands
import ChronicleProjections
import Foundation
import Hummingbird
import Logging
import Prometheus

/// `meetings serve` (the default): migrates the database, then serves the API and runs the
/// read side's projections and reactors until SIGINT or SIGTERM.
public struct ServeCommand: AsyncParsableCommand, Sendable {
    /// The subcommand's name and help.
    public static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the meetings API (the default subcommand).")

    @OptionGroup var options: MeetingsApp.Options

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on.")
    var port = 8080

    @Option(help: "A hot standby of the PostgreSQL database, which the read routes read from (with Chronicle-Min-Position, once it has replayed that far); commands always read from the database.")
    var replicaURL: String?

    @Flag(help: "Also serve GET /ceiling/static and GET /ceiling/meetings/{id}: the HTTP stack's own ceiling, which scripts/load-meetings measures beside the API.")
    var ceilingRoutes = false

    /// Creates the command with its defaults.
    public init() {}

    /// Refuses a port outside 1–65535 before anything is opened.
    public func validate() throws {
        guard (1...65_535).contains(port) else { throw ValidationError("--port takes a port from 1 to 65535, not \(port).") }
    }

    /// Serves until stopped.
    public func run() async throws {
        try await ChronicleSubcommands.reportingFailures { try await serve() }
    }

    private func serve() async throws {
        var logger = Logger(label: "meetings")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let metrics = PrometheusCollectorRegistry()
        try await EventSourcedApp.meetings(
            url: options.url, replicaURL: replicaURL, logger: logger, metrics: PrometheusMetricsFactory(registry: metrics)
        ) { app in
            let tokens = await Self.tokens(logger: logger)
            let migration = try await app.migrate()
            if !migration.isEmpty {
                logger.info("Migrated the database", metadata: [
                    "store_migrations": "\(migration.storeMigrations.count)", "created_projections": "\(migration.createdProjections)",
                ])
            }
            let server = MeetingsServer.application(
                api: MeetingsAPI(app: app, tokens: tokens, metrics: metrics), host: host, port: port, logger: logger, ceilingRoutes: ceilingRoutes,
                services: try Observability.services(logger: logger))
            try await server.runService()
        }
    }

    /// The token scheme: signed with `MEETINGS_TOKEN_SECRET`, or with a secret made up now,
    /// whose tokens end with the process.
    static func tokens(logger: Logger) async -> SessionTokens {
        if let secret = ProcessInfo.processInfo.environment["MEETINGS_TOKEN_SECRET"], secret.utf8.count >= 32 {
            return await SessionTokens(secret: Data(secret.utf8))
        }
        logger.warning("MEETINGS_TOKEN_SECRET is not set (or shorter than 32 bytes): signing tokens with a random secret; they stop working when the server stops.")
        return await SessionTokens.random()
    }
}
