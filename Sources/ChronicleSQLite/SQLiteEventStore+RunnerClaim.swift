import Chronicle
import Logging

extension SQLiteEventStore {
    /// Claims this SQLite file's projections and reactors for this process: its wake-ups and its
    /// writer connection are the process's own, so a second process would project and react
    /// without them. The claim is an exclusive lock on `<path>-runners.lock`, which the system
    /// lets go when the process ends, however it ends.
    ///
    /// Commands of other processes (a migration, `status`, `forget`) stay possible: they do not
    /// run a read side.
    ///
    /// - Throws: `EventStoreError.Code.inUseByAnotherProcess`, naming the node that runs them.
    public func claimRunners(by node: String) async throws -> (@Sendable () -> Void)? {
        guard try runnerLock.claim(by: node) else {
            configuration.logger.warning(
                "Cannot make the runners' lock file beside the database: a second process's read side would not be refused",
                metadata: ["path": "\(configuration.path)-runners.lock"])
            return nil
        }
        return { [runnerLock] in runnerLock.release() }
    }
}
