public import ArgumentParser
public import ChronicleCommands
public import ChronicleProjections
import Foundation
import Logging
import MeetingsDomain

/// The app as the Chronicle commands (`migrate`, `rebuild`, `status`, `events`) see it: its
/// database option and its read side.
public struct MeetingsApp: ChronicleApplication, Sendable {
    /// The options every subcommand takes.
    public struct Options: ParsableArguments, Sendable {
        /// `--database-url`: a SQLite file (default `meetings.sqlite`) or a `postgres://` URL;
        /// `DATABASE_URL` when not given.
        @Option(
            name: .customLong("database-url"),
            help: "A SQLite file or a postgres:// URL. Default: $DATABASE_URL, else meetings.sqlite.")
        public var databaseURL: String?

        /// Creates the options with their defaults.
        public init() {}

        /// The database the options name.
        public var url: String {
            databaseURL ?? ProcessInfo.processInfo.environment["DATABASE_URL"] ?? "meetings.sqlite"
        }
    }

    /// The meeting events, which `meetings events catalog` documents.
    public static var eventTypes: [any Event.Type] { MeetingsMasterKey.eventTypes }

    /// The one aggregate, `Meeting`.
    public static var aggregateTypes: [any Aggregate.Type] { [Meeting.self] }

    /// Opens the app for a subcommand; only `migrate` may create the database.
    public static func withApp<Result>(
        _ options: Options, access: DatabaseAccess, _ body: (EventSourcedApp) async throws -> Result
    ) async throws -> Result {
        var logger = Logger(label: "meetings")
        logger.logLevel = .warning
        return try await EventSourcedApp.meetings(url: options.url, creating: access == .setUp, logger: logger, body)
    }
}
