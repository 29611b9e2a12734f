@testable import ChronicleCommands
import ChronicleProjections
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
}
