public import Foundation

/// An error from appending, reading or decoding events.
///
/// Every store reports the same failures with the same ``Code``: a driver translates its
/// database's errors (a unique violation becomes ``Code/wrongExpectedVersion`` or
/// ``Code/duplicateEventID``), so application code never matches on driver error types.
/// A refused append has written nothing.
///
/// ```swift
/// do {
///     try await store.append(events, to: stream, expected: .exactly(loaded.version))
/// } catch let error as EventStoreError where error.code == .wrongExpectedVersion {
///     print(error.actualVersion ?? 0)   // reload and decide again
/// }
/// ```
public struct EventStoreError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. Compare with the static members; new kinds may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case wrongExpectedVersion = "wrong expected version"
            case entityTypeMismatch = "entity type mismatch"
            case entityNotFound = "entity not found"
            case duplicateEventID = "duplicate event id"
            case invalidInput = "invalid input"
            case unknownEventType = "unknown event type"
            case schemaVersionMismatch = "schema version mismatch"
            case undecodableEvent = "undecodable event"
            case missingUpcaster = "missing upcaster"
            case databaseFailure = "database failure"
            case unavailable = "unavailable"
            case busy = "busy"
            case bypassesInlineProjection = "bypasses inline projection"
            case notMigrated = "not migrated"
            case entityClosed = "entity closed"
            case inUseByAnotherProcess = "in use by another process"
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The entity was not at the expected version: another writer appended first.
        public static let wrongExpectedVersion = Code(.wrongExpectedVersion)
        /// The entity id is already used by an entity of another type.
        public static let entityTypeMismatch = Code(.entityTypeMismatch)
        /// The entity was archived or deleted: nothing more may be appended to its id.
        public static let entityClosed = Code(.entityClosed)
        /// A command or a load needs an entity that has no events.
        public static let entityNotFound = Code(.entityNotFound)
        /// An appended event's id is already stored.
        public static let duplicateEventID = Code(.duplicateEventID)
        /// The request was refused before writing: an empty name, a bad version, data that is not
        /// a JSON object, a payload over the limits.
        public static let invalidInput = Code(.invalidInput)
        /// A recorded event's type is not registered.
        public static let unknownEventType = Code(.unknownEventType)
        /// A recorded event's schema version is not the one its Swift type decodes.
        public static let schemaVersionMismatch = Code(.schemaVersionMismatch)
        /// A recorded event's data does not decode as its registered type.
        public static let undecodableEvent = Code(.undecodableEvent)
        /// A stored event version has no upcasting step towards its type's current version.
        public static let missingUpcaster = Code(.missingUpcaster)
        /// The database failed in a way Chronicle does not translate; see ``EventStoreError/underlying``.
        public static let databaseFailure = Code(.databaseFailure)
        /// The database cannot serve the request now: it is unreachable, did not answer within
        /// the deadline, is out of space, read-only or locked. Nothing was written, or (for a
        /// write whose connection broke at commit) the outcome is unknown; retry later.
        public static let unavailable = Code(.unavailable)
        /// Other writers kept changing the entity: a command could not be decided on a stable
        /// state within its retry budget. Nothing was written; retry later.
        public static let busy = Code(.busy)
        /// The database has no store schema yet (or, for a store that does not create its
        /// database, no database exists): migrate it first.
        public static let notMigrated = Code(.notMigrated)
        /// The append would skip an inline projection that handles its event types: append
        /// through the application (`EventSourcedApp.events`, `execute` or `aggregates()`) instead.
        public static let bypassesInlineProjection = Code(.bypassesInlineProjection)
        /// Another process runs the read side on a store that serves one process at a time (a
        /// SQLite file): run one server per file, or use PostgreSQL for several nodes.
        public static let inUseByAnotherProcess = Code(.inUseByAnotherProcess)

        /// The code's name, for example `wrong expected version`.
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code

    /// A sentence explaining the failure, naming what was refused.
    public var message: String

    /// The entity the failure concerns, if any.
    public var stream: StreamName?

    /// For ``Code/wrongExpectedVersion``: what the append expected.
    public var expectedVersion: ExpectedVersion?

    /// For ``Code/wrongExpectedVersion``: the entity's version when the append was refused.
    public var actualVersion: Int?

    /// The id of the event the failure concerns, if any.
    public var eventID: UUID?

    /// The position of the recorded event the failure concerns, if any.
    public var position: Int64?

    /// The driver's or decoder's own error, when there is one.
    public var underlying: (any Error)?

    /// Creates an error. Stores and the registry create these; application code matches ``code``.
    public init(
        code: Code,
        message: String,
        stream: StreamName? = nil,
        expectedVersion: ExpectedVersion? = nil,
        actualVersion: Int? = nil,
        eventID: UUID? = nil,
        position: Int64? = nil,
        underlying: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.stream = stream
        self.expectedVersion = expectedVersion
        self.actualVersion = actualVersion
        self.eventID = eventID
        self.position = position
        self.underlying = underlying
    }

    /// The conflict error of an append that expected `expected` but found `actual`.
    public static func wrongExpectedVersion(
        stream: StreamName, expected: ExpectedVersion, actual: Int
    ) -> EventStoreError {
        EventStoreError(
            code: .wrongExpectedVersion,
            message: "Wrong expected version for \(stream): the append expected \(expected), but the entity is at version \(actual).",
            stream: stream,
            expectedVersion: expected,
            actualVersion: actual
        )
    }

    /// The error of an append to an entity id that belongs to another entity type.
    ///
    /// An entity archived or deleted has the entity type of its tombstone event: an append to it
    /// is ``Code/entityClosed`` instead.
    public static func entityTypeMismatch(stream: StreamName, storedEntityType: String) -> EventStoreError {
        if storedEntityType == StreamArchived.entityType || storedEntityType == StreamDeleted.entityType {
            let what = storedEntityType == StreamArchived.entityType ? "archived" : "deleted"
            return EventStoreError(
                code: .entityClosed,
                message: "Cannot append to \(stream): entity id \"\(stream.entityID)\" was \(what), and nothing more may be appended to it. Nothing was appended.",
                stream: stream)
        }
        return EventStoreError(
            code: .entityTypeMismatch,
            message: "Cannot append to \(stream): entity id \"\(stream.entityID)\" belongs to a \(storedEntityType), not a \(stream.entityType).",
            stream: stream
        )
    }

    /// The error of a load or command that needs an entity without events.
    public static func entityNotFound(_ stream: StreamName) -> EventStoreError {
        EventStoreError(code: .entityNotFound, message: "\(stream) does not exist: it has no events.", stream: stream)
    }

    /// The error of an append whose event id is already stored.
    public static func duplicateEventID(_ id: UUID, stream: StreamName) -> EventStoreError {
        EventStoreError(
            code: .duplicateEventID,
            message: "Cannot append to \(stream): an event with id \(id.uuidString.lowercased()) is already stored. Nothing was appended.",
            stream: stream,
            eventID: id
        )
    }

    /// The error of a request refused before anything was written.
    public static func invalidInput(_ message: String, stream: StreamName? = nil, eventID: UUID? = nil) -> EventStoreError {
        EventStoreError(code: .invalidInput, message: message, stream: stream, eventID: eventID)
    }

    /// The error of a database that cannot serve the request now.
    ///
    /// - Parameters:
    ///   - message: A sentence naming the cause, such as the server's own reason.
    ///   - underlying: The driver's error, if any.
    public static func unavailable(_ message: String, underlying: (any Error)? = nil) -> EventStoreError {
        EventStoreError(code: .unavailable, message: message, underlying: underlying)
    }

    /// The error of an append that would skip an inline projection that handles its events.
    ///
    /// - Parameters:
    ///   - stream: The entity appended to.
    ///   - eventType: The event type the projection handles.
    ///   - projection: The inline projection.
    public static func bypassesInlineProjection(stream: StreamName, eventType: String, projection: String) -> EventStoreError {
        EventStoreError(
            code: .bypassesInlineProjection,
            message: "Cannot append to \(stream): the inline projection \(projection) handles \(eventType) events and would miss this one, which does not come through the application. Append through the application (its events, execute or aggregates()). Nothing was appended.",
            stream: stream)
    }

    /// The error of a read that asks for fewer than one event.
    public static func invalidReadLimit(_ limit: Int) -> EventStoreError {
        .invalidInput("A read must ask for at least one event, not \(limit).")
    }

    /// Whether an error says the database is ``Code/unavailable``: a failure of the database,
    /// not of the request or the event, which retrying later can cure.
    public static func isUnavailable(_ error: any Error) -> Bool {
        (error as? EventStoreError)?.code == .unavailable
    }

    /// `<code>: <message>`.
    ///
    /// The ``underlying`` error is left out: a driver's error may quote the query and its
    /// bindings, which can be large or private. Drivers put what matters into ``message``.
    public var description: String {
        "\(code): \(message)"
    }
}

