import Chronicle
import ChronicleTesting
import Testing

@Suite("Conformance: in-memory")
struct InMemoryConformanceTests {
    /// Opens an empty store for one check.
    static let store: EventStoreConformance.StoreScope = { limits, body in
        try await body(InMemoryEventStore(limits: limits))
    }

    @Test(arguments: EventStoreConformance.Check.allCases)
    func conformance(_ check: EventStoreConformance.Check) async throws {
        try await EventStoreConformance(withStore: Self.store).run(check)
    }

    /// Random runs against the model: 200 by default, `CHRONICLE_MODEL_CASES` for more.
    @Test func model() async {
        await StoreModelCheck(withStore: Self.store).run(cases: StoreModelCheck.cases(default: 200))
    }

    @Test(arguments: SnapshotStoreConformance.Check.allCases)
    func snapshots(_ check: SnapshotStoreConformance.Check) async throws {
        try await SnapshotStoreConformance(withStore: Self.store).run(check)
    }

    @Test(arguments: UpcastingConformance.Check.allCases)
    func upcasting(_ check: UpcastingConformance.Check) async throws {
        try await UpcastingConformance { upcasters in
            { limits, body in try await body(InMemoryEventStore(limits: limits, upcasters: upcasters)) }
        }.run(check)
    }
}
