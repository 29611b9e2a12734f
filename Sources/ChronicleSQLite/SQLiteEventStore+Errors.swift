import Chronicle
import ChronicleMigrations
import Foundation
import SQLiteNIO

extension SQLiteEventStore {
    /// A SQLite error as the `EventStoreError` it means; other errors pass unchanged.
    ///
    /// - `EventStoreError.Code.unavailable`: the database cannot serve now (a full disk, a
    ///   read-only file or directory, a lock another connection holds, an I/O error, a file that
    ///   cannot be opened), which retrying later can cure;
    /// - `EventStoreError.Code.notMigrated`: the store's tables are missing;
    /// - `EventStoreError.Code.databaseFailure` otherwise, saying so when the store was used
    ///   after ``close()``.
    ///
    /// The message names SQLite's result code and message.
    static func translate(_ error: any Error, stream: StreamName? = nil) -> any Error {
        guard let error = error as? SQLiteError else {
            if error is AsyncLock.TimedOut {
                return EventStoreError.unavailable(
                    "The SQLite writer stayed busy (another write, such as a rebuild, held it) past the store's writer timeout. Nothing was written; retry shortly.")
            }
            return error
        }
        let reason = "\(error.reason)".lowercased()
        if let (code, meaning) = unavailableCodes.first(where: { reason.hasPrefix($0.key) })?.value {
            return EventStoreError(
                code: .unavailable,
                message: "SQLite cannot serve the request: \(meaning) (\(code): \(error.message)). Nothing was written; retry once that is resolved.",
                stream: stream, underlying: error)
        }
        if reason.hasPrefix("misuse") {
            // SQLite's answer to a statement on a closed connection, its one usual cause here.
            return EventStoreError(
                code: .databaseFailure,
                message: "SQLite refused the call as a misuse (SQLITE_MISUSE: \(error.message)), which here means the store was used after it was closed. Nothing was written; use a store only between opening it and close().",
                stream: stream, underlying: error)
        }
        if error.message.contains("no such table: \(StoreSchema.reservedPrefix)") {
            return EventStoreError(
                code: .notMigrated,
                message: "The store's schema is missing from this SQLite file (\(error.message)). Migrate it first.",
                stream: stream, underlying: error)
        }
        return EventStoreError(
            code: .databaseFailure, message: "SQLite error (\(error.reason)): \(error.message).", stream: stream, underlying: error)
    }

    /// The SQLite result codes that mean the database cannot serve now, by the prefix of
    /// SQLiteNIO's reason: the code's name and what it means.
    private static let unavailableCodes: [String: (String, String)] = [
        "full": ("SQLITE_FULL", "the disk is full"),
        "readonly": ("SQLITE_READONLY", "the database is read-only"),
        "busy": ("SQLITE_BUSY", "another connection holds the database's lock"),
        "locked": ("SQLITE_LOCKED", "the database is locked"),
        "ioerror": ("SQLITE_IOERR", "the disk failed to read or write"),
        "cantopen": ("SQLITE_CANTOPEN", "the database file cannot be opened"),
        "nomemory": ("SQLITE_NOMEM", "SQLite ran out of memory"),
        "permission": ("SQLITE_PERM", "access to the database was denied"),
    ]
}
