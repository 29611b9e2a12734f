public import Chronicle

/// Opens a new, empty store, runs the body with it, and closes it afterwards (also when the
/// body throws).
///
/// Every test helper of this module takes one, so the same checks and scenarios run on any
/// store:
///
/// ```swift
/// let sqlite: StoreScope = { limits, body in
///     let store = try await SQLiteEventStore(configuration: .init(path: temporaryPath(), limits: limits))
///     do { try await body(store) } catch { try await store.close(); throw error }
///     try await store.close()
/// }
/// ```
public typealias StoreScope = @Sendable (
    _ limits: EventLimits, _ body: @Sendable (any EventStore) async throws -> Void
) async throws -> Void

/// A new `InMemoryEventStore` for each run.
public let inMemoryStore: StoreScope = { limits, body in
    try await body(InMemoryEventStore(limits: limits))
}
