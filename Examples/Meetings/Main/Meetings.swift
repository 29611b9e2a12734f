import ArgumentParser
import ChronicleCommands
import MeetingsServer

/// `meetings`: the sample app. `serve` (the default) runs the HTTP API; `archive` archives
/// finished meetings; `migrate`, `rebuild`, `status`, `events`, `projections` and `forget` are
/// Chronicle's commands over the same database.
@main
struct Meetings: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meetings",
        abstract: "Schedule meetings over HTTP, on Chronicle.",
        subcommands: [ServeCommand.self, ArchiveCommand.self] + ChronicleSubcommands.all(for: MeetingsApp.self),
        defaultSubcommand: ServeCommand.self)
}
