public import Chronicle

/// Opens a new, empty store, runs the body with it, and closes it afterwards (also when the
/// body throws).
///
/// Every test helper of this module takes one, so the same checks and scenarios run on any
/// store:
///
/// ```swift
/// try await Scenario(Account.self, in: SQLiteEventStore.withTemporaryStore)   // ChronicleSQLite's
///     .given(AccountOpened(holder: "Ada"))
///     .when(Deposit(amount: 500))
///     .then(MoneyDeposited(amount: 500))
/// ```
///
/// ``inMemoryStore`` is the default; `SQLiteEventStore.withTemporaryStore` (in `ChronicleSQLite`,
/// so that this module needs no SQL) runs the same scenario on a SQLite file. Write your own for
/// another store: open it, run the body, close it on every way out.
public typealias StoreScope = @Sendable (
    _ limits: EventLimits, _ body: @Sendable (any EventStore) async throws -> Void
) async throws -> Void

/// A new `InMemoryEventStore` for each run.
public let inMemoryStore: StoreScope = { limits, body in
    try await body(InMemoryEventStore(limits: limits))
}
