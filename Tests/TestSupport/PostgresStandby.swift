import Foundation

/// A PostgreSQL primary and its hot standby (made with `pg_basebackup -R`), which the test
/// command starts for the replica tests apart from the main cluster
/// (`start_replicated_postgres` in `scripts/lib/postgres.sh`).
public enum PostgresStandby: Sendable {
    /// A URL on the primary, when there is one.
    public static let primaryURL = ProcessInfo.processInfo.environment["CHRONICLE_REPLICATED_POSTGRES_URL"]
    /// A URL on the standby, when there is one.
    public static let standbyURL = ProcessInfo.processInfo.environment["CHRONICLE_STANDBY_POSTGRES_URL"]
    /// The script that stops and starts the standby.
    static let control = ProcessInfo.processInfo.environment["CHRONICLE_STANDBY_POSTGRES_CONTROL"]

    /// Whether the replica tests run: the pair is there, or PostgreSQL is required.
    public static var runsTests: Bool { (primaryURL != nil && standbyURL != nil) || PostgresTestServer.isRequired }

    /// The primary's and the standby's URLs.
    ///
    /// - Throws: When PostgreSQL is required but the test command did not start the pair.
    public static func requireURLs() throws -> (primary: String, standby: String) {
        guard let primaryURL, let standbyURL else {
            throw TestSupportError(
                "CHRONICLE_REPLICATED_POSTGRES_URL and CHRONICLE_STANDBY_POSTGRES_URL are not set: run the tests with scripts/test, which starts the primary and its standby.")
        }
        return (primaryURL, standbyURL)
    }

    /// Stops the standby (`pg_ctl stop -m fast`): its connections end, new ones are refused.
    public static func stop() async throws { try await run("stop") }
    /// Starts it again: it goes on replaying from where it stopped.
    public static func start() async throws { try await run("start") }

    private static func run(_ argument: String) async throws {
        guard let control else { throw TestSupportError("CHRONICLE_STANDBY_POSTGRES_CONTROL is not set: run the tests with scripts/test.") }
        let run = try await ChildProcess.run(path: control, [argument])
        guard run.status == 0 else { throw TestSupportError("\(control) \(argument) failed: \(run)") }
    }
}
