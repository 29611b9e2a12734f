public import Foundation
import Logging
import PostgresNIO

/// The databases the app is tested on: SQLite always, PostgreSQL when the test command provides
/// one (`CHRONICLE_POSTGRES_URL`; `CHRONICLE_REQUIRE_POSTGRES` makes its absence fail).
public enum Backend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    /// SQLite, and PostgreSQL when configured or required.
    public static var available: [Backend] {
        PostgresTestServer.runsTests ? [.sqlite, .postgres] : [.sqlite]
    }

    public var description: String { rawValue }

    /// Runs `body` with the `--database-url` of a new, empty database, removed afterwards: a
    /// SQLite file in a directory of its own (under `directory`, when given), or a schema of
    /// its own on a PostgreSQL server (the test command's, unless `server` names another).
    public func withDatabase(in directory: URL? = nil, server: String? = nil, _ body: (String) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            let directory = (directory ?? FileManager.default.temporaryDirectory).appendingPathComponent("meetings-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            try await body(directory.appendingPathComponent("meetings.sqlite").path)
        case .postgres:
            let url = try server ?? PostgresTestServer.requireURL()
            guard var components = URLComponents(string: url) else { throw TestSupportError("Cannot read the PostgreSQL URL \(url).") }
            // A schema of its own (cheaper than a database, and no long transaction that would
            // hold back the log readers of the other tests sharing the cluster).
            let schema = "meetings_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            try await Self.administer(url, "CREATE SCHEMA \(schema)")
            components.queryItems = (components.queryItems ?? []) + [URLQueryItem(name: "search_path", value: schema)]
            do {
                try await body(components.string!)
            } catch {
                try? await Self.administer(url, "DROP SCHEMA IF EXISTS \(schema) CASCADE")
                throw error
            }
            try await Self.administer(url, "DROP SCHEMA IF EXISTS \(schema) CASCADE")
        }
    }

    /// Runs one statement on a test server.
    public static func administer(_ url: String, _ statement: String) async throws {
        guard let components = URLComponents(string: url), let host = components.host, let user = components.user else {
            throw TestSupportError("Cannot read the PostgreSQL URL \(url).")
        }
        let logger = Logger(label: "meetings.tests")
        let configuration = PostgresConnection.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: components.password,
            database: components.path.split(separator: "/").first.map(String.init), tls: .disable)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        do {
            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

