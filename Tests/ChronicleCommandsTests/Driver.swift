import Foundation
import TestSupport

/// The databases the commands are run against: SQLite always, PostgreSQL when the test command
/// provides one (`CHRONICLE_POSTGRES_URL`; `CHRONICLE_REQUIRE_POSTGRES` makes its absence fail).
enum Driver: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    /// SQLite, and PostgreSQL when configured or required.
    static var available: [Driver] {
        PostgresTestServer.runsTests ? [.sqlite, .postgres] : [.sqlite]
    }

    var description: String { rawValue }

    /// Runs `body` with the fixture on a fresh database of this driver.
    func withFixture(_ body: (Fixture) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            try await Fixture.withSQLite(body)
        case .postgres:
            try await Fixture.withPostgres(url: try PostgresTestServer.requireURL(), body)
        }
    }
}
