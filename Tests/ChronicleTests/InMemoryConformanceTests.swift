import Chronicle
import ChronicleConformance
import Testing

@Suite("Conformance: in-memory")
struct InMemoryConformanceTests {
    typealias Checks = Conformance<InMemoryEventStore>
    static let conformance = Checks(expectsConflicts: false, open: open)
    @Test(arguments: Checks.eventStoreChecks) func events(_ check: Checks.Check) async throws { try await Self.conformance.run(check) }
    @Test(arguments: Checks.snapshotChecks) func snapshots(_ check: Checks.Check) async throws { try await Self.conformance.run(check) }
    @Test(arguments: Checks.writeSideChecks) func writeSide(_ check: Checks.Check) async throws { try await Self.conformance.run(check) }
    @Test(arguments: Checks.upcastingChecks) func upcasting(_ check: Checks.Check) async throws { try await Self.conformance.run(check) }
    @Test func model() async { await Self.conformance.runModel(cases: 200) }

    /// A new store for one check.
    @Sendable static func open(_ options: StoreOptions, _ body: @Sendable (InMemoryEventStore) async throws -> Void) async throws {
        try await body(InMemoryEventStore(limits: options.limits, upcasters: options.upcasters))
    }
}
