public import Foundation

/// What is known about an event besides its data: when it was recorded, who caused it, and how
/// it relates to other events and requests.
///
/// Metadata is stored in the `meta` column as a JSON object with the keys `actor`,
/// `correlation_id`, `causation_id` and `request_id`, next to the application's own keys from
/// ``custom``. The time is stored in the `created_at` column.
///
/// ```swift
/// var metadata = EventMetadata(actor: "user-7", correlationID: requestID, requestID: requestID)
/// metadata.custom["client_ip"] = "203.0.113.9"
/// ```
public struct EventMetadata: Hashable, Sendable {
    /// When the event was recorded, in microseconds. Leave it `nil` on new events: the store
    /// sets it from its clock. Recorded events always have it.
    public var createdAt: Date?

    /// Who caused the event: a user id, a service name, `"system"`.
    public var actor: String?

    /// Groups every event caused, directly or not, by one original request or command.
    public var correlationID: String?

    /// The id of the command or event that directly caused this event.
    public var causationID: String?

    /// The id of the HTTP request (or job) during which the event was recorded.
    public var requestID: String?

    /// The application's own keys. They must not reuse a key listed in ``reservedKeys``.
    public var custom: [String: JSONValue]

    /// The trace of the request that caused the event, as the tracer writes it for propagation
    /// (W3C `traceparent` and `tracestate` with OpenTelemetry), kept in ``custom`` under
    /// `trace_context`. A command executed within a trace sets it; a reaction continues it.
    public var traceContext: [String: String]? {
        get {
            guard case .object(let fields)? = custom[Telemetry.traceContextKey] else { return nil }
            let carrier = fields.compactMapValues { value -> String? in
                if case .string(let text) = value { return text }
                return nil
            }
            return carrier.isEmpty ? nil : carrier
        }
        set {
            custom[Telemetry.traceContextKey] = newValue.map { .object($0.mapValues(JSONValue.string)) }
        }
    }

    /// The JSON keys Chronicle uses itself; ``custom`` cannot contain them.
    public static let reservedKeys: Set<String> = [
        "created_at", "actor", "correlation_id", "causation_id", "request_id",
    ]

    /// Creates metadata. Every field is optional.
    public init(
        createdAt: Date? = nil,
        actor: String? = nil,
        correlationID: String? = nil,
        causationID: String? = nil,
        requestID: String? = nil,
        custom: [String: JSONValue] = [:]
    ) {
        self.createdAt = createdAt
        self.actor = actor
        self.correlationID = correlationID
        self.causationID = causationID
        self.requestID = requestID
        self.custom = custom
    }
}

extension EventMetadata {
    /// The `meta` column's JSON: every field except ``createdAt``, which has its own column.
    public func encodedForStorage() throws -> Data {
        var object = custom
        if let actor { object["actor"] = .string(actor) }
        if let correlationID { object["correlation_id"] = .string(correlationID) }
        if let causationID { object["causation_id"] = .string(causationID) }
        if let requestID { object["request_id"] = .string(requestID) }
        let strings = object.compactMapValues { value -> String? in
            guard case .string(let string) = value else { return nil }
            return string
        }
        if strings.count == object.count, let json = FlatStringObject.encode(strings) {
            return json
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try encoder.encode(object)
    }

    /// Reads the `meta` column's JSON back, with the time from the `created_at` column.
    public init(storedJSON: Data, createdAt: Date) throws {
        var object =
            try FlatStringObject.parse(storedJSON)?.mapValues(JSONValue.string)
            ?? JSONDecoder().decode([String: JSONValue].self, from: storedJSON)
        func take(_ key: String) -> String? {
            guard case .string(let value)? = object[key] else { return nil }
            object[key] = nil
            return value
        }
        self.init(
            createdAt: createdAt,
            actor: take("actor"),
            correlationID: take("correlation_id"),
            causationID: take("causation_id"),
            requestID: take("request_id"),
            custom: object
        )
    }
}
