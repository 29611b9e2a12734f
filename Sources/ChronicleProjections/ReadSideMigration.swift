public import ChronicleMigrations

/// What one run of ``EventSourcedApp/migrate()`` set up.
public struct ReadSideMigration: Sendable {
    /// The store's schema migrations applied by this run.
    public var storeMigrations: [Migration]
    /// The application's migrations applied by this run.
    public var applicationMigrations: [Migration] = []
    /// The projections whose tables this run created (and, for inline ones, built).
    public var createdProjections: [String] = []
    /// The reactors registered by this run, each with the position it starts after.
    public var registeredReactors: [(name: String, position: Int64)] = []

    /// Whether the run found everything set up already.
    public var isEmpty: Bool {
        storeMigrations.isEmpty && applicationMigrations.isEmpty && createdProjections.isEmpty && registeredReactors.isEmpty
    }
}
