public import ArgumentParser
import Chronicle
import ChronicleProjections
import Foundation

/// `projections parked|retry|skip`: what an operator does about events projections and
/// reactors could not handle. Every retry and skip is recorded, with who did it, in
/// `chronicle_read_side_actions`.
///
/// ```sh
/// $ meetings projections parked
/// $ meetings projections retry activity                # every parked event, and where it is stopped
/// $ meetings projections retry notifications --event 42
/// $ meetings projections skip activity --event 42
/// ```
public struct ProjectionsCommand<App: ChronicleApplication>: AsyncParsableCommand, Sendable {
    /// The command's name, help and subcommands.
    public static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "projections",
            abstract: "List, retry or skip the events projections and reactors could not handle.",
            subcommands: [ParkedCommand<App>.self, RetryCommand<App>.self, SkipCommand<App>.self])
    }

    /// Creates the command.
    public init() {}
}

/// `projections parked [<name>]`: the events projections and reactors went past.
public struct ParkedCommand<App: ChronicleApplication>: AsyncParsableCommand, Sendable {
    /// The command's name and help.
    public static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "parked", abstract: "List the events projections and reactors went past.")
    }

    /// The projection or reactor; all when not given.
    @Argument(help: "A projection or reactor; every one when not given.")
    public var name: String?

    /// The application's options.
    @OptionGroup public var options: App.Options

    /// Creates the command; the argument parser fills in its options.
    public init() {}

    /// Prints one line per event: consumer, position, state, attempts, type, entity, error.
    public func run() async throws {
        try await CommandOutput.reportingFailures {
            let parked = try await App.withReadSide(options, access: .existing) { readSide in
                try await readSide.parkedEvents(name)
            }
            var table = TextTable(header: ["CONSUMER", "POSITION", "STATE", "ATTEMPTS", "EVENT", "ENTITY", "ERROR"])
            for event in parked {
                let state = event.resolvedBy.map { "\(event.state.rawValue) by \($0)" } ?? event.state.rawValue
                table.rows.append([
                    event.consumer, "\(event.position)", state, "\(event.attempts)", event.eventType, "\(event.stream)",
                    event.error.split(separator: "\n").first.map(String.init) ?? "",
                ])
            }
            print(parked.isEmpty ? "No parked or skipped events." : table.rendered)
        }
    }
}

/// `projections retry <name> [--event N]`: applies parked events again, now.
public struct RetryCommand<App: ChronicleApplication>: AsyncParsableCommand, Sendable {
    /// The command's name and help.
    public static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "retry",
            abstract: "Retry parked events of a projection or reactor (and the event it is stopped at).",
            discussion: "Exits with 1 when an event fails again; it stays parked.")
    }

    /// The projection or reactor.
    @Argument(help: "The projection or reactor.")
    public var name: String

    /// One event to retry.
    @Option(name: .customLong("event"), help: "The position of one event to retry; every parked one when not given.")
    public var position: Int64?

    /// Who retries, for the audit.
    @Option(help: "Who retries, for the audit. Default: $USER.")
    public var actor = OperatorName.current

    /// The application's options.
    @OptionGroup public var options: App.Options

    /// Creates the command; the argument parser fills in its options.
    public init() {}

    /// Retries and prints what became of each event.
    public func run() async throws {
        var failed = false
        try await CommandOutput.reportingFailures {
            let outcomes = try await App.withReadSide(options, access: .existing) { readSide in
                try await readSide.retryParked(name, position: position, actor: actor)
            }
            if outcomes.isEmpty { print("Nothing to retry: \(name) has no parked events and is not stopped.") }
            for outcome in outcomes {
                if let error = outcome.error {
                    CommandOutput.failure("event \(outcome.position) failed again and stays parked: \(error)")
                    failed = true
                } else {
                    print("Retried event \(outcome.position) of \(name).")
                }
            }
        }
        if failed { throw ExitCode.failure }
    }
}

/// `projections skip <name> --event N`: goes past an event for good.
public struct SkipCommand<App: ChronicleApplication>: AsyncParsableCommand, Sendable {
    /// The command's name and help.
    public static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "skip",
            abstract: "Skip a parked event of a projection or reactor, or the event it is stopped at.")
    }

    /// The projection or reactor.
    @Argument(help: "The projection or reactor.")
    public var name: String

    /// The event to skip.
    @Option(name: .customLong("event"), help: "The position of the event to skip.")
    public var position: Int64

    /// Who skips, for the audit.
    @Option(help: "Who skips, for the audit. Default: $USER.")
    public var actor = OperatorName.current

    /// The application's options.
    @OptionGroup public var options: App.Options

    /// Creates the command; the argument parser fills in its options.
    public init() {}

    /// Skips and says so.
    public func run() async throws {
        try await CommandOutput.reportingFailures {
            try await App.withReadSide(options, access: .existing) { readSide in
                try await readSide.skip(name, position: position, actor: actor)
            }
            print("Skipped event \(position) of \(name).")
        }
    }
}

/// Who runs an operator's command, for the audit: the login name.
enum OperatorName {
    static var current: String {
        let environment = ProcessInfo.processInfo.environment
        return environment["USER"] ?? environment["LOGNAME"] ?? "operator"
    }
}
