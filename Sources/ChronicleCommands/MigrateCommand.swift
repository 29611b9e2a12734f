public import ArgumentParser
import Chronicle
import ChronicleMigrations
import ChronicleProjections
import ChronicleSQL

/// `migrate [--upcast <migration-id>]`: applies the store's pending schema migrations, creates
/// the tables of new projections (building inline ones from the log) and registers new
/// reactors; with `--upcast`, then rewrites stored events to their current versions. A second
/// run does nothing and says so.
public struct MigrateCommand<App: ChronicleApplication>: AsyncParsableCommand, Sendable {
    /// The command's name and help.
    public static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "migrate",
            abstract: "Apply the store's schema, create new projections' tables, register new reactors.")
    }

    /// The id of an upcasting migration to run after the schema.
    @Option(
        name: .customLong("upcast"),
        help: ArgumentHelp(
            "Then rewrite stored events to their current versions, as the upcasting migration with this id (resumes; runs once).",
            valueName: "migration-id"))
    public var upcastMigration: String?

    /// The application's options.
    @OptionGroup public var options: App.Options

    /// Creates the command; the argument parser fills in its options.
    public init() {}

    /// Migrates and prints what was done.
    public func run() async throws {
        try await CommandOutput.reportingFailures {
            let (report, upcast) = try await App.withApp(options, access: .setUp) { app in
                let known = app.readSide.upcastMigrations
                if let id = upcastMigration, !known.contains(id) {
                    throw ReadSideError(
                        code: .unknownName,
                        message: "No upcasting migration is named \"\(id)\". Known: \(known.isEmpty ? "none" : known.joined(separator: ", ")).",
                        name: id)
                }
                let report = try await app.migrate()
                guard let id = upcastMigration else { return (report, nil as UpcastMigrationReport?) }
                return (report, try await app.store.runUpcastMigration(id))
            }
            for migration in report.storeMigrations {
                print("Applied store migration \(migration.version) (\(migration.name))")
            }
            for migration in report.applicationMigrations {
                print("Applied migration \(migration.version) (\(migration.name))")
            }
            for name in report.createdProjections {
                print("Created projection \(name)")
            }
            for reactor in report.registeredReactors {
                print("Registered reactor \(reactor.name) after position \(reactor.position)")
            }
            if report.isEmpty && upcast == nil {
                print("Nothing to migrate: the store, projections and reactors are up to date.")
            }
            if let upcast {
                if upcast.wasFinished {
                    print("Upcasting migration \(upcast.id) finished before: nothing to rewrite.")
                } else {
                    print(
                        "Upcasting migration \(upcast.id): rewrote \(upcast.rewritten) events; \(upcast.splitsLeft) split events left as stored"
                            + (upcast.encryptedLeft > 0 ? "; \(upcast.encryptedLeft) events with encrypted fields left as stored." : "."))
                }
            }
        }
    }
}
