public import ArgumentParser
import ChronicleMigrations
import ChronicleProjections

/// `migrate`: applies the store's pending schema migrations, creates the tables of new
/// projections (building inline ones from the log) and registers new reactors. A second run
/// does nothing and says so.
public struct MigrateCommand<App: ChronicleApplication>: AsyncParsableCommand, Sendable {
    /// The command's name and help.
    public static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "migrate",
            abstract: "Apply the store's schema, create new projections' tables, register new reactors.")
    }

    /// The application's options.
    @OptionGroup public var options: App.Options

    /// Creates the command; the argument parser fills in its options.
    public init() {}

    /// Migrates and prints what was done.
    public func run() async throws {
        try await CommandOutput.reportingFailures {
            let report = try await App.withReadSide(options) { try await $0.migrate() }
            for migration in report.storeMigrations {
                print("Applied store migration \(migration.version) (\(migration.name))")
            }
            for name in report.createdProjections {
                print("Created projection \(name)")
            }
            for reactor in report.registeredReactors {
                print("Registered reactor \(reactor.name) after position \(reactor.position)")
            }
            if report.isEmpty {
                print("Nothing to migrate: the store, projections and reactors are up to date.")
            }
        }
    }
}
