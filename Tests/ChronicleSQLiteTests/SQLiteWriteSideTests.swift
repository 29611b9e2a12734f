import Chronicle
import ChronicleTesting
import ExampleDomain
import Testing

@Suite("Write side: SQLite")
struct SQLiteWriteSideTests {
    @Test(arguments: MeetingScenarios.all)
    func scenario(_ scenario: NamedScenario) async throws {
        try await scenario.run(in: SQLiteConformanceTests.store)
    }
}
