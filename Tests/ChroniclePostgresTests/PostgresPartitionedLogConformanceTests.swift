import Chronicle
import ChronicleConformance
import ChroniclePostgres
import ChronicleTesting
import Testing

/// Every conformance suite on a log partitioned by position, in partitions of 64 positions: the
/// checks' appends, concurrent and not, cross many partitions, and the partitions are made
/// ahead of them as they go.
@Suite("Conformance: PostgreSQL, partitioned log", .serialized, TestDatabase.available)
struct PostgresPartitionedLogConformanceTests {
    typealias Checks = Conformance<PostgresEventStore>
    static let partitions = LogPartitions(positionsPerPartition: 64, partitionsAhead: 8)
    static let conformance = Checks(dump: TestDatabase.dump, open: open)
    @Test(arguments: Checks.eventStoreChecks) func events(_ check: Checks.Check) async throws { try await Self.conformance.run(check) }
    @Test(arguments: Checks.snapshotChecks) func snapshots(_ check: Checks.Check) async throws { try await Self.conformance.run(check) }
    @Test(arguments: Checks.writeSideChecks) func writeSide(_ check: Checks.Check) async throws { try await Self.conformance.run(check) }
    @Test(arguments: Checks.upcastingChecks) func upcasting(_ check: Checks.Check) async throws { try await Self.conformance.run(check) }
    @Test(arguments: Checks.readSideChecks) func readSide(_ check: Checks.Check) async throws { try await Self.conformance.run(check) }
    @Test(arguments: Checks.upcastMigrationChecks) func upcastMigration(_ check: Checks.Check) async throws { try await Self.conformance.run(check) }
    @Test(arguments: Checks.personalDataChecks) func personalData(_ check: Checks.Check) async throws { try await Self.conformance.run(check) }
    @Test func model() async { await Self.conformance.runModel(cases: 25) }

    /// Opens an empty store with a partitioned log for one check, in a schema of its own.
    @Sendable static func open(_ options: StoreOptions, _ body: @Sendable (PostgresEventStore) async throws -> Void) async throws {
        try await TestDatabase.withStore(
            limits: options.limits, upcasters: options.upcasters, personalData: options.personalData, logPartitions: partitions
        ) { try await body($0) }
    }
}
