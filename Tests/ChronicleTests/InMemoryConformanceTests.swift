import Chronicle
import ChronicleTesting
import Testing

@Suite("Conformance: in-memory")
struct InMemoryConformanceTests {
    @Test(arguments: EventStoreConformance.Check.allCases)
    func conformance(_ check: EventStoreConformance.Check) async throws {
        try await EventStoreConformance { limits, body in
            try await body(InMemoryEventStore(limits: limits))
        }.run(check)
    }
}
