import ArgumentParser
import ChronicleProjections
import Foundation

/// Where the commands write: results to standard output, errors and progress to standard error.
enum CommandOutput {
    /// Writes a line to standard error.
    static func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Writes text to standard error as is, for a progress bar redrawn in place.
    static func progress(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Whether standard error is a terminal, where a progress bar can redraw itself.
    static var standardErrorIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Runs a command's work, turning its errors into a message and an exit code.
    ///
    /// An unknown name exits with 64 (a usage error); any other failure with 1.
    static func reportingFailures(_ work: () async throws -> Void) async throws {
        do {
            try await work()
        } catch let exit as ExitCode {
            throw exit
        } catch let error as ReadSideError where error.code == .unknownName {
            Self.error("error: \(error.message)")
            throw ExitCode.validationFailure
        } catch {
            Self.error("error: \(error)")
            throw ExitCode.failure
        }
    }
}
