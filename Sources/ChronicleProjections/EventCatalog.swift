public import Chronicle
public import Foundation

/// Every event type of an application, documented: its schema version and upcasters, its fields
/// with their Swift types and doc comments, an example of its data, and the aggregates,
/// projections and reactors that handle it. `events catalog` writes it as Markdown or as JSON
/// Schema; the Meetings sample keeps its catalog in `Examples/Meetings/EVENTS.md`.
///
/// ```swift
/// let catalog = EventCatalog(
///     events: [MeetingScheduled.self, MeetingCancelled.self], aggregates: [Meeting.self],
///     readSide: app.readSide, upcasters: app.store.upcasters, sources: [URL(fileURLWithPath: "Sources/Domain")])
/// try catalog.markdown().write(toFile: "EVENTS.md", atomically: true, encoding: .utf8)
/// ```
public struct EventCatalog: Sendable {
    /// One event type.
    public struct Entry: Sendable {
        /// Its stored name, such as `meeting.scheduled`.
        public var eventType: String
        /// The Swift type's name.
        public var swiftType: String
        /// The schema version new events are written with.
        public var schemaVersion: Int
        /// The doc comment of the Swift type, when the sources have one.
        public var documentation: String?
        /// Its upcasters, oldest first: `(event type, version) → (event type, version)`.
        public var upcasters: [Upcaster]
        /// Its fields, with their doc comments when the sources have them.
        public var fields: [Field]
        /// An example of its data, as stored.
        public var example: JSONValue?
        /// The fields that hold personal data, by path.
        public var personalFields: [String]
        /// The entity types of the aggregates that fold it.
        public var aggregates: [String]
        /// The projections that handle it.
        public var projections: [String]
        /// The reactors that handle it.
        public var reactors: [String]
    }

    /// A field of an event type.
    public struct Field: Sendable {
        /// Its path in the stored JSON.
        public var path: String
        /// Its Swift type.
        public var swiftType: String
        /// Whether it may be missing.
        public var isOptional: Bool
        /// The property's doc comment, when the sources have one.
        public var documentation: String?
    }

    /// The event types, by stored name.
    public var entries: [Entry]

    /// Documents event types.
    ///
    /// - Parameters:
    ///   - events: The event types.
    ///   - aggregates: The aggregates that fold them.
    ///   - readSide: The read side whose projections and reactors handle them, if any.
    ///   - upcasters: The store's upcasters (`SQLEventStore.upcasters`).
    ///   - sources: Folders or files of Swift source to read doc comments from; none by default.
    public init(
        events: [any Event.Type], aggregates: [any Aggregate.Type] = [], readSide: ReadSide? = nil, upcasters: Upcasters = Upcasters(),
        sources: [URL] = []
    ) {
        let documentation = SourceDocumentation(sources)
        entries = events.map { type in
            Self.entry(type, aggregates: aggregates, readSide: readSide, upcasters: upcasters, documentation: documentation)
        }
        .sorted { $0.eventType < $1.eventType }
    }

    private static func entry<E: Event>(
        _ type: E.Type, aggregates: [any Aggregate.Type], readSide: ReadSide?, upcasters: Upcasters, documentation: SourceDocumentation
    ) -> Entry {
        let shape = EventShape(of: E.self)
        let swiftType = String(describing: E.self)
        let typeDocs = documentation.type(swiftType)
        return Entry(
            eventType: E.eventType, swiftType: swiftType, schemaVersion: E.schemaVersion, documentation: typeDocs?.summary,
            upcasters: upcasters.steps(producing: E.eventType),
            fields: shape.fields.map { field in
                Field(
                    path: field.path, swiftType: field.swiftType, isOptional: field.isOptional,
                    documentation: field.path.contains(".") || field.path.hasSuffix("[]") ? nil : typeDocs?.property(storedAs: field.path, keys: E.storedKeys))
            },
            example: shape.example,
            personalFields: E.personalFields.map(\.path),
            aggregates: aggregates.filter { $0.handlesEvent(E.eventType) }.map { $0.entityType },
            projections: readSide.map { side in side.projectionNames.filter { side.eventTypes(handledBy: $0)?.contains(E.eventType) == true } } ?? [],
            reactors: readSide.map { side in side.reactorNames.filter { side.eventTypes(handledBy: $0)?.contains(E.eventType) == true } } ?? [])
    }
}

extension Aggregate {
    /// Whether the aggregate's handlers fold an event type.
    fileprivate static func handlesEvent(_ eventType: String) -> Bool {
        handlers.handles(eventType)
    }
}
