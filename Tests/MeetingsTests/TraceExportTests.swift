import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import ServiceLifecycle
import TestSupport
import Testing

/// `meetings serve` with `OTEL_EXPORTER_OTLP_ENDPOINT` exports its traces over OTLP/HTTP: a
/// stand-in collector (a Hummingbird route in the test) receives the spans of a request, its
/// command, its append and the reaction to its event.
@Suite("Meetings: traces exported over OTLP")
struct TraceExportTests {
    @Test func servingExportsTheSpansOfARequestItsCommandAndItsReaction() async throws {
        let received = NIOLockedValueBox<[Data]>([])
        let router = Router()
        router.post("/v1/traces") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 16 * 1_024 * 1_024)
            received.withLockedValue { $0.append(Data(body.readableBytesView)) }
            return Response(status: .ok, headers: [.contentType: "application/x-protobuf"])
        }
        let (ports, listening) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "collector")
        logger.logLevel = .critical
        let collector = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { listening.yield($0.localAddress?.port ?? 0) }, logger: logger)
        let services = ServiceGroup(configuration: .init(services: [collector], gracefulShutdownSignals: [], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            defer { Task { await services.triggerGracefulShutdown() } }
            var iterator = ports.makeAsyncIterator()
            let collectorPort = try #require(await iterator.next())

            try await Backend.sqlite.withDatabase { database in
                let port = try FreePort.next()
                let environment = [
                    "MEETINGS_TOKEN_SECRET": "the trace test's secret, long enough for HS256", "LOG_LEVEL": "error",
                    "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:\(collectorPort)", "OTEL_BSP_SCHEDULE_DELAY": "100",
                ]
                let server = try ChildProcess.start("meetings", ["serve", "--database-url", database, "--port", String(port)], environment: environment)
                do {
                    try await TwoProcessTests.waitUntilServing(port)
                    let token = try #require(try await TwoProcessTests.request(port, .post, "/sessions", json: #"{"user_id": 1}"#).json["token"]?.stringValue)
                    let later = Date().addingTimeInterval(86_400).formatted(Date.ISO8601FormatStyle())
                    let scheduled = try await TwoProcessTests.request(
                        port, .post, "/meetings", token: token, json: #"{"title": "Traced", "starts_at": "\#(later)", "invitee_ids": [2]}"#)
                    #expect(scheduled.status == .created, "\(scheduled)")

                    let names = ["chronicle.command", "chronicle.append", "chronicle.load", "chronicle.reaction", "/meetings"]
                    let deadline = ContinuousClock.now + .seconds(30)
                    func missing() -> [String] {
                        let all = received.withLockedValue { $0.reduce(Data(), +) }
                        return names.filter { all.range(of: Data($0.utf8)) == nil }
                    }
                    while ContinuousClock.now < deadline, !missing().isEmpty {
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    #expect(missing().isEmpty, "spans not exported: \(missing()); \(received.withLockedValue { $0.count }) exports received")
                } catch {
                    _ = try? await server.stop()
                    throw error
                }
                let stopped = try await server.stop()
                #expect(stopped.status == 0 || stopped.status == 128 + 15, "\(stopped)")
            }
        }
    }
}
