public import ArgumentParser
public import Chronicle
public import ChronicleProjections
import ChronicleSQL

/// What an application tells the Chronicle commands: its options and how to open it.
///
/// An application conforms once and mounts the commands in its own executable:
///
/// ```swift
/// struct MeetingsApp: ChronicleApplication {
///     struct Options: ParsableArguments {
///         @Option(help: "The SQLite file.") var database = "meetings.sqlite"
///     }
///
///     static func withApp<Result>(
///         _ options: Options, access: DatabaseAccess, _ body: (EventSourcedApp) async throws -> Result
///     ) async throws -> Result {
///         let settings = StoreSettings(createsDatabase: access == .setUp)
///         return try await EventSourcedApp.with(url: options.database, drivers: [.sqlite], settings: settings) { store in
///             ReadSide(database: store, inline: [MeetingsProjection()])
///         } _: { app in
///             try await body(app)
///         }
///     }
/// }
///
/// @main
/// struct Meetings: AsyncParsableCommand {
///     static let configuration = CommandConfiguration(
///         subcommands: [Serve.self] + ChronicleSubcommands.all(for: MeetingsApp.self))
/// }
/// ```
public protocol ChronicleApplication {
    /// The options every Chronicle command accepts, such as the database to open.
    associatedtype Options: ParsableArguments & Sendable

    /// Opens the application, runs `body` with it, and closes it (`EventSourcedApp.with`).
    ///
    /// - Parameters:
    ///   - options: The command line's options.
    ///   - access: Whether the command sets the database up (and may create it) or needs an
    ///     existing one: never create a database for ``DatabaseAccess/existing``.
    ///   - body: The command's work.
    static func withApp<Result>(_ options: Options, access: DatabaseAccess, _ body: (EventSourcedApp) async throws -> Result) async throws -> Result

    /// The application's event types, which `events catalog` documents. None by default.
    static var eventTypes: [any Event.Type] { get }

    /// The application's aggregates, which `events catalog` names as the handlers of the event
    /// types they fold. None by default.
    static var aggregateTypes: [any Aggregate.Type] { get }
}

/// What a command needs of the application's database.
public enum DatabaseAccess: Hashable, Sendable {
    /// `migrate`: it sets the database up, and may create it.
    case setUp
    /// Every other command: the database must exist already; a missing one is an error, not a
    /// new empty database.
    case existing
}

extension ChronicleApplication {
    /// No event types: `events catalog` documents none.
    public static var eventTypes: [any Event.Type] { [] }

    /// No aggregates.
    public static var aggregateTypes: [any Aggregate.Type] { [] }

    /// Opens the application for a command that needs only its read side.
    static func withReadSide<Result>(_ options: Options, access: DatabaseAccess, _ body: (ReadSide) async throws -> Result) async throws -> Result {
        try await withApp(options, access: access) { app in try await body(app.readSide) }
    }
}
