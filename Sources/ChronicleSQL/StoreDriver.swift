public import Chronicle
public import Foundation
public import Logging
public import ServiceLifecycle

/// A SQL store that runs as a `Service` for as long as it is used, and closes when its run
/// ends: what ``StoreDriver`` opens.
public protocol ServedSQLEventStore: SQLEventStore, Service {
    /// Proves that the store can serve (a first connection), or throws why not.
    ///
    /// - Throws: `EventStoreError.Code.unavailable` with the database's reason.
    func checkConnection(timeout: Duration) async throws
}

extension ServedSQLEventStore {
    /// Runs the store's service around the body, after proving the store can serve, and ends
    /// it afterwards, on every way out: a PostgreSQL store's client stops, a SQLite store
    /// closes. The one way to open, run and close a store.
    ///
    /// ```swift
    /// let store = try await SQLiteEventStore(path: "bank.sqlite")
    /// try await store.serving { try await store.append(events, to: stream, expected: .any) }
    /// ```
    ///
    /// - Parameters:
    ///   - timeout: How long the first connection may take.
    ///   - body: The work.
    public func serving<Result>(connectingWithin timeout: Duration = .seconds(10), _ body: () async throws -> Result) async throws -> Result {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.run() }
            defer { group.cancelAll() }
            try await checkConnection(timeout: timeout)
            return try await body()
        }
    }
}

/// What every store opened from a URL is set up with.
public struct StoreSettings: Sendable {
    /// The size limits of appends.
    public var limits: EventLimits
    /// The upcasting steps applied to every event read.
    public var upcasters: Upcasters
    /// The clock of appends.
    public var now: @Sendable () -> Date
    /// How long one operation may wait for the database before it fails as unavailable.
    public var operationTimeout: Duration
    /// Whether a missing database file may be created (SQLite). Commands that only read should
    /// refuse a missing file rather than leave an empty one behind.
    public var createsDatabase: Bool
    /// Where the store logs.
    public var logger: Logger
    /// What encrypts the events' personal fields, if anything.
    public var personalData: (any PersonalDataProtection)?

    /// Settings with Chronicle's defaults.
    public init(
        limits: EventLimits = EventLimits(), upcasters: Upcasters = Upcasters(), now: @escaping @Sendable () -> Date = Date.init,
        operationTimeout: Duration = .seconds(5), createsDatabase: Bool = true,
        logger: Logger = Logger(label: "chronicle", factory: { _ in SwiftLogNoOpLogHandler() }),
        personalData: (any PersonalDataProtection)? = nil
    ) {
        self.personalData = personalData
        self.limits = limits
        self.upcasters = upcasters
        self.now = now
        self.operationTimeout = operationTimeout
        self.createsDatabase = createsDatabase
        self.logger = logger
    }
}

/// How to open the stores of one database from a URL. Each driver provides one
/// (`StoreDriver.sqlite`, `StoreDriver.postgres`), so an application names the databases it
/// supports and nothing else is linked:
///
/// ```swift
/// let store = try await StoreDriver.open("postgres://app@db/app", among: [.sqlite, .postgres])
/// ```
public struct StoreDriver: Sendable {
    /// The database, as errors name it.
    public let name: String
    /// Whether the driver opens this URL.
    public let opens: @Sendable (_ url: String) -> Bool
    /// Opens a store, unmigrated, without touching the database beyond opening a file.
    public let open: @Sendable (_ url: String, _ settings: StoreSettings) async throws -> any ServedSQLEventStore

    /// A driver.
    public init(
        name: String, opens: @escaping @Sendable (_ url: String) -> Bool,
        open: @escaping @Sendable (_ url: String, _ settings: StoreSettings) async throws -> any ServedSQLEventStore
    ) {
        self.name = name
        self.opens = opens
        self.open = open
    }

    /// Opens a store with the first driver that opens the URL.
    ///
    /// - Throws: `EventStoreError.Code.invalidInput` for an empty URL or one no driver opens,
    ///   and the driver's errors.
    public static func open(_ url: String, among drivers: [StoreDriver], settings: StoreSettings = StoreSettings()) async throws
        -> any ServedSQLEventStore
    {
        guard !url.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw EventStoreError.invalidInput("The database URL is empty: give a SQLite file or a postgres:// URL.")
        }
        guard let driver = drivers.first(where: { $0.opens(url) }) else {
            // The scheme only: the rest of a URL may hold a password.
            let scheme = url.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
            throw EventStoreError.invalidInput(
                "No store driver given opens \(scheme): URLs; the drivers given are \(drivers.map(\.name).joined(separator: ", ")).")
        }
        return try await driver.open(url, settings)
    }
}
