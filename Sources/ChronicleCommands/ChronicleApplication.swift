public import ArgumentParser
public import ChronicleProjections
import ChronicleSQL

/// What an application tells the Chronicle commands: its options and how to open its read side.
///
/// An application conforms once and mounts the commands in its own executable:
///
/// ```swift
/// struct MeetingsApp: ChronicleApplication {
///     struct Options: ParsableArguments {
///         @Option(help: "The SQLite file.") var database = "meetings.sqlite"
///     }
///
///     static func withReadSide<Result>(
///         _ options: Options, access: DatabaseAccess, _ body: (ReadSide) async throws -> Result
///     ) async throws -> Result {
///         let store = try await SQLiteEventStore(
///             configuration: .init(path: options.database, createsFile: access == .setUp))
///         do {
///             let result = try await body(ReadSide(database: store, inline: [MeetingsProjection()]))
///             try await store.close()
///             return result
///         } catch {
///             try? await store.close()
///             throw error
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

    /// Opens the application's store and read side, runs `body` with it, and closes the store.
    ///
    /// A store that needs a running client (PostgreSQL) runs it around `body`.
    ///
    /// - Parameters:
    ///   - options: The command line's options.
    ///   - access: Whether the command sets the database up (and may create it) or needs an
    ///     existing one: never create a database for ``DatabaseAccess/existing``.
    ///   - body: The command's work.
    static func withReadSide<Result>(_ options: Options, access: DatabaseAccess, _ body: (ReadSide) async throws -> Result) async throws -> Result
}

/// What a command needs of the application's database.
public enum DatabaseAccess: Hashable, Sendable {
    /// `migrate`: it sets the database up, and may create it.
    case setUp
    /// Every other command: the database must exist already; a missing one is an error, not a
    /// new empty database.
    case existing
}
