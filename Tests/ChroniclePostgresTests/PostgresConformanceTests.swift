import Chronicle
import ChroniclePostgres
import ChronicleTesting
import Testing

@Suite("Conformance: PostgreSQL", TestDatabase.available)
struct PostgresConformanceTests {
    @Test(arguments: EventStoreConformance.Check.allCases)
    func conformance(_ check: EventStoreConformance.Check) async throws {
        try await EventStoreConformance { limits, body in
            try await TestDatabase.withStore(limits: limits) { store in
                try await body(store)
            }
        }.run(check)
    }
}
