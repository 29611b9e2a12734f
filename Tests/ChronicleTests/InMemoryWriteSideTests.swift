import Chronicle
import ChronicleTesting
import ExampleDomain
import Testing

@Suite("Write side: in-memory")
struct InMemoryWriteSideTests {
    @Test(arguments: MeetingScenarios.all)
    func scenario(_ scenario: NamedScenario) async throws {
        try await scenario.run(in: inMemoryStore)
    }
}
