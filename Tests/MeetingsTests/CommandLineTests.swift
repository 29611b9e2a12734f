import Foundation
import TestSupport
import Testing

/// `meetings` as an operator types it, with mistakes: each is one line with one prefix, names
/// what to do, and leaves nothing behind.
@Suite("Meetings: the command line")
struct CommandLineTests {
    @Test func anEmptyDatabaseURLIsRefusedAndCreatesNothing() async throws {
        try await Self.inEmptyDirectory { directory in
            let cases: [([String], [String: String])] = [
                (["migrate", "--database-url", ""], [:]), (["migrate"], ["DATABASE_URL": ""]),
                (["status", "--database-url", "  "], [:]), (["serve", "--database-url", ""], [:]),
            ]
            for (arguments, environment) in cases {
                let run = try await ChildProcess.run("meetings", arguments, environment: environment, in: directory)
                #expect(run.status == 1, "\(arguments) \(environment): \(run)")
                #expect(run.errors == "Error: The database URL is empty: give a SQLite file or a postgres:// URL.\n", "\(arguments): \(run)")
            }
        }
    }

    @Test(arguments: ["99999", "0", "65536"])
    func portsOutsideTheRangeAreRefused(_ port: String) async throws {
        try await Self.inEmptyDirectory { directory in
            // A server that took the port (or another) instead would run on: it is killed.
            let run = try await ChildProcess.run(
                "meetings", ["serve", "--port", port, "--database-url", "m.sqlite"], in: directory, timeout: .seconds(30))
            #expect(run.status == 64, "\(run)")
            #expect(run.errors.hasPrefix("Error: --port takes a port from 1 to 65535, not \(port).\n"), "\(run)")
        }
    }

    @Test func readOnlyCommandsNameTheMigrateCommand() async throws {
        try await Self.inEmptyDirectory { directory in
            for command in [["status"], ["events"], ["rebuild", "--all"], ["projections", "parked"]] {
                let run = try await ChildProcess.run("meetings", command + ["--database-url", "typo.sqlite"], in: directory)
                #expect(run.status == (command == ["status"] ? 3 : 1), "\(command): \(run)")
                #expect(
                    run.errors == "Error: No SQLite database exists at typo.sqlite (and this store does not create one). Run `meetings migrate` first.\n",
                    "\(command): \(run)")
            }
        }
    }

    /// Runs `body` in a new directory, and checks that it is still empty afterwards.
    static func inEmptyDirectory(sourceLocation: SourceLocation = #_sourceLocation, _ body: (URL) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("meetings-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await body(directory)
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(left.isEmpty, "nothing is left behind: \(left)", sourceLocation: sourceLocation)
    }
}
