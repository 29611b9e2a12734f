import Chronicle
import ChronicleSQLite
import ChronicleTesting
import Foundation
import Testing

@Suite("Conformance: SQLite")
struct SQLiteConformanceTests {
    /// Opens an empty store for one check.
    static let store: EventStoreConformance.StoreScope = store(upcasters: Upcasters())

    /// Opens an empty store reading through upcasters.
    ///
    /// Writes may wait 60 s rather than the default 5 s: the checks queue hundreds of
    /// concurrent appends on a machine that the whole suite shares. The fault tests check the
    /// defaults.
    static func store(upcasters: Upcasters) -> EventStoreConformance.StoreScope {
        { limits, body in
            try await withTemporaryDirectory { directory in
                let store = try await SQLiteEventStore(
                    configuration: .init(
                        path: directory.appendingPathComponent("events.sqlite").path, limits: limits,
                        busyTimeout: .seconds(60), writerTimeout: .seconds(60), upcasters: upcasters))
                do {
                    try await body(store)
                } catch {
                    try await store.close()
                    throw error
                }
                try await store.close()
            }
        }
    }

    @Test(arguments: EventStoreConformance.Check.allCases)
    func conformance(_ check: EventStoreConformance.Check) async throws {
        try await EventStoreConformance(withStore: Self.store).run(check)
    }

    /// Random runs against the model: 40 by default, `CHRONICLE_MODEL_CASES` for more.
    @Test func model() async {
        await StoreModelCheck(withStore: Self.store).run(cases: StoreModelCheck.cases(default: 40))
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
        try await UpcastingConformance { Self.store(upcasters: $0) }.run(check)
    }

    @Test(arguments: UpcastMigrationConformance.Check.allCases)
    func upcastMigration(_ check: UpcastMigrationConformance.Check) async throws {
        try await UpcastMigrationConformance { Self.store(upcasters: $0) }.run(check)
    }
}
