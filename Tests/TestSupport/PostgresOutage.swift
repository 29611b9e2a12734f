import Foundation

/// The PostgreSQL cluster the fault tests stop, pause and fill, which the test command starts
/// beside the main one (`start_outage_postgres` in `scripts/lib/postgres.sh`).
public enum PostgresOutage: Sendable {
    /// A URL on the cluster, when there is one.
    public static let url = ProcessInfo.processInfo.environment["CHRONICLE_OUTAGE_POSTGRES_URL"]
    /// The script that controls it.
    static let control = ProcessInfo.processInfo.environment["CHRONICLE_OUTAGE_POSTGRES_CONTROL"]
    /// The operating-system user that owns its files.
    public static let owner = ProcessInfo.processInfo.environment["CHRONICLE_POSTGRES_OWNER"]

    /// Whether the fault tests run: the cluster is there, or PostgreSQL is required.
    public static var runsTests: Bool { url != nil || PostgresTestServer.isRequired }

    /// The cluster's URL.
    ///
    /// - Throws: When PostgreSQL is required but the test command did not start the cluster.
    public static func requireURL() throws -> String {
        guard let url else {
            throw TestSupportError("CHRONICLE_OUTAGE_POSTGRES_URL is not set: run the tests with scripts/test, which starts the fault tests' cluster.")
        }
        return url
    }

    /// Stops the cluster (`pg_ctl stop -m fast`): connections end, new ones are refused.
    public static func stop() async throws { try await run("stop") }
    /// Starts it again.
    public static func start() async throws { try await run("start") }
    /// Freezes its processes (SIGSTOP): connections stay open, nothing answers.
    public static func pause() async throws { try await run("pause") }
    /// Lets its processes run again.
    public static func resume() async throws { try await run("resume") }
    /// Runs one statement as its superuser.
    public static func execute(_ sql: String) async throws { try await run("sql", sql) }

    private static func run(_ arguments: String...) async throws {
        guard let control else { throw TestSupportError("CHRONICLE_OUTAGE_POSTGRES_CONTROL is not set: run the tests with scripts/test.") }
        let run = try await ChildProcess.run(path: control, arguments)
        guard run.status == 0 else { throw TestSupportError("\(control) \(arguments.joined(separator: " ")) failed: \(run)") }
    }
}
