@_exported public import Chronicle
@_exported public import ChronicleMigrations
@_exported public import ChronicleSQL
@_exported public import SQLKit
public import ServiceLifecycle

/// An event-sourced application's root: its store, its commands and its read side, opened from
/// a database URL and closed on every way out.
///
/// ```swift
/// try await EventSourcedApp.with(url: "sqlite:bank.sqlite", drivers: [.sqlite, .postgres]) { store in
///     ReadSide(database: store, inline: [BalancesProjection()], reactors: [LargeWithdrawalAlert()])
/// } _: { app in
///     try await app.migrate()
///     try await app.execute(Deposit(amount: 100), on: account)
/// }
/// ```
///
/// - ``events`` appends through the inline projections, so their tables commit with the events;
///   ``aggregates(configuration:)`` and ``execute(_:on:metadata:)`` run commands.
/// - ``readSide`` keeps the runners (``run()``), rebuilds and status.
/// - ``read(_:)`` queries the read tables with SQLKit, which this module re-exports with
///   `ChronicleSQL` and `ChronicleMigrations` (for an application's own tables).
public struct EventSourcedApp: Service, Sendable {
    /// The store, opened from the URL.
    public let store: any ServedSQLEventStore
    /// The projections, reactors and their runners.
    public let readSide: ReadSide
    /// The hot standby that reads may go to, when the application was opened with one: see
    /// ``ReadReplica``. Commands always read from ``store``.
    public let replica: ReadReplica?

    /// An application over an open store and its read side, and a standby of the store for
    /// reads, if any.
    public init(store: any ServedSQLEventStore, readSide: ReadSide, replica: ReadReplica? = nil) {
        self.store = store
        self.readSide = readSide
        self.replica = replica
    }

    /// The events: appends apply the inline projections in their transaction.
    public var events: any EventStore { readSide.eventStore }

    /// Loads aggregates and executes commands, one queue per entity for the whole application.
    public func aggregates(configuration: Aggregates.Configuration? = nil) -> Aggregates {
        readSide.aggregates(configuration: configuration)
    }

    /// Executes a command on an entity. See `Aggregates.execute(_:on:metadata:)`.
    @discardableResult
    public func execute<C: Command>(_ command: C, on id: EntityID<C.Target>, metadata: EventMetadata = EventMetadata()) async throws
        -> CommandResult<C.Target>
    {
        try await aggregates().execute(command, on: id, metadata: metadata)
    }

    /// Sets up what is new: the store's schema (its pending migrations), the application's
    /// migrations given to the read side
    /// (``ReadSide/init(database:inline:async:reactors:migrations:upcastMigrations:configuration:)``),
    /// the tables of new projections (built at once from the log when inline; async ones catch up
    /// when ``run()`` starts), and the registration of new reactors at the current head. A second
    /// run does nothing.
    ///
    /// - Important: A projection whose version, mode or number of partitions differs from the
    ///   one its tables were built with is reported by ``ReadSide/status()`` as needing a rebuild, and is neither
    ///   applied nor run until rebuilt: see ``ReadSide/rebuild(_:mode:progress:)-(String,_,_)``.
    /// - Important: The store refuses appends that would skip the read side's inline
    ///   projections (see ``events``); an inline projection no longer registered no longer holds
    ///   appends back.
    /// - Important: The store's tables are the store's. Before anything is changed, a projection
    ///   table named with the store's prefix (`chronicle_`), or a projection or application
    ///   migration statement that would create, change or write such a table, is refused with
    ///   ``ReadSideError/Code/reservedName``. A projection never drops or replaces a table its
    ///   bookkeeping did not create (``ReadSideError/Code/tableExists``). A projection or reactor
    ///   in partitions that needs the log's global order, or a projection in partitions that
    ///   runs inline, is refused with ``ReadSideError/Code/invalidDefinition``.
    /// - Returns: What this run did; nothing when everything was set up before.
    @discardableResult
    public func migrate() async throws -> ReadSideMigration {
        try await readSide.migrate()
    }

    /// Reads the read tables (or any table) outside a write transaction.
    ///
    /// ```swift
    /// let balance = try await app.read { sql in
    ///     try await sql.select().column("balance").from("balances").where("account", .equal, id).first(decodingColumn: "balance", as: Int.self)
    /// }
    /// ```
    public func read<Result: Sendable>(_ work: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        try await store.withReadConnection(work)
    }

    /// Forgets a subject (see `SQLEventStore.forget(subject:by:appending:)`), applying the
    /// inline projections that handle `SubjectForgotten` in the same transaction.
    ///
    /// - Parameters:
    ///   - subject: The subject, as the event types' personal fields name it.
    ///   - actor: Who asked, for the audit.
    @discardableResult
    public func forget(subject: String, by actor: String?) async throws -> ForgetReport {
        try await store.forget(subject: subject, by: actor, appending: readSide.systemEventAppend)
    }

    /// Archives an entity (see `SQLEventStore.archive(_:by:appending:)`), applying the inline
    /// projections that handle `StreamArchived` in the same transaction.
    @discardableResult
    public func archive(_ stream: StreamName, by actor: String?) async throws -> RetiredEntity {
        try await store.archive(stream, by: actor, appending: readSide.systemEventAppend)
    }

    /// Deletes an entity's events and closes it (see `SQLEventStore.delete(_:by:appending:)`),
    /// applying the inline projections that handle `StreamDeleted` in the same transaction.
    @discardableResult
    public func delete(_ stream: StreamName, by actor: String?) async throws -> RetiredEntity {
        try await store.delete(stream, by: actor, appending: readSide.systemEventAppend)
    }

    /// Runs the read side's runners until the service group shuts down.
    public func run() async throws {
        try await readSide.run()
    }

    /// Opens the store a URL names (`sqlite:<path>`, a plain path, `postgres://…`), runs it,
    /// proves it can serve, runs the body with the application, and closes the store, also when
    /// the body or the opening throws. The store is not migrated: call ``migrate()``.
    ///
    /// With a replica URL (a hot standby of the database), it opens a second store there, with
    /// the same settings, as ``replica``: the standby must answer as the database does.
    ///
    /// - Parameters:
    ///   - url: The database.
    ///   - replicaURL: A hot standby of the database, for reads; `nil` for none.
    ///   - drivers: The drivers the application links: `.sqlite`, `.postgres`.
    ///   - settings: What the store is set up with.
    ///   - readSide: The read side over the store: its projections, reactors and tables.
    ///   - body: The work.
    /// - Throws: `EventStoreError.Code.invalidInput` for a URL no driver opens;
    ///   `EventStoreError.Code.unavailable` when the database or the standby cannot be reached;
    ///   the body's errors.
    public static func with<Result>(
        url: String, replica replicaURL: String? = nil, drivers: [StoreDriver], settings: StoreSettings = StoreSettings(),
        readSide: (any SQLEventStore) -> ReadSide, _ body: (EventSourcedApp) async throws -> Result
    ) async throws -> Result {
        let store = try await StoreDriver.open(url, among: drivers, settings: settings)
        return try await store.serving {
            let readSide = readSide(store)
            guard let replicaURL else { return try await body(EventSourcedApp(store: store, readSide: readSide)) }
            var replicaSettings = settings
            replicaSettings.createsDatabase = false
            let standby = try await StoreDriver.open(replicaURL, among: drivers, settings: replicaSettings)
            return try await standby.serving {
                try await body(EventSourcedApp(store: store, readSide: readSide, replica: ReadReplica(database: standby, of: readSide)))
            }
        }
    }
}
