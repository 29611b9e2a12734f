import Foundation
import Logging
import PostgresNIO
import Testing

/// The `chronicle-fixture` executable, run as a user would run an application's commands.
struct Fixture: Sendable {
    /// What one run printed and how it ended.
    struct Run: Sendable, CustomStringConvertible {
        var status: Int32
        var output: String
        var errors: String

        var lines: [String] { output.split(separator: "\n").map(String.init) }
        var description: String { "exit \(status)\n--- stdout\n\(output)--- stderr\n\(errors)" }
    }

    /// The database arguments: a SQLite file, or a PostgreSQL URL and schema.
    let databaseArguments: [String]

    /// Runs the executable with arguments, then the database arguments.
    func run(_ arguments: String...) async throws -> Run {
        try await Self.run(arguments + databaseArguments)
    }

    static func run(_ arguments: [String]) async throws -> Run {
        // Output goes to files: a pipe nobody reads while the child runs could fill and block it.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chronicle-fixture-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outputURL = directory.appendingPathComponent("stdout"), errorsURL = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorsURL.path, contents: nil)
        let output = try FileHandle(forWritingTo: outputURL), errors = try FileHandle(forWritingTo: errorsURL)
        defer {
            try? output.close()
            try? errors.close()
        }

        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = errors
        // Waits without blocking a thread of the tests' shared pool.
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        return Run(
            status: process.terminationStatus, output: try String(contentsOf: outputURL, encoding: .utf8),
            errors: try String(contentsOf: errorsURL, encoding: .utf8))
    }

    /// The fixture, built beside the test bundle.
    static func executable() throws -> URL {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let url = directory.appendingPathComponent("chronicle-fixture")
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw FixtureError("chronicle-fixture is not built at \(url.path): run swift build --build-tests.")
        }
        return url
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
            throw FixtureError("Cannot read the PostgreSQL URL \(url).")
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

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
