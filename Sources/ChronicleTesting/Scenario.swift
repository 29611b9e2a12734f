public import Chronicle
public import Foundation
public import Testing

/// A given/when/then test of a command: past events, a command, and the events (or the error)
/// it must produce.
///
/// ```swift
/// @Test func acceptsAnInvitation() async throws {
///     try await Scenario(Meeting.self)
///         .given(MeetingScheduled(title: "Retro", startsAt: later, inviteeIDs: [2, 3], organizerID: 1))
///         .when(AcceptInvitation(userID: 2))
///         .then(InvitationAccepted(userID: 2))
/// }
/// ```
///
/// Events are compared by type and JSON payload, never by generated ids or times. Each check
/// runs on a new store: an `InMemoryEventStore` unless another ``StoreScope`` is given,
/// and a failing command must leave the store as the given events left it.
public struct Scenario<A: Aggregate>: Sendable {
    /// The time commands see unless ``at(_:)`` says otherwise: 2027-01-15 08:00:00 UTC.
    public static var defaultNow: Date { Date(timeIntervalSince1970: 1_800_000_000) }

    let id: EntityID<A>
    let history: [any Event]
    let now: Date
    let store: StoreScope

    /// Starts a scenario about one entity.
    ///
    /// - Parameters:
    ///   - type: The aggregate.
    ///   - id: The entity's id.
    ///   - store: Where to run; a new in-memory store by default.
    public init(_ type: A.Type, id: EntityID<A> = "scenario-entity", in store: @escaping StoreScope = inMemoryStore) {
        self.init(id: id, history: [], now: Self.defaultNow, store: store)
    }

    private init(id: EntityID<A>, history: [any Event], now: Date, store: @escaping StoreScope) {
        self.id = id
        self.history = history
        self.now = now
        self.store = store
    }

    /// The entity's past: events appended before the command.
    public func given(_ events: any Event...) -> Scenario {
        Scenario(id: id, history: history + events, now: now, store: store)
    }

    /// The time validation and `decide` see.
    public func at(_ now: Date) -> Scenario {
        Scenario(id: id, history: history, now: now, store: store)
    }

    /// The command under test.
    public func when<C: Command>(_ command: C, metadata: EventMetadata = EventMetadata()) -> ScenarioOutcome<A, C>
    where C.Target == A {
        ScenarioOutcome(scenario: self, command: command, metadata: metadata)
    }
}

/// The end of a ``Scenario``: what executing its command must do.
public struct ScenarioOutcome<A: Aggregate, C: Command>: Sendable where C.Target == A {
    let scenario: Scenario<A>
    let command: C
    let metadata: EventMetadata

    /// Expects the command to append exactly these events, in order.
    public func then(_ expected: any Event..., sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let expected = try expected.map(ComparableEvent.init)
        try await run(sourceLocation: sourceLocation) { outcome, stored in
            switch outcome {
            case .success(let result):
                let appended = try result.events.map(ComparableEvent.init)
                #expect(appended == expected, "\(C.self) appended\n\(appended.listed)\nexpected\n\(expected.listed)", sourceLocation: sourceLocation)
                #expect(stored == appended, "the store holds what the command returned", sourceLocation: sourceLocation)
            case .failure(let error):
                Issue.record("\(C.self) failed with \(String(reflecting: error)); expected\n\(expected.listed)", sourceLocation: sourceLocation)
            }
        }
    }

    /// Expects the command to succeed without appending anything.
    public func thenNothingHappens(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await then(sourceLocation: sourceLocation)
    }

    /// Expects the command to throw an error equal to `expected`, and to write nothing.
    public func thenFails<E: Error & Equatable>(with expected: E, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await expectFailure(sourceLocation: sourceLocation) { error in
            #expect(error as? E == expected, "expected \(expected), got \(String(reflecting: error))", sourceLocation: sourceLocation)
        }
    }

    /// Expects the command to throw a `DomainError` with this code, and to write nothing.
    public func thenFails(code: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await expectFailure(sourceLocation: sourceLocation) { error in
            #expect((error as? any DomainError)?.code == code, "expected a rule violation \"\(code)\", got \(String(reflecting: error))", sourceLocation: sourceLocation)
        }
    }

    /// Expects the command to throw an `EventStoreError` with this code, and to write nothing.
    public func thenFails(with code: EventStoreError.Code, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await expectFailure(sourceLocation: sourceLocation) { error in
            #expect((error as? EventStoreError)?.code == code, "expected \(code), got \(String(reflecting: error))", sourceLocation: sourceLocation)
        }
    }

    /// Expects the command to fail validation with exactly these codes per field, and to write nothing.
    ///
    /// ```swift
    /// .thenFails(validation: ["title": ["blank"], "invitee_ids[1]": ["not_positive"]])
    /// ```
    public func thenFails(validation expected: [String: [String]], sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await expectFailure(sourceLocation: sourceLocation) { error in
            guard let error = error as? CommandValidationError else {
                Issue.record("expected validation failures \(expected), got \(String(reflecting: error))", sourceLocation: sourceLocation)
                return
            }
            let codes = error.failuresByField.mapValues { $0.map(\.code) }
            #expect(codes == expected, "\(error)", sourceLocation: sourceLocation)
        }
    }

    private func expectFailure(
        sourceLocation: SourceLocation, _ check: @escaping @Sendable (any Error) -> Void
    ) async throws {
        try await run(sourceLocation: sourceLocation) { outcome, stored in
            switch outcome {
            case .success(let result):
                Issue.record("\(C.self) succeeded and appended \(result.events.count) event(s); expected it to fail", sourceLocation: sourceLocation)
            case .failure(let error):
                check(error)
                #expect(stored.isEmpty, "a failed command appended\n\(stored.listed)", sourceLocation: sourceLocation)
            }
        }
    }

    /// Appends the history, executes the command, and hands its outcome and the events the
    /// store holds after the history to `check`.
    private func run(
        sourceLocation: SourceLocation,
        _ check: @escaping @Sendable (Result<CommandResult<A>, any Error>, [ComparableEvent]) throws -> Void
    ) async throws {
        let scenario = scenario
        let command = command
        let metadata = metadata
        try await scenario.store(EventLimits()) { store in
            let stream = StreamName(scenario.id)
            if !scenario.history.isEmpty {
                try await store.append(scenario.history, to: stream, expected: .noEvents, metadata: EventMetadata(actor: "scenario"))
            }
            let now = scenario.now
            let aggregates = Aggregates(store: store, snapshots: store as? any SnapshotStore, configuration: .init(now: { now }))
            let outcome: Result<CommandResult<A>, any Error>
            do {
                outcome = .success(try await aggregates.execute(command, on: scenario.id, metadata: metadata))
            } catch {
                outcome = .failure(error)
            }
            let stored = try await store.readStream(stream).dropFirst(scenario.history.count).map(ComparableEvent.init)
            try check(outcome, stored)
        }
    }
}

/// An event as scenarios compare it: its type and its JSON, without ids or times.
struct ComparableEvent: Equatable, Sendable, CustomStringConvertible {
    var eventType: String
    var json: JSONValue

    init(_ event: any Event) throws {
        self.eventType = type(of: event).eventType
        self.json = try JSONDecoder().decode(JSONValue.self, from: EventCoder.default.encode(event))
    }

    init(_ event: RecordedEvent) throws {
        self.eventType = event.eventType
        self.json = try JSONDecoder().decode(JSONValue.self, from: event.data)
    }

    var description: String {
        let data = (try? JSONEncoder.sorted.encode(json)).map { String(decoding: $0, as: UTF8.self) } ?? "?"
        return "\(eventType) \(data)"
    }
}

extension [ComparableEvent] {
    var listed: String { isEmpty ? "  (no events)" : map { "  \($0)" }.joined(separator: "\n") }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
