import Foundation
import Logging
import PostgresNIO
import Testing
import TestSupport

/// The `chronicle-fixture` executable, run as a user would run an application's commands.
struct Fixture: Sendable {
    typealias Run = ChildProcess.Run

    /// The database arguments: a SQLite file, or a PostgreSQL URL and schema.
    let databaseArguments: [String]

    /// Runs the executable with arguments, then the database arguments.
    func run(_ arguments: String...) async throws -> Run {
        try await Self.run(arguments + databaseArguments)
    }

    static func run(_ arguments: [String]) async throws -> Run {
        try await ChildProcess.run("chronicle-fixture", arguments)
    }

    /// Runs `body` with a fixture on a fresh SQLite file.
    static func withSQLite(_ body: (Fixture) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chronicle-commands-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await body(Fixture(databaseArguments: ["--database", directory.appendingPathComponent("fixture.sqlite").path]))
    }

    /// Runs `body` with a fixture in a fresh PostgreSQL schema, dropped afterwards.
    static func withPostgres(url: String, _ body: (Fixture) async throws -> Void) async throws {
        let schema = "commands_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        do {
            try await body(Fixture(databaseArguments: ["--database", url, "--schema", schema]))
        } catch {
            try? await dropSchema(schema, url: url)
            throw error
        }
        try await dropSchema(schema, url: url)
    }

    private static func dropSchema(_ schema: String, url: String) async throws {
        guard let components = URLComponents(string: url), let host = components.host, let user = components.user else {
            throw TestSupportError("Cannot read the PostgreSQL URL \(url).")
        }
        let configuration = PostgresConnection.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: components.password,
            database: components.path.split(separator: "/").first.map(String.init), tls: .disable)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: Logger(label: "chronicle.tests"))
        do {
            try await connection.query("DROP SCHEMA IF EXISTS \(unescaped: schema) CASCADE", logger: Logger(label: "chronicle.tests"))
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}
