package import CoreMetrics
package import Instrumentation
import ServiceContextModule
import Tracing

/// The metrics and spans Chronicle reports, by name, and how a trace travels with events.
///
/// Metrics go to the `metrics` factory of `Aggregates.Configuration` (the read side's, through
/// its `aggregates` setting); spans to the tracer bootstrapped with `InstrumentationSystem`.
/// The names and what they mean are listed in the documentation's "Metrics and Tracing".
package enum Telemetry {
    /// Timer: how long a command took, validation to append (dimensions `command`, `outcome`).
    package static let commandDuration = "chronicle_command_duration_seconds"
    /// Counter: conflicts that made a command be decided again (dimension `command`).
    package static let commandConflicts = "chronicle_command_conflicts_total"
    /// Timer: how long a command's append took (dimension `entity_type`).
    package static let appendDuration = "chronicle_append_duration_seconds"
    /// Recorder: how many events one append wrote (dimension `entity_type`).
    package static let appendEvents = "chronicle_append_events"
    /// Timer: how long an async projection's batch took, read to commit (dimension `projection`).
    package static let projectionBatchDuration = "chronicle_projection_batch_duration_seconds"
    /// Gauge: events of the log an async projection has not applied yet (dimension `projection`).
    package static let projectionLagEvents = "chronicle_projection_lag_events"
    /// Gauge: how old the newest event an async projection applied was when it applied it, in
    /// seconds; 0 once caught up (dimension `projection`).
    package static let projectionLagSeconds = "chronicle_projection_lag_seconds"
    /// Counter: failed steps of a projection or reactor runner (dimension `consumer`).
    package static let consumerFailures = "chronicle_consumer_failures_total"
    /// Counter: effects a reactor ran (dimension `reactor`).
    package static let reactions = "chronicle_reactions_total"
    /// Counter: effects that failed (dimension `reactor`).
    package static let reactorFailures = "chronicle_reactor_failures_total"
    /// Counter: events a rebuild replayed (dimension `projection`): its rate is the rebuild's rate.
    package static let rebuildEvents = "chronicle_rebuild_events_total"

    /// The metadata key that carries the trace of the request that caused an event.
    package static let traceContextKey = "trace_context"

    /// The current trace, as the bootstrapped instrument writes it for propagation (W3C
    /// `traceparent` with OpenTelemetry), when the code runs within a trace; `nil` otherwise.
    package static func currentTraceContext() -> [String: String]? {
        guard let context = ServiceContext.current else { return nil }
        var carrier: [String: String] = [:]
        InstrumentationSystem.instrument.inject(context, into: &carrier, using: DictionaryInjector())
        return carrier.isEmpty ? nil : carrier
    }

    /// The trace an event carries, to continue it (a reaction that runs later, in another
    /// process), or `nil` when the event carries none.
    package static func serviceContext(continuing carrier: [String: String]) -> ServiceContext? {
        guard !carrier.isEmpty else { return nil }
        var context = ServiceContext.topLevel
        InstrumentationSystem.instrument.extract(carrier, into: &context, using: DictionaryExtractor())
        return context
    }
}

/// Writes propagation fields into a dictionary.
package struct DictionaryInjector: Injector {
    package init() {}
    package func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
        carrier[key] = value
    }
}

/// Reads propagation fields from a dictionary.
package struct DictionaryExtractor: Extractor {
    package init() {}
    package func extract(key: String, from carrier: [String: String]) -> String? {
        carrier[key]
    }
}

extension Timer {
    /// Records the time since an instant of the continuous clock.
    package func recordInterval(since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}
