/// Which inline projections are current (their tables at the code's version), read from the
/// bookkeeping once and refreshed after migrations and rebuilds.
actor InlineProjectionState {
    private var current: Set<String>?

    /// The names of the current inline projections, loading them when unknown.
    func currentNames(_ load: @Sendable () async throws -> Set<String>) async throws -> Set<String> {
        if let current { return current }
        let loaded = try await load()
        current = loaded
        return loaded
    }

    /// Forgets what is known, so the next append reads it again.
    func invalidate() {
        current = nil
    }
}
