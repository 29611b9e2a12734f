import Foundation

/// The databases the commands are run against: SQLite always, PostgreSQL when the test command
/// provides one (`CHRONICLE_POSTGRES_URL`; `CHRONICLE_REQUIRE_POSTGRES` makes its absence fail).
enum Driver: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    static let postgresURL = ProcessInfo.processInfo.environment["CHRONICLE_POSTGRES_URL"]
    static let postgresRequired = ProcessInfo.processInfo.environment["CHRONICLE_REQUIRE_POSTGRES"] != nil

    /// SQLite, and PostgreSQL when configured or required.
    static var available: [Driver] {
        postgresURL != nil || postgresRequired ? [.sqlite, .postgres] : [.sqlite]
    }

    var description: String { rawValue }

    /// Runs `body` with the fixture on a fresh database of this driver.
    func withFixture(_ body: (Fixture) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            try await Fixture.withSQLite(body)
        case .postgres:
            guard let url = Self.postgresURL else {
                throw FixtureError("CHRONICLE_REQUIRE_POSTGRES is set but CHRONICLE_POSTGRES_URL is not.")
            }
            try await Fixture.withPostgres(url: url, body)
        }
    }
}
