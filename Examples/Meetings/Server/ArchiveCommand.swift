public import ArgumentParser
import Chronicle
import ChronicleCommands
import ChronicleProjections
import Foundation
import MeetingsDomain

/// `meetings archive --finished-before DATE`: archives the meetings finished before a date, so
/// that their events leave the log (and the read tables), kept in the archive.
public struct ArchiveCommand: AsyncParsableCommand, Sendable {
    /// The subcommand's name and help.
    public static let configuration = CommandConfiguration(
        commandName: "archive", abstract: "Archive the meetings finished before a date: their events move out of the log.")

    @OptionGroup var options: MeetingsApp.Options

    @Option(
        name: .customLong("finished-before"),
        help: ArgumentHelp("Archive meetings finished before this time: a date (UTC midnight) or an RFC 3339 time.", valueName: "date"))
    var finishedBefore: String

    @Option(help: "Who archives, for the events' metadata. Default: $USER.")
    var actor = ProcessInfo.processInfo.environment["USER"] ?? "operator"

    /// Creates the command with its defaults.
    public init() {}

    /// Refuses a date it cannot read before anything is opened.
    public func validate() throws {
        guard Self.date(finishedBefore) != nil else {
            throw ValidationError("--finished-before takes a date such as 2026-11-30 or an RFC 3339 time, not \(finishedBefore).")
        }
    }

    /// Archives the meetings and says how many.
    public func run() async throws {
        guard let before = Self.date(finishedBefore) else { return }
        try await ChronicleSubcommands.reportingFailures {
            try await MeetingsApp.withApp(options, access: .existing) { app in
                try await app.readSide.checkMigrated()
                let ids = try await MeetingQueries(database: app.store, now: Date.init).finishedMeetings(before: before)
                var events = 0
                for id in ids {
                    events += try await app.archive(StreamName(entityType: Meeting.entityType, entityID: id), by: actor).events
                }
                print("Archived \(ids.count) meeting(s) finished before \(Timestamp.string(before)): \(events) event(s) moved out of the log.")
            }
        }
    }

    /// A date (`2026-11-30`, midnight UTC) or an RFC 3339 time.
    static func date(_ text: String) -> Date? {
        if let time = try? Date(text, strategy: .iso8601) { return time }
        return try? Date(text + "T00:00:00Z", strategy: .iso8601)
    }
}
