public import Chronicle
public import Foundation
public import ChronicleSQL
import ChronicleTesting
public import Testing

/// What a conformance check asks of the store it opens.
public struct StoreOptions: Sendable {
    /// The size limits the store must enforce.
    public var limits: EventLimits
    /// The upcasting steps the store must apply to every event it reads.
    public var upcasters: Upcasters
    /// What encrypts personal fields, for the personal-data checks; `nil` elsewhere.
    public var personalData: (any PersonalDataProtection)?

    /// Options with the given limits, upcasters and personal-data protection.
    public init(limits: EventLimits = EventLimits(), upcasters: Upcasters = Upcasters(), personalData: (any PersonalDataProtection)? = nil) {
        self.limits = limits
        self.upcasters = upcasters
        self.personalData = personalData
    }
}

/// Every conformance check a store driver must pass, through one entry point.
///
/// A driver gives one function that opens a new, empty store with the ``StoreOptions`` asked
/// for, runs the body, and closes the store; the suites its store's type allows then take one
/// line each. The suites for SQL stores (``readSideChecks``, ``upcastMigrationChecks``) exist
/// only where `Store` is a `SQLEventStore`: a missing capability is a compile error, not a
/// failing check.
///
/// ```swift
/// @Suite("Conformance: SQLite")
/// struct SQLiteConformanceTests {
///     typealias Checks = Conformance<SQLiteEventStore>
///     static let conformance = Checks { options, body in
///         try await withTemporarySQLiteStore(limits: options.limits, upcasters: options.upcasters, body)
///     }
///     @Test(arguments: Checks.eventStoreChecks) func events(_ check: Checks.Check) async throws { try await Self.conformance.run(check) }
///     @Test(arguments: Checks.snapshotChecks) func snapshots(_ check: Checks.Check) async throws { try await Self.conformance.run(check) }
///     @Test(arguments: Checks.writeSideChecks) func writeSide(_ check: Checks.Check) async throws { try await Self.conformance.run(check) }
///     @Test(arguments: Checks.upcastingChecks) func upcasting(_ check: Checks.Check) async throws { try await Self.conformance.run(check) }
///     @Test(arguments: Checks.readSideChecks) func readSide(_ check: Checks.Check) async throws { try await Self.conformance.run(check) }
///     @Test(arguments: Checks.upcastMigrationChecks) func upcastMigration(_ check: Checks.Check) async throws { try await Self.conformance.run(check) }
///     @Test func model() async { await Self.conformance.runModel() }
/// }
/// ```
public struct Conformance<Store: EventStore & SnapshotStore>: Sendable {
    /// Opens a new, empty store with the options, runs the body with it, and closes it
    /// afterwards (also when the body throws).
    public typealias Open = @Sendable (_ options: StoreOptions, _ body: @Sendable (Store) async throws -> Void) async throws -> Void

    /// One check of one suite.
    public struct Check: Sendable, CustomTestStringConvertible {
        /// The suite and the check, as shown in test output: `readSide/rebuildsOffline`.
        public let testDescription: String
        let run: @Sendable (Conformance, SourceLocation) async throws -> Void
    }

    let open: Open
    let expectsConflicts: Bool
    let dump: (@Sendable (Store) async throws -> Data)?

    /// The checks of a driver whose stores `open` opens.
    ///
    /// - Parameters:
    ///   - expectsConflicts: Whether two processes that execute commands on one entity at once
    ///     must conflict at least once (``writeSideChecks``): true of a database, where their
    ///     reads and appends interleave; an in-memory store may run them one by one.
    ///   - dump: Everything the store's database holds, as bytes to search for data that must
    ///     be gone (``personalDataChecks``): a dump of its schema, or its file after a vacuum.
    ///   - open: Opens a new, empty store with the options, runs the body, and closes the store.
    public init(expectsConflicts: Bool = true, dump: (@Sendable (Store) async throws -> Data)? = nil, open: @escaping Open) {
        self.open = open
        self.expectsConflicts = expectsConflicts
        self.dump = dump
    }

    /// Runs one check; a failure points at the caller's line.
    public func run(_ check: Check, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await check.run(self, sourceLocation)
    }

    /// Random runs of appends, reads and snapshots against a model of the store
    /// (`CHRONICLE_MODEL_CASES` runs, or `cases`).
    public func runModel(cases: Int = 40, sourceLocation: SourceLocation = #_sourceLocation) async {
        await StoreModelCheck(withStore: snapshotScope()).run(cases: StoreModelCheck.cases(default: cases), sourceLocation: sourceLocation)
    }

    /// Appending, reading, expected versions, invalid input, concurrency: what every event store does.
    public static var eventStoreChecks: [Check] {
        EventStoreConformance.Check.allCases.map { check in
            Check(testDescription: "events/\(check.rawValue)") { conformance, location in
                try await EventStoreConformance(withStore: conformance.scope()).run(check, sourceLocation: location)
            }
        }
    }

    /// Keeping, replacing and refusing snapshots.
    public static var snapshotChecks: [Check] {
        SnapshotStoreConformance.Check.allCases.map { check in
            Check(testDescription: "snapshots/\(check.rawValue)") { conformance, location in
                try await SnapshotStoreConformance(withStore: conformance.snapshotScope()).run(check, sourceLocation: location)
            }
        }
    }

    /// Executing commands (queued in one process, retried across two) and loading aggregates
    /// from snapshots.
    public static var writeSideChecks: [Check] {
        WriteSideConformance.Check.allCases.map { check in
            Check(testDescription: "writeSide/\(check.rawValue)") { conformance, location in
                try await WriteSideConformance(scope: conformance.snapshotScope(), expectsConflicts: conformance.expectsConflicts)
                    .run(check, sourceLocation: location)
            }
        }
    }

    /// Reading old schema versions through upcasters.
    public static var upcastingChecks: [Check] {
        UpcastingConformance.Check.allCases.map { check in
            Check(testDescription: "upcasting/\(check.rawValue)") { conformance, location in
                try await UpcastingConformance { upcasters in conformance.scope(upcasters: upcasters) }.run(check, sourceLocation: location)
            }
        }
    }

    /// Any store, for the suites that need no more.
    func scope(upcasters: Upcasters = Upcasters()) -> StoreScope {
        let open = open
        return { limits, body in try await open(StoreOptions(limits: limits, upcasters: upcasters)) { try await body($0) } }
    }

    /// A store that keeps snapshots.
    func snapshotScope() -> SnapshotStoreScope {
        let open = open
        return { limits, body in try await open(StoreOptions(limits: limits)) { try await body($0) } }
    }
}

extension Conformance where Store: SQLEventStore {
    /// Projections, reactors, failures, rebuilds and the store's own tables, with a `ReadSide`.
    public static var readSideChecks: [Check] {
        ReadSideConformance.Check.allCases.map { check in
            Check(testDescription: "readSide/\(check.rawValue)") { conformance, location in
                try await ReadSideConformance(withStore: conformance.sqlScope()).run(check, sourceLocation: location)
            }
        }
    }

    /// Rewriting stored events to their current schema versions.
    public static var upcastMigrationChecks: [Check] {
        UpcastMigrationConformance.Check.allCases.map { check in
            Check(testDescription: "upcastMigration/\(check.rawValue)") { conformance, location in
                try await UpcastMigrationConformance { upcasters in conformance.sqlScope(upcasters: upcasters) }.run(check, sourceLocation: location)
            }
        }
    }

    /// Every check a SQL store passes: all the suites above.
    /// Crypto-shredding, masking, archiving and deleting: the store encrypts personal fields
    /// with the protection in its ``StoreOptions``, and the conformance's `dump` shows what its
    /// database holds.
    public static var personalDataChecks: [Check] {
        PersonalDataConformance.Check.allCases.map { check in
            Check(testDescription: "personalData/\(check.rawValue)") { conformance, location in
                guard let dump = conformance.dump else {
                    Issue.record("The personal-data checks need the conformance's dump of the database.", sourceLocation: location)
                    return
                }
                let open = conformance.open
                try await PersonalDataConformance(
                    scope: { upcasters, personalData, body in
                        try await open(StoreOptions(upcasters: upcasters, personalData: personalData)) { try await body($0) }
                    },
                    dump: { store in
                        guard let store = store as? Store else { throw EventStoreError.invalidInput("Another store than the one opened.") }
                        return try await dump(store)
                    }
                ).run(check, sourceLocation: location)
            }
        }
    }

    public static var sqlStoreChecks: [Check] {
        eventStoreChecks + snapshotChecks + writeSideChecks + upcastingChecks + readSideChecks + upcastMigrationChecks
    }

    /// A SQL store.
    func sqlScope(upcasters: Upcasters = Upcasters()) -> SQLStoreScope {
        let open = open
        return { limits, body in try await open(StoreOptions(limits: limits, upcasters: upcasters)) { try await body($0) } }
    }
}

/// Opens a new, empty store that keeps snapshots, runs the body with it, and closes it.
typealias SnapshotStoreScope = @Sendable (
    _ limits: EventLimits, _ body: @Sendable (any EventStore & SnapshotStore) async throws -> Void
) async throws -> Void

/// Opens a new, empty SQL store, runs the body with it, and closes it.
typealias SQLStoreScope = @Sendable (_ limits: EventLimits, _ body: @Sendable (any SQLEventStore) async throws -> Void) async throws -> Void
