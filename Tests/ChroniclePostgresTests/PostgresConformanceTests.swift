import Chronicle
import ChroniclePostgres
import ChronicleConformance
import ChronicleTesting
import Testing

@Suite("Conformance: PostgreSQL", TestDatabase.available)
struct PostgresConformanceTests {
    typealias Checks = Conformance<PostgresEventStore>
    static let conformance = Checks(dump: TestDatabase.dump, open: open)
    @Test(arguments: Checks.eventStoreChecks) func events(_ check: Checks.Check) async throws { try await Self.conformance.run(check) }
    @Test(arguments: Checks.snapshotChecks) func snapshots(_ check: Checks.Check) async throws { try await Self.conformance.run(check) }
    @Test(arguments: Checks.writeSideChecks) func writeSide(_ check: Checks.Check) async throws { try await Self.conformance.run(check) }
    @Test(arguments: Checks.upcastingChecks) func upcasting(_ check: Checks.Check) async throws { try await Self.conformance.run(check) }
    @Test(arguments: Checks.readSideChecks) func readSide(_ check: Checks.Check) async throws { try await Self.conformance.run(check) }
    @Test(arguments: Checks.upcastMigrationChecks) func upcastMigration(_ check: Checks.Check) async throws { try await Self.conformance.run(check) }
    @Test(arguments: Checks.personalDataChecks) func personalData(_ check: Checks.Check) async throws { try await Self.conformance.run(check) }
    @Test func model() async { await Self.conformance.runModel(cases: 25) }

    /// Opens an empty store for one check, in a schema of its own.
    @Sendable static func open(_ options: StoreOptions, _ body: @Sendable (PostgresEventStore) async throws -> Void) async throws {
        try await TestDatabase.withStore(limits: options.limits, upcasters: options.upcasters, personalData: options.personalData) {
            try await body($0)
        }
    }

    /// The same stores, for the write side's checks.
    static let store: StoreScope = { limits, body in try await open(StoreOptions(limits: limits)) { try await body($0) } }
}
