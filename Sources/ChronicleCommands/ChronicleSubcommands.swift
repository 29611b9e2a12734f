public import ArgumentParser
import ChronicleSQL

/// The Chronicle commands an application mounts in its executable.
///
/// | Command | Does | Exit codes |
/// |---|---|---|
/// | `migrate [--upcast <id>]` | applies the store's schema, creates projection tables, registers reactors; rewrites old events | 0, 1 |
/// | `rebuild <projection>… \| --all [--online] [--discard]` | replays the log into projections, reactors off | 0, 1, 64 |
/// | `status [--json]` | checkpoint, lag and last error of each projection and reactor; subjects forgotten, events archived | 0, 3 (something needs attention), 1 |
/// | `events [filters] [--follow] [--json] [--archived]` | lists or tails the log, or lists the archive | 0, 1, 64 |
/// | `projections parked\|retry\|skip` | lists, retries or skips the events projections and reactors went past | 0, 1, 64 |
/// | `forget <subject> [--actor <name>]` | deletes a subject's keys: its encrypted personal data reads as forgotten | 0, 1 |
///
/// Exit code 1 means the operation failed (the message says why, on standard error); 64 means
/// the command line was wrong, such as an unknown projection name.
public enum ChronicleSubcommands: Sendable {
    /// `migrate`, `rebuild`, `status`, `events`, `projections` and `forget` for an application.
    public static func all<App: ChronicleApplication>(for app: App.Type) -> [any ParsableCommand.Type] {
        [
            MigrateCommand<App>.self, RebuildCommand<App>.self, StatusCommand<App>.self, EventsCommand<App>.self, ProjectionsCommand<App>.self,
            ForgetCommand<App>.self,
        ]
    }

    /// Runs an application's own command (a `serve`, say) the way these commands run: a failure
    /// prints one `Error:` line with the error's message (naming the `migrate` command for a
    /// database without the store's schema) and exits with 1.
    ///
    /// ```swift
    /// func run() async throws {
    ///     try await ChronicleSubcommands.reportingFailures { try await serve() }
    /// }
    /// ```
    public static func reportingFailures(_ work: () async throws -> Void) async throws {
        try await CommandOutput.reportingFailures(work)
    }
}
