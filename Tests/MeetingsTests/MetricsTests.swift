import Chronicle
import ChronicleProjections
import Foundation
import HTTPTypes
@testable import MeetingsServer
import TestSupport
import Testing

@Suite("Meetings: metrics")
struct MetricsTests {
    /// Every metric Chronicle reports, as the documentation's table lists it.
    static let metrics = [
        "chronicle_command_duration_seconds", "chronicle_command_conflicts_total", "chronicle_append_duration_seconds", "chronicle_append_events",
        "chronicle_projection_batch_duration_seconds", "chronicle_projection_lag_events", "chronicle_projection_lag_seconds",
        "chronicle_consumer_failures_total", "chronicle_reactions_total", "chronicle_reactor_failures_total", "chronicle_rebuild_events_total",
    ]

    @Test("GET /metrics serves every metric in Prometheus's text format", arguments: Backend.available)
    func scrapesEveryMetric(_ backend: Backend) async throws {
        try await TestServer.with(backend) { server in
            let id = try await server.schedule()
            try await server.send(.post, "/meetings/\(id)/accept", as: 2)
            let caughtUp = try await server.app.readSide.waitUntilCaughtUp(timeout: .seconds(30))
            #expect(caughtUp)
            try await server.app.readSide.rebuild(ActivityProjection.self, mode: .offline)

            let reply = try await server.send(.get, "/metrics")
            #expect(reply.status == .ok)
            #expect(reply.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            let lines = reply.body.split(separator: "\n").map(String.init)
            for metric in Self.metrics {
                #expect(lines.contains { $0.hasPrefix("# TYPE \(metric) ") }, "\(metric) is not served")
            }
            // Values, not just names: what the requests above did.
            #expect(Self.value(in: lines, #"chronicle_command_duration_seconds_count{command="ScheduleMeeting",outcome="ok"}"#) == 1)
            #expect(Self.value(in: lines, #"chronicle_command_duration_seconds_count{command="AcceptInvitation",outcome="ok"}"#) == 1)
            #expect(Self.value(in: lines, #"chronicle_command_conflicts_total{command="ScheduleMeeting"}"#) == 0)
            #expect((Self.value(in: lines, #"chronicle_append_events_count{entity_type="meeting"}"#) ?? 0) >= 2)
            #expect((Self.value(in: lines, #"chronicle_reactions_total{reactor="notifications"}"#) ?? 0) >= 1, "\(reply.body)")
            #expect(Self.value(in: lines, #"chronicle_projection_lag_events{projection="activity"}"#) == 0)
            #expect((Self.value(in: lines, #"chronicle_rebuild_events_total{projection="activity"}"#) ?? 0) >= 2)
        }
    }

    /// The value of a sample, by its name and labels as Prometheus writes them.
    static func value(in lines: [String], _ sample: String) -> Double? {
        lines.first { $0.hasPrefix(sample + " ") }.flatMap { Double($0.dropFirst(sample.count + 1)) }
    }
}
