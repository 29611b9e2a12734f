public import Chronicle
import ChronicleSQL
import Foundation

extension SQLiteEventStore {
    /// Opens a new, empty store in a file of its own in the temporary directory, runs the body
    /// with it, closes it and deletes the file, also when the body throws.
    ///
    /// It has the shape of `ChronicleTesting`'s `StoreScope`, so scenarios run on SQLite:
    ///
    /// ```swift
    /// try await Scenario(Account.self, in: SQLiteEventStore.withTemporaryStore)
    ///     .given(AccountOpened(holder: "Ada"))
    ///     .when(Deposit(amount: 500))
    ///     .then(MoneyDeposited(amount: 500))
    /// ```
    @Sendable public static func withTemporaryStore(limits: EventLimits, _ body: @Sendable (any EventStore) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chronicle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try await SQLiteEventStore(path: directory.appendingPathComponent("events.sqlite").path, limits: limits)
        try await store.serving { try await body(store) }
    }
}
