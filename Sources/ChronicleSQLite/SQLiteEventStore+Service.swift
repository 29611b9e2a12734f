public import ServiceLifecycle

extension SQLiteEventStore: Service {
    /// Keeps the store open while its service group runs, and closes it when the group shuts
    /// down gracefully or this task is cancelled: the store is then closed on every way out,
    /// also when another service fails.
    ///
    /// A service group shuts its services down in reverse order, one after the other: list the
    /// store before the services that use it (the HTTP server, the read side), so that it
    /// closes after them.
    ///
    /// ```swift
    /// let store = try await SQLiteEventStore(path: "chronicle.sqlite")
    /// let group = ServiceGroup(services: [store, server], gracefulShutdownSignals: [.sigterm], logger: logger)
    /// try await group.run()   // the store is closed when this returns
    /// ```
    public func run() async throws {
        try? await gracefulShutdown()
        // In a task of its own: this one may be cancelled, and closing must not be.
        try await Task { try await self.close() }.value
    }
}
