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
        let outputPath = directory.appendingPathComponent("stdout").path, errorsPath = directory.appendingPathComponent("stderr").path

        let pid = try spawn(try executable().path, arguments, output: outputPath, errors: errorsPath)
        let status = await exitStatus(of: pid)
        return Run(
            status: status, output: try String(contentsOfFile: outputPath, encoding: .utf8),
            errors: try String(contentsOfFile: errorsPath, encoding: .utf8))
    }

    /// Starts the executable with its standard output and error going to files.
    ///
    /// `posix_spawn` and `waitpid` rather than Foundation's `Process`, whose termination handler
    /// was seen never to fire while other tests ran in parallel.
    private static func spawn(_ executable: String, _ arguments: [String], output: String, errors: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let environment = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            environment.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv, environment)
        guard result == 0 else { throw FixtureError("Cannot start \(executable): \(String(cString: strerror(result))).") }
        return pid
    }

    /// Waits for a child on a thread of its own, off the tests' shared pool: its exit code, or
    /// 128 plus the signal that ended it.
    private static func exitStatus(of pid: pid_t) async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                let signal = status & 0x7f
                continuation.resume(returning: signal == 0 ? (status >> 8) & 0xff : 128 + signal)
            }
        }
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
