import Chronicle
import ChroniclePostgres
import ChronicleTesting
import Testing

@Suite("Conformance: PostgreSQL", TestDatabase.available)
struct PostgresConformanceTests {
    /// Opens an empty store for one check.
    static let store: EventStoreConformance.StoreScope = { limits, body in
        try await TestDatabase.withStore(limits: limits) { store in
            try await body(store)
        }
    }

    @Test(arguments: EventStoreConformance.Check.allCases)
    func conformance(_ check: EventStoreConformance.Check) async throws {
        try await EventStoreConformance(withStore: Self.store).run(check)
    }

    /// Random runs against the model: 25 by default, `CHRONICLE_MODEL_CASES` for more.
    @Test func model() async {
        await StoreModelCheck(withStore: Self.store).run(cases: StoreModelCheck.cases(default: 25))
    }

    @Test(arguments: SnapshotStoreConformance.Check.allCases)
    func snapshots(_ check: SnapshotStoreConformance.Check) async throws {
        try await SnapshotStoreConformance(withStore: Self.store).run(check)
    }

    @Test(arguments: ReadSideConformance.Check.allCases)
    func readSide(_ check: ReadSideConformance.Check) async throws {
        try await ReadSideConformance(withStore: Self.store).run(check)
    }

    @Test(arguments: UpcastingConformance.Check.allCases)
    func upcasting(_ check: UpcastingConformance.Check) async throws {
        try await UpcastingConformance { upcasters in
            { limits, body in try await TestDatabase.withStore(limits: limits, upcasters: upcasters) { try await body($0) } }
        }.run(check)
    }

    @Test(arguments: UpcastMigrationConformance.Check.allCases)
    func upcastMigration(_ check: UpcastMigrationConformance.Check) async throws {
        try await UpcastMigrationConformance { upcasters in
            { limits, body in try await TestDatabase.withStore(limits: limits, upcasters: upcasters) { try await body($0) } }
        }.run(check)
    }
}
