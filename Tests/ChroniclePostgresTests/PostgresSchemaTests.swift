import Chronicle
@testable import ChroniclePostgres
import ChronicleProjections
import ChronicleSQL
import Foundation
import Logging
import PostgresNIO
import SQLKit
import Testing

/// Stores in different schemas of one database share its advisory locks' namespace: their
/// projection and migration locks must still not meet.
@Suite(TestDatabase.available)
struct PostgresSchemaTests {
    struct Tick: Event {
        static let eventType = "schema.ticked"
    }

    @Test
    func aProjectionLockedInOneSchemaDoesNotHoldBackAnother() async throws {
        try await TestDatabase.withStore { first in
            try await TestDatabase.withStore { second in
                // The first store's "tally" is locked (as a rebuild locks it) while the second
                // store appends for its own inline "tally". Were the locks shared between
                // schemas, the append would wait for this transaction, which waits for it, until
                // its deadline failed it.
                let appended = try await first.withWriteTransaction(locking: "tally") { _ in
                    try await second.append(
                        [try NewEvent(Tick())], to: StreamName(entityType: "clock", entityID: "c1"), expected: .noEvents,
                        sharingLocksOf: ["tally"]) { _, _ in }
                }
                #expect(appended.version == 1)
            }
        }
    }

    @Test
    func aMigrationInOneSchemaDoesNotHoldBackAnother() async throws {
        try await TestDatabase.withStore { first in
            try await TestDatabase.withStore(migrated: false) { second in
                // The first store holds its schema's migration lock in an open transaction while
                // the second migrates. Were the key the same for every schema, the migration
                // would wait for the transaction to end.
                // (A migration that waited would wait for good; the bound only has to outlast a
                // migration on two cores shared with the rest of the suite.)
                let (migration, finishedWhileHeld) = try await first.withWriteTransaction(locking: PostgresEventStore.migrationLock) { _ in
                    let migration = Task { try await second.migrate() }
                    return (migration, await Self.finishes(migration, within: .seconds(90)))
                }
                let migrated = try await migration.value
                #expect(finishedWhileHeld, "the migration waited for the other schema's lock")
                #expect(!migrated.isEmpty)
            }
        }
    }

    /// Whether a task finishes within a time, without waiting for it longer.
    static func finishes<Success: Sendable>(_ task: Task<Success, any Error>, within limit: Duration) async -> Bool {
        let answer = Once()
        return await withCheckedContinuation { continuation in
            Task {
                _ = await task.result
                answer.resume(continuation, with: true)
            }
            Task {
                try? await Task.sleep(for: limit)
                answer.resume(continuation, with: false)
            }
        }
    }

    /// Resumes a continuation the first time only.
    final class Once: @unchecked Sendable {
        private let lock = NSLock()
        private var resumed = false

        func resume(_ continuation: CheckedContinuation<Bool, Never>, with value: Bool) {
            let first = lock.withLock {
                defer { resumed = true }
                return !resumed
            }
            if first { continuation.resume(returning: value) }
        }
    }
}
