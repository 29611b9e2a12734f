import Chronicle
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The claim of one process to run read sides on a SQLite file: an exclusive `flock` on the
/// file `<database>-runners.lock` beside it, which the system lets go when the process ends,
/// however it ends. The file holds the name of the node that has it, for the refusal's message.
///
/// Read sides of one store share the claim; the lock is let go when the last of them stops.
final class RunnerLock: @unchecked Sendable {
    private let path: String
    private let lock = NSLock()
    private var descriptor: Int32 = -1
    private var claims = 0

    init(database: String) {
        path = database + "-runners.lock"
    }

    /// Takes the claim for `node`, or joins this store's.
    ///
    /// - Throws: `EventStoreError.Code.inUseByAnotherProcess` when another process has it.
    /// - Returns: `false` when the lock file cannot be made (a read-only directory): the read
    ///   side then runs without the claim.
    func claim(by node: String) throws -> Bool {
        try lock.withLock {
            if claims > 0 {
                claims += 1
                return true
            }
            let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { return false }
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
                let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                close(descriptor)
                throw EventStoreError(
                    code: .inUseByAnotherProcess,
                    message: "Another process (\(holder.isEmpty ? "unknown" : holder)) runs the projections and reactors of the SQLite database "
                        + "\(path.dropLast("-runners.lock".count)). A SQLite database serves one process: run one server per file, "
                        + "or use PostgreSQL for several nodes.")
            }
            let text = Array("\(node), since \(Date().formatted(.iso8601))\n".utf8)
            _ = ftruncate(descriptor, 0)
            _ = text.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
            self.descriptor = descriptor
            claims = 1
            return true
        }
    }

    /// Gives back one claim; the last one lets the lock go.
    func release() {
        lock.withLock {
            claims -= 1
            guard claims == 0 else { return }
            _ = flock(descriptor, LOCK_UN)
            close(descriptor)
            descriptor = -1
        }
    }
}
