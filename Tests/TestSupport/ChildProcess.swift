public import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An executable of this package, run as a user would run it, for the tests of commands.
public enum ChildProcess: Sendable {
    /// What one run printed and how it ended.
    public struct Run: Sendable, CustomStringConvertible {
        /// The exit code, or 128 plus the signal that ended the process.
        public var status: Int32
        /// The standard output.
        public var output: String
        /// The standard error.
        public var errors: String

        /// The standard output's lines.
        public var lines: [String] { output.split(separator: "\n").map(String.init) }
        public var description: String { "exit \(status)\n--- stdout\n\(output)--- stderr\n\(errors)" }
    }

    /// Runs an executable built beside the test bundle until it exits (or is killed after
    /// `timeout`), in the tests' working directory or another.
    public static func run(
        _ name: String, _ arguments: [String], environment: [String: String] = [:], in workingDirectory: URL? = nil,
        timeout: Duration = .seconds(300)
    ) async throws -> Run {
        try await run(path: try executable(name).path, arguments, environment: environment, in: workingDirectory, timeout: timeout)
    }

    /// Runs an executable at a path until it exits, or kills it (SIGKILL: status 137) after
    /// `timeout`.
    public static func run(
        path: String, _ arguments: [String], environment: [String: String] = [:], in workingDirectory: URL? = nil,
        timeout: Duration = .seconds(300)
    ) async throws -> Run {
        // Output goes to files: a pipe nobody reads while the child runs could fill and block it.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chronicle-process-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outputPath = directory.appendingPathComponent("stdout").path, errorsPath = directory.appendingPathComponent("stderr").path

        let pid = try spawn(
            path, arguments, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
            output: outputPath, errors: errorsPath, workingDirectory: workingDirectory?.path)
        let killer = Task {
            try await Task.sleep(for: timeout)
            kill(pid, SIGKILL)
        }
        let status = await exitStatus(of: pid)
        killer.cancel()
        return Run(
            status: status, output: try String(contentsOfFile: outputPath, encoding: .utf8),
            errors: try String(contentsOfFile: errorsPath, encoding: .utf8))
    }

    /// An executable of this package started in the background, such as a server; ``stop()``
    /// ends it with SIGTERM (or SIGKILL after 10 s) and returns what it printed.
    public final class Background: @unchecked Sendable {
        let pid: pid_t
        let directory: URL

        init(pid: pid_t, directory: URL) {
            self.pid = pid
            self.directory = directory
        }

        /// Kills the process at once (SIGKILL), as a crash or `kill -9` would, and returns what
        /// it printed.
        @discardableResult
        public func kill() async throws -> Run {
            Glibc.kill(pid, SIGKILL)
            let status = await ChildProcess.exitStatus(of: pid)
            return finished(status: status)
        }

        /// What the ended process printed; its output files are removed.
        private func finished(status: Int32) -> Run {
            defer { try? FileManager.default.removeItem(at: directory) }
            return Run(
                status: status,
                output: (try? String(contentsOf: directory.appendingPathComponent("stdout"), encoding: .utf8)) ?? "",
                errors: (try? String(contentsOf: directory.appendingPathComponent("stderr"), encoding: .utf8)) ?? "")
        }

        /// The process's id.
        public var processID: Int32 { pid }

        /// Sends the process a signal: `SIGSTOP` freezes it (as a long pause or a lost network
        /// would, to the database), `SIGCONT` lets it go on.
        public func signal(_ signal: Int32) {
            Glibc.kill(pid, signal)
        }

        /// Waits until the process ends by itself and returns how it ended and what it printed.
        @discardableResult
        public func wait() async throws -> Run {
            let status = await ChildProcess.exitStatus(of: pid)
            return finished(status: status)
        }

        /// Ends the process and returns how it ended and what it printed.
        @discardableResult
        public func stop() async throws -> Run {
            Glibc.kill(pid, SIGTERM)
            let killer = Task {
                try await Task.sleep(for: .seconds(10))
                Glibc.kill(pid, SIGKILL)
            }
            let status = await ChildProcess.exitStatus(of: pid)
            killer.cancel()
            return finished(status: status)
        }
    }

    /// Starts an executable built beside the test bundle and leaves it running.
    public static func start(_ name: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Background {
        try start(program: try executable(name).path, arguments, environment: environment)
    }

    /// Starts a program at a path (`/usr/bin/chromedriver`, say) and leaves it running.
    public static func start(program path: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Background {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chronicle-process-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let pid = try spawn(
            path, arguments, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
            output: directory.appendingPathComponent("stdout").path, errors: directory.appendingPathComponent("stderr").path)
        return Background(pid: pid, directory: directory)
    }

    /// Starts the executable with its standard output and error going to files.
    ///
    /// `posix_spawn` and `waitpid` rather than Foundation's `Process`, whose termination handler
    /// was seen never to fire while other tests ran in parallel.
    private static func spawn(
        _ executable: String, _ arguments: [String], environment: [String: String], output: String, errors: String,
        workingDirectory: String? = nil
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // The tests' own sockets and files stay with them: a server started here (a restarted
        // PostgreSQL, say) would otherwise hold them open for as long as it runs.
        try closeFrom(3, in: &actions)
        if let workingDirectory {
            try changeDirectory(to: workingDirectory, in: &actions)
        }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let environment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            environment.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv, environment)
        guard result == 0 else { throw TestSupportError("Cannot start \(executable): \(String(cString: strerror(result))).") }
        return pid
    }

    /// Adds glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which Swift's
    /// Glibc module does not export, looked up at run time.
    private static func closeFrom(_ descriptor: Int32, in actions: inout posix_spawn_file_actions_t) throws {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else {
            throw TestSupportError("This C library lacks posix_spawn_file_actions_addclosefrom_np (glibc 2.34 or later).")
        }
        let result = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, descriptor)
        guard result == 0 else { throw TestSupportError("Cannot close inherited files: \(String(cString: strerror(result))).") }
    }

    /// Adds glibc's `posix_spawn_file_actions_addchdir_np` (2.29 and later), looked up at run
    /// time like ``closeFrom(_:in:)``.
    private static func changeDirectory(to path: String, in actions: inout posix_spawn_file_actions_t) throws {
        typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addchdir_np") else {
            throw TestSupportError("This C library lacks posix_spawn_file_actions_addchdir_np (glibc 2.29 or later).")
        }
        let result = path.withCString { unsafeBitCast(symbol, to: ChangeDirectory.self)(&actions, $0) }
        guard result == 0 else { throw TestSupportError("Cannot run in \(path): \(String(cString: strerror(result))).") }
    }

    /// Waits for a child on a thread of its own, off the tests' shared pool: its exit code, or
    /// 128 plus the signal that ended it.
    static func exitStatus(of pid: pid_t) async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                let signal = status & 0x7f
                continuation.resume(returning: signal == 0 ? (status >> 8) & 0xff : 128 + signal)
            }
        }
    }

    /// An executable built beside the test bundle.
    public static func executable(_ name: String) throws -> URL {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let url = directory.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw TestSupportError("\(name) is not built at \(url.path): run swift build --build-tests.")
        }
        return url
    }
}

/// A test's setup went wrong.
public struct TestSupportError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
