import ArgumentParser
import Chronicle
import ChronicleMigrations
import ChronicleProjections
import ChronicleSQL
import Foundation

/// Where the commands write: results to standard output, errors and progress to standard error.
enum CommandOutput {
    /// Writes a line to standard error.
    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Writes a failure to standard error as one line with the prefix ArgumentParser gives its
    /// own errors: `Error: …`.
    static func failure(_ message: String) {
        error("Error: \(message)")
    }

    /// Writes text to standard error as is, for a progress bar redrawn in place.
    static func progress(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Whether standard error is a terminal, where a progress bar can redraw itself.
    static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// The executable's name, as the user typed it: for messages that name a command.
    static var executable: String {
        URL(fileURLWithPath: CommandLine.arguments.first ?? "app").lastPathComponent
    }

    /// Runs a command's work, turning its errors into one `Error:` line (the prefix ArgumentParser gives its own) and an exit code.
    ///
    /// An unknown name exits with 64 (a usage error); any other failure with 1.
    static func reportingFailures(_ work: () async throws -> Void) async throws {
        do {
            try await work()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            Self.failure(describe(error))
            if let error = error as? ReadSideError, error.code == .unknownName { throw ExitCode.validationFailure }
            throw ExitCode.failure
        }
    }

    /// One sentence for an error, without its code's name; a database without the store's
    /// schema is told which command sets it up.
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as EventStoreError where error.code == .notMigrated:
            return namingTheMigrateCommand(error.message)
        case let error as ReadSideError where error.code == .notMigrated:
            return namingTheMigrateCommand(error.message)
        case let error as EventStoreError:
            return error.message
        case let error as ReadSideError:
            return error.message
        case let error as MigrationError:
            return error.description
        default:
            return "\(error)"
        }
    }

    /// "… Migrate it first." as "… Run `meetings migrate` first.".
    private static func namingTheMigrateCommand(_ message: String) -> String {
        let command = "Run `\(executable) migrate` first."
        let library = "Migrate it first."
        return message.hasSuffix(library) ? message.dropLast(library.count) + command : "\(message) \(command)"
    }
}
