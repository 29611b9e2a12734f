import Foundation
import InMemoryTracing
import Instrumentation
import NIOHTTP1
import TestSupport
import Testing
import Tracing

/// The tracer of the whole test process: bootstrapped once, by the first test that needs it.
/// Other tests' spans land in it too; each test finds its own by the entity it writes.
let inMemoryTracer: InMemoryTracer = {
    let tracer = InMemoryTracer()
    InstrumentationSystem.bootstrap(tracer)
    return tracer
}()

@Suite("Tracing: from a request to the reactions to its events")
struct TracingTests {
    @Test("One trace goes from an HTTP request through its command and append to a reaction that ran afterwards", arguments: Framework.allCases)
    func oneTraceFromRequestToReaction(framework: Framework) async throws {
        let tracer = inMemoryTracer
        let account = "acct-\(UUID().uuidString.lowercased())"
        let entity = SpanAttribute.string("account/\(account)")
        try await framework.serve(on: .sqlite) { client in
            try await client.open(account)
            try await client.send(.POST, "/accounts/\(account)/deposits", body: #"{"amount": 250000}"#)
            let withdrawal = try await client.send(.POST, "/accounts/\(account)/withdrawals", body: #"{"amount": 150000}"#)
            #expect(withdrawal.status == 200, "\(withdrawal)")

            // The alert's reactor runs after the response, in the read side's runner.
            let deadline = ContinuousClock.now + .seconds(30)
            var spans = tracer.finishedSpans
            func command() -> FinishedInMemorySpan? {
                spans.first { $0.operationName == "chronicle.command" && $0.attributes.get("chronicle.command") == .string("Withdraw") && $0.attributes.get("chronicle.entity") == entity }
            }
            func reaction(in trace: String) -> FinishedInMemorySpan? {
                spans.first { $0.operationName == "chronicle.reaction" && $0.traceID == trace && $0.attributes.get("chronicle.reactor") == .string("large-withdrawal-alert") }
            }
            while ContinuousClock.now < deadline, command().flatMap({ reaction(in: $0.traceID) }) == nil {
                try await Task.sleep(for: .milliseconds(50))
                spans = tracer.finishedSpans
            }
            let commandSpan = try #require(command(), "the command has a span")
            let requestSpan = try #require(spans.first { $0.spanID == commandSpan.parentSpanID }, "the command's span is a child of another")
            #expect(requestSpan.kind == .server, "the command's parent is the request's span: \(requestSpan.operationName)")
            let appendSpan = try #require(spans.first { $0.operationName == "chronicle.append" && $0.parentSpanID == commandSpan.spanID })
            #expect(appendSpan.attributes.get("chronicle.events") == .int64(1))
            let reactionSpan = try #require(reaction(in: commandSpan.traceID), "the reaction continues the request's trace")
            #expect(reactionSpan.parentSpanID == appendSpan.spanID, "the reaction's parent is the append that wrote its event")
            #expect(reactionSpan.kind == .consumer)
            #expect(Set([requestSpan.traceID, commandSpan.traceID, appendSpan.traceID, reactionSpan.traceID]).count == 1, "one trace")
            let load = spans.first { $0.operationName == "chronicle.load" && $0.parentSpanID == reactionSpan.spanID }
            #expect(load != nil, "the reactor's load of the account is a child of the reaction")
        }
    }
}
