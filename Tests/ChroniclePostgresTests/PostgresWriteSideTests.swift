import Chronicle
import ChronicleTesting
import ExampleDomain
import Testing

@Suite("Write side: PostgreSQL", TestDatabase.available)
struct PostgresWriteSideTests {
    @Test(arguments: MeetingScenarios.all)
    func scenario(_ scenario: NamedScenario) async throws {
        try await scenario.run(in: PostgresConformanceTests.store)
    }
}
