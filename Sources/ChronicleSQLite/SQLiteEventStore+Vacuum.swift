import Chronicle
import SQLiteNIO

extension SQLiteEventStore {
    /// Rewrites the database file without the space that deleted and overwritten rows left, and
    /// empties the write-ahead log: afterwards, the file holds nothing of what was deleted.
    ///
    /// SQLite keeps a deleted row's bytes in free pages, and older page versions in the
    /// write-ahead log (`<path>-wal`), until they are reused. After forgetting a subject or
    /// masking, run `vacuum()` so that the file holds nothing of the forgotten key or the
    /// masked values. It takes the writer for as long as it rewrites the file.
    public func vacuum() async throws {
        do {
            try await writeLock.withLock(waitingAtMost: configuration.writerTimeout) {
                try await self.writer.runTransactionStatement("VACUUM")
                try await self.writer.runTransactionStatement("PRAGMA wal_checkpoint(TRUNCATE)")
            }
        } catch {
            throw Self.translate(error)
        }
    }
}
