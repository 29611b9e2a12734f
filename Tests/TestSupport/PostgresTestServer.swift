import Foundation

/// The PostgreSQL server the test command provides: `CHRONICLE_POSTGRES_URL`, and
/// `CHRONICLE_REQUIRE_POSTGRES` to make its absence a failure instead of a skip.
public enum PostgresTestServer: Sendable {
    /// The server's URL, when there is one.
    public static let url = ProcessInfo.processInfo.environment["CHRONICLE_POSTGRES_URL"]
    /// Whether the tests must run against PostgreSQL.
    public static let isRequired = ProcessInfo.processInfo.environment["CHRONICLE_REQUIRE_POSTGRES"] != nil
    /// Whether PostgreSQL tests run: a server is configured or required.
    public static var runsTests: Bool { url != nil || isRequired }

    /// The server's URL.
    ///
    /// - Throws: When PostgreSQL is required but no URL is set.
    public static func requireURL() throws -> String {
        guard let url else { throw TestSupportError("CHRONICLE_REQUIRE_POSTGRES is set but CHRONICLE_POSTGRES_URL is not.") }
        return url
    }
}
