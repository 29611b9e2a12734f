import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLiteNIO

/// A SQLite connection with a thread of its own, on which all of its calls into SQLite run.
///
/// SQLite's calls block: a write that finds the file locked by another process sleeps in
/// SQLite's busy handler for up to the busy timeout. On a thread pool shared by every
/// connection of the process (SQLiteNIO's default, as many threads as cores), a few such waits
/// would hold up every store of the process, and the waiting store's own reads. With a thread
/// per connection, a waiting writer holds up only the writes behind it, which wait for it anyway:
/// one connection runs one call at a time whatever its threads.
struct DedicatedConnection: Sendable {
    let connection: SQLiteConnection
    private let thread: NIOThreadPool

    /// Opens a connection on a new thread.
    static func open(_ storage: SQLiteConnection.Storage, logger: Logger) async throws -> DedicatedConnection {
        let thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        do {
            let connection = try await SQLiteConnection.open(
                storage: storage, threadPool: thread, logger: logger, on: MultiThreadedEventLoopGroup.singleton.any()
            ).get()
            return DedicatedConnection(connection: connection, thread: thread)
        } catch {
            thread.shutdownGracefully { _ in }
            throw error
        }
    }

    /// Closes the connection. Its thread stays until ``endThread()``, so that a call after
    /// closing gets SQLite's refusal (`SQLITE_MISUSE`), which the store explains, rather than a
    /// call into a thread pool that is gone.
    func close() async throws {
        try await connection.close()
    }

    /// Ends the connection's thread, without waiting for it: once nothing can call the
    /// connection any more.
    func endThread() {
        thread.shutdownGracefully { _ in }
    }
}
