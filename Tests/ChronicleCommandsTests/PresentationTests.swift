@testable import ChronicleCommands
import ChronicleProjections
import Foundation
import Testing
import TestSupport

/// How the commands lay out progress and tables.
@Suite struct PresentationTests {
    @Test func drawsAProgressBar() {
        let progress = RebuildProgress(projection: "meetings", position: 500, head: 1_000, eventsReplayed: 500, eventsPerSecond: 100)
        #expect(ProgressDisplay.bar(progress, width: 10) == "meetings [#####-----]  50%  500/1,000  100 events/s  ETA 5 s")
        let done = RebuildProgress(projection: "meetings", position: 1_000, head: 1_000, eventsReplayed: 1_000, eventsPerSecond: 100)
        #expect(ProgressDisplay.bar(done, width: 4) == "meetings [####] 100%  1,000/1,000  100 events/s  ETA 0 s")
    }

    @Test func keepsTheLastReportWhenSilent() {
        let display = ProgressDisplay(style: .silent)
        display.report(RebuildProgress(projection: "p", position: 1, head: 2, eventsReplayed: 1, eventsPerSecond: 1))
        display.report(RebuildProgress(projection: "p", position: 2, head: 2, eventsReplayed: 2, eventsPerSecond: 1))
        #expect(display.lastReport?.eventsReplayed == 2)
    }

    @Test func alignsTableColumns() {
        var table = TextTable(header: ["NAME", "LAG", "ERROR"])
        table.rows = [["counters", "12", ""], ["b", "1234", "boom"]]
        #expect(table.rendered == "NAME      LAG   ERROR\ncounters  12\nb         1234  boom")
    }

    /// The read side's one status type (what `status --json` prints and readiness carries)
    /// writes its problems too, and reads back the same.
    @Test func printsTheStatusAsJSONThatReadsBack() throws {
        let stored = #"""
            {"head": 9, "problems": [], "projections": [{"name": "counters", "mode": "async", "version": 2, "built_version": 2,
             "checkpoint": 4, "lag": 5, "state": "failing", "last_error": "boom", "error_position": 5, "failed_at": "2026-12-02T10:00:00Z",
             "error_policy": "park after 3 attempts", "parked_events": 0, "skipped_events": 1,
             "leases": [{"partition": 0, "holder": "web-1/42", "acquired_at": "2026-12-02T09:00:00Z", "heartbeat_at": "2026-12-02T10:00:00Z",
             "expires_at": "2026-12-02T10:00:04Z", "failovers": 2}]}],
             "reactors": [{"name": "mailer", "registered_position": 0, "checkpoint": 9, "lag": 0, "state": "live", "error_policy": "stop",
             "parked_events": 0, "skipped_events": 0, "leases": []}]}
            """#
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let status = try decoder.decode(ReadSideStatus.self, from: Data(stored.utf8))
        #expect(status.projections.first?.errorPolicy == .park(afterAttempts: 3) && status.projections.first?.state == .failing)
        #expect(status.reactors.first?.errorPolicy == .stop && status.reactors.first?.registeredPosition == 0)
        #expect(status.problems == ["Projection counters is failing at event 5: boom."])
        #expect(status.projections.first?.leases.first?.holder == "web-1/42" && status.projections.first?.leases.first?.failovers == 2)

        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let printed = String(decoding: try encoder.encode(status), as: UTF8.self)
        let object = try JSONSerialization.jsonObject(with: Data(printed.utf8)) as? [String: Any]
        #expect(object?["problems"] as? [String] == ["Projection counters is failing at event 5: boom."], "\(printed)")
        #expect(try decoder.decode(ReadSideStatus.self, from: Data(printed.utf8)) == status)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([ErrorPolicy].self, from: Data(#"["park after many attempts"]"#.utf8)) }
    }
}
