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

    @Test func concurrentExecutesOnOneEntity() async throws {
        try await WriteSideChecks.concurrentExecutes(in: inMemoryStore, conflictsExpected: false)
    }

    @Test func snapshotsChangeNoResult() async throws {
        try await WriteSideChecks.snapshotsChangeNoResult(in: inMemoryStore)
    }
}
