import ChronicleConformance
import Foundation
import SimpleSQLiteDriver
import Testing

@Suite("Conformance: a driver outside Chronicle's package")
struct ConformanceTests {
    typealias Checks = Conformance<SimpleSQLiteEventStore>
    static let conformance = Checks { options, body in
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("simple-sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try await SimpleSQLiteEventStore(
            path: directory.appendingPathComponent("events.sqlite").path, limits: options.limits, upcasters: options.upcasters)
        do { try await body(store) } catch { try await store.close(); throw error }
        try await store.close()
    }
    @Test(arguments: Checks.sqlStoreChecks) func check(_ check: Checks.Check) async throws { try await Self.conformance.run(check) }
    @Test func model() async { await Self.conformance.runModel() }
}
