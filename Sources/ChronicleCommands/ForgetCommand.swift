public import ArgumentParser
import Chronicle
import ChronicleProjections
import ChronicleSQL
import Foundation

/// `forget <subject>`: deletes a subject's keys, so that every personal field encrypted with
/// them reads as its forgotten value from now on (see `SQLEventStore.forget(subject:by:appending:)`).
///
/// It forgets through the application, so inline projections apply the `SubjectForgotten`
/// event in the same transaction; async projections and reactors apply it as they follow the
/// log. On SQLite, the file is then vacuumed (`SQLEventStore.vacuum()`), so that it keeps
/// nothing of the deleted key; on PostgreSQL, the old row versions stay until `VACUUM`, which
/// is the operator's job.
public struct ForgetCommand<App: ChronicleApplication>: AsyncParsableCommand, Sendable {
    /// The subcommand's name and help.
    public static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "forget",
            abstract: "Forget a subject: delete its keys, so its encrypted personal data reads as forgotten.",
            discussion: "A subject without a key is left alone, and the command says so.")
    }

    /// The subject, as the event types' personal fields name it (a user id, say).
    @Argument(help: "The subject to forget, as the event types' personal fields name it (a user id, say).")
    public var subject: String

    /// Who asks, for the audit.
    @Option(help: "Who asks, for the audit. Default: $USER.")
    public var actor = OperatorName.current

    /// The application's options.
    @OptionGroup public var options: App.Options

    /// Creates the command with its defaults.
    public init() {}

    /// Refuses an empty subject before anything is opened.
    public func validate() throws {
        if subject.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("forget takes a subject, not an empty string.") }
    }

    /// Forgets the subject and prints what was done.
    public func run() async throws {
        try await CommandOutput.reportingFailures {
            try await App.withApp(options, access: .existing) { app in
                try await app.readSide.checkMigrated()
                let report = try await app.forget(subject: subject, by: actor)
                if report.wasKnown { try await app.store.vacuum() }
                print(report.summary)
            }
        }
    }
}
