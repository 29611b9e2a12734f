import Chronicle
import ChronicleSQLite
import ChronicleConformance
import ChronicleTesting
import Foundation
import Testing

@Suite("Conformance: SQLite")
struct SQLiteConformanceTests {
    typealias Checks = Conformance<SQLiteEventStore>
    static let conformance = Checks(dump: dump, open: open)
    @Test(arguments: Checks.eventStoreChecks) func events(_ check: Checks.Check) async throws { try await Self.conformance.run(check) }
    @Test(arguments: Checks.snapshotChecks) func snapshots(_ check: Checks.Check) async throws { try await Self.conformance.run(check) }
    @Test(arguments: Checks.writeSideChecks) func writeSide(_ check: Checks.Check) async throws { try await Self.conformance.run(check) }
    @Test(arguments: Checks.upcastingChecks) func upcasting(_ check: Checks.Check) async throws { try await Self.conformance.run(check) }
    @Test(arguments: Checks.readSideChecks) func readSide(_ check: Checks.Check) async throws { try await Self.conformance.run(check) }
    @Test(arguments: Checks.upcastMigrationChecks) func upcastMigration(_ check: Checks.Check) async throws { try await Self.conformance.run(check) }
    @Test(arguments: Checks.personalDataChecks) func personalData(_ check: Checks.Check) async throws { try await Self.conformance.run(check) }
    @Test func model() async { await Self.conformance.runModel(cases: 40) }

    /// Opens an empty store for one check, in a directory of its own.
    ///
    /// Writes may wait 60 s rather than the default 5 s: the checks queue hundreds of
    /// concurrent appends on a machine that the whole suite shares. Commits do not wait for the
    /// disk (`synchronousCommit: false`): no check cuts the power, and under the whole suite a
    /// flush per commit slows the read side's checks past their waits. The fault tests check
    /// the defaults.
    @Sendable static func open(_ options: StoreOptions, _ body: @Sendable (SQLiteEventStore) async throws -> Void) async throws {
        try await withTemporaryDirectory { directory in
            let store = try await SQLiteEventStore(
                configuration: .init(
                    path: directory.appendingPathComponent("events.sqlite").path, limits: options.limits,
                    busyTimeout: .seconds(60), writerTimeout: .seconds(60), synchronousCommit: false, upcasters: options.upcasters,
                    personalData: options.personalData))
            do {
                try await body(store)
            } catch {
                try await store.close()
                throw error
            }
            try await store.close()
        }
    }

    /// The database file's bytes after a vacuum, with what is left of its write-ahead log.
    @Sendable static func dump(_ store: SQLiteEventStore) async throws -> Data {
        try await store.vacuum()
        let path = store.configuration.path
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        for suffix in ["-wal", "-journal"] where FileManager.default.fileExists(atPath: path + suffix) {
            bytes += try Data(contentsOf: URL(fileURLWithPath: path + suffix))
        }
        return bytes
    }

    /// The same stores, for the write side's checks.
    static let store: StoreScope = { limits, body in try await open(StoreOptions(limits: limits)) { try await body($0) } }
}
