public import ArgumentParser
import Chronicle
import ChronicleProjections
import Foundation

/// `rebuild <projection>… | --all [--online] [--discard]`: replays the log into projections,
/// with reactors off.
///
/// Offline, each projection is rebuilt in one transaction: its tables are emptied, its
/// checkpoint reset, and the whole log replayed. Online, the new tables are built beside the
/// live ones, which keep serving, and swapped in once caught up; an interrupted online rebuild
/// resumes where it stopped, or `--discard` drops it. Progress goes to standard error: a bar
/// on a terminal, log lines otherwise.
public struct RebuildCommand<App: ChronicleApplication>: AsyncParsableCommand, Sendable {
    /// The command's name and help.
    public static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "rebuild",
            abstract: "Replay the log into projections, with reactors off.",
            discussion: """
                Offline (the default) rebuilds each projection in one transaction. --online builds \
                beside the live tables and swaps when caught up; running it again resumes an \
                interrupted online rebuild, and --discard drops one.
                """)
    }

    /// The projections to rebuild, in order.
    @Argument(help: "The projections to rebuild.")
    public var projections: [String] = []

    /// Rebuilds every projection.
    @Flag(help: "Rebuild every projection.")
    public var all = false

    /// Builds beside the live tables and swaps them in.
    @Flag(help: "Build beside the live tables and swap them in when caught up (zero downtime).")
    public var online = false

    /// Drops an interrupted online rebuild instead.
    @Flag(help: "Drop an interrupted online rebuild; the live tables stay as they are.")
    public var discard = false

    /// Shows no progress.
    @Flag(help: "Show no progress, only the result.")
    public var quiet = false

    /// The application's options.
    @OptionGroup public var options: App.Options

    /// Creates the command; the argument parser fills in its arguments.
    public init() {}

    /// Refuses contradictory arguments before anything is opened.
    public func validate() throws {
        if all == !projections.isEmpty {
            throw ValidationError(all ? "Name projections or pass --all, not both." : "Name the projections to rebuild, or pass --all.")
        }
        if discard && online {
            throw ValidationError("--discard drops an online rebuild and takes no --online.")
        }
    }

    /// Rebuilds (or discards) each projection in turn and prints what was done.
    public func run() async throws {
        try await CommandOutput.reportingFailures {
            try await App.withReadSide(options, access: .existing) { readSide in
                let names = all ? readSide.projectionNames : projections
                if let unknown = names.first(where: { !readSide.projectionNames.contains($0) }) {
                    throw ReadSideError(
                        code: .unknownName,
                        message: "No projection is named \"\(unknown)\". Known: \(readSide.projectionNames.sorted().joined(separator: ", ")).",
                        name: unknown)
                }
                try await readSide.checkMigrated()
                for name in names {
                    if discard {
                        try await readSide.discardRebuild(name)
                        print("Discarded the online rebuild of \(name); its live tables are unchanged.")
                    } else {
                        try await rebuild(name, in: readSide)
                    }
                }
            }
        }
    }

    private func rebuild(_ name: String, in readSide: ReadSide) async throws {
        let display = ProgressDisplay(style: quiet ? .silent : CommandOutput.standardErrorIsTerminal ? .bar : .lines)
        let started = ContinuousClock.now
        try await readSide.rebuild(name, mode: online ? .online : .offline) { display.report($0) }
        display.finish()
        let elapsed = ContinuousClock.now - started
        let seconds = elapsed.timeInterval
        let events = display.lastReport?.eventsReplayed ?? 0
        print("Rebuilt \(name) \(online ? "online" : "offline"): \(events) events replayed in \(seconds.formatted(.number.precision(.fractionLength(2)))) s.")
    }
}
