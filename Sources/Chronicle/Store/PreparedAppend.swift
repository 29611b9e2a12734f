public import Foundation

/// An append checked against the limits and stamped with its time: what a driver writes.
///
/// Every store begins an append by building a `PreparedAppend`, so all drivers refuse the same
/// bad input with the same ``EventStoreError/Code/invalidInput`` before touching the database,
/// and all stamp times the same way. A driver then reads the entity's current version, calls
/// ``check(currentVersion:storedEntityType:)``, writes ``entries`` at the versions that follow,
/// and returns ``recordedEvents(after:positions:)``.
///
/// ```swift
/// let append = try PreparedAppend(events, to: stream, expected: expected, limits: limits, now: now())
/// try append.check(currentVersion: current, storedEntityType: storedType)
/// // INSERT each entry at version current + 1 + offset …
/// return AppendResult(events: append.recordedEvents(after: current, positions: positions))
/// ```
public struct PreparedAppend: Sendable {
    /// One event ready to be written.
    public struct Entry: Sendable {
        /// The event id.
        public var id: UUID
        /// The event type name.
        public var eventType: String
        /// The version of the data's shape.
        public var schemaVersion: Int
        /// The data: UTF-8 JSON text of an object, within the size limit.
        public var data: Data
        /// The metadata, with ``EventMetadata/createdAt`` set, to the microsecond.
        public var metadata: EventMetadata
        /// The `meta` column's JSON.
        public var metadataJSON: Data

        /// The `created_at` column: the metadata's time, which a prepared entry always has.
        public var createdAt: Date { metadata.createdAt ?? Date(timeIntervalSince1970: 0) }
    }

    /// The entity appended to.
    public let stream: StreamName

    /// The expectation about the entity's current version.
    public let expected: ExpectedVersion

    /// The events in the order they are appended. Never empty.
    public let entries: [Entry]

    /// Checks an append and stamps its events.
    ///
    /// - Parameters:
    ///   - events: The events to append, at least one.
    ///   - stream: The entity to append to.
    ///   - expected: The expected current version; `.exactly` must not be negative.
    ///   - limits: The sizes not to exceed.
    ///   - now: The time given to events whose metadata has no ``EventMetadata/createdAt``.
    /// - Throws: ``EventStoreError/Code/invalidInput`` naming the first problem found.
    public init(
        _ events: [NewEvent],
        to stream: StreamName,
        expected: ExpectedVersion,
        limits: EventLimits,
        now: Date
    ) throws {
        func refuse(_ problem: String, eventID: UUID? = nil) -> EventStoreError {
            .invalidInput("Cannot append to \(stream): \(problem). Nothing was appended.", stream: stream, eventID: eventID)
        }

        if let problem = Self.problem(withName: stream.entityType) {
            throw refuse("the entity type \(problem)")
        }
        if let problem = Self.problem(withIdentifier: stream.entityID) {
            throw refuse("the entity id \(problem)")
        }
        if case .exactly(let version) = expected, version < 0 {
            throw refuse("the expected version \(version) is negative")
        }
        if events.isEmpty {
            throw refuse("there are no events to append")
        }
        if events.count > limits.maximumEventsPerAppend {
            throw refuse("\(events.count) events exceed the limit of \(limits.maximumEventsPerAppend) per append")
        }

        let stamp = Timestamp.rounded(now)
        var seenIDs = Set<UUID>()
        var entries: [Entry] = []
        entries.reserveCapacity(events.count)
        for (index, event) in events.enumerated() {
            let which = "event \(index + 1) (\(event.eventType.isEmpty ? "no type" : event.eventType))"
            if !seenIDs.insert(event.id).inserted {
                throw refuse("\(which) repeats the id \(event.id.uuidString.lowercased()) of an earlier event in the same append", eventID: event.id)
            }
            if let problem = Self.problem(withName: event.eventType) {
                throw refuse("the event type of \(which) \(problem)", eventID: event.id)
            }
            if !(1...Self.maximumSchemaVersion).contains(event.schemaVersion) {
                throw refuse(
                    "\(which) has schema version \(event.schemaVersion); schema versions run from 1 to \(Self.maximumSchemaVersion)",
                    eventID: event.id)
            }
            if event.data.count > limits.maximumDataSize {
                throw refuse("the data of \(which) is \(event.data.count) bytes, over the limit of \(limits.maximumDataSize)", eventID: event.id)
            }
            if let problem = JSONText.problem(withObject: event.data, trusted: event.isEncodedByChronicle) {
                throw refuse("the data of \(which) \(problem)", eventID: event.id)
            }
            if let key = event.metadata.custom.keys.first(where: EventMetadata.reservedKeys.contains) {
                throw refuse("the metadata of \(which) uses the reserved key \"\(key)\" as a custom key", eventID: event.id)
            }

            var metadata = event.metadata
            metadata.createdAt = metadata.createdAt.map(Timestamp.rounded) ?? stamp
            let metadataJSON: Data
            do {
                metadataJSON = try metadata.encodedForStorage()
            } catch {
                throw refuse("the metadata of \(which) cannot be encoded as JSON: \(error)", eventID: event.id)
            }
            if metadataJSON.count > limits.maximumMetadataSize {
                throw refuse("the metadata of \(which) is \(metadataJSON.count) bytes, over the limit of \(limits.maximumMetadataSize)", eventID: event.id)
            }
            if let problem = JSONText.unstorableString(in: metadataJSON) {
                throw refuse("the metadata of \(which) \(problem)", eventID: event.id)
            }
            entries.append(Entry(
                id: event.id,
                eventType: event.eventType,
                schemaVersion: event.schemaVersion,
                data: event.data,
                metadata: metadata,
                metadataJSON: metadataJSON
            ))
        }
        self.stream = stream
        self.expected = expected
        self.entries = entries
    }

    /// Checks the expectation against the entity as stored.
    ///
    /// - Parameters:
    ///   - currentVersion: The entity's current version; 0 when it has no events.
    ///   - storedEntityType: The entity type stored with the entity's events, `nil` when it has none.
    /// - Throws: ``EventStoreError/Code/entityTypeMismatch`` or ``EventStoreError/Code/wrongExpectedVersion``.
    public func check(currentVersion: Int, storedEntityType: String?) throws {
        if let storedEntityType, storedEntityType != stream.entityType {
            throw EventStoreError.entityTypeMismatch(stream: stream, storedEntityType: storedEntityType)
        }
        if !expected.isSatisfied(byCurrentVersion: currentVersion) {
            throw EventStoreError.wrongExpectedVersion(stream: stream, expected: expected, actual: currentVersion)
        }
    }

    /// The error of this append when an inline projection handles one of its event types.
    ///
    /// - Parameters:
    ///   - projection: The inline projection's name.
    ///   - handledTypes: The event types it handles, as the store keeps them: a JSON array.
    public func bypassing(_ projection: String, handledTypes: String) -> EventStoreError {
        let handled = (try? JSONDecoder().decode([String].self, from: Data(handledTypes.utf8))) ?? []
        let eventType = entries.first { handled.contains($0.eventType) }?.eventType ?? entries[0].eventType
        return .bypassesInlineProjection(stream: stream, eventType: eventType, projection: projection)
    }

    /// Runs a driver's insert, trying again while an append at ``ExpectedVersion/any`` loses races.
    ///
    /// An append at any version only fails with ``EventStoreError/Code/wrongExpectedVersion`` when
    /// another writer took the version between the driver's read and its insert. Reading again
    /// and inserting after that writer's events is then what the caller asked for.
    ///
    /// - Parameter insert: Reads the entity's current version and inserts the entries after it.
    /// - Throws: The insert's error; a lost race after ``attemptsAtAnyVersion`` attempts.
    public func retryingLostRaces(_ insert: () async throws -> AppendResult) async throws -> AppendResult {
        var attempt = 1
        while true {
            do {
                return try await insert()
            } catch let error as EventStoreError
                where error.code == .wrongExpectedVersion && expected == .any && attempt < Self.attemptsAtAnyVersion
            {
                attempt += 1
            }
        }
    }

    /// How often an append at any version is tried when other writers keep taking the version.
    public static let attemptsAtAnyVersion = 100

    /// The recorded events once written at the versions after `version`.
    ///
    /// - Parameters:
    ///   - version: The entity's version before the append.
    ///   - positions: The positions the store gave the entries, one per entry, in order.
    public func recordedEvents(after version: Int, positions: [Int64]) -> [RecordedEvent] {
        precondition(positions.count == entries.count, "One position per appended event.")
        return zip(entries, positions).enumerated().map { offset, pair in
            let (entry, position) = pair
            return RecordedEvent(
                position: position,
                id: entry.id,
                stream: stream,
                version: version + 1 + offset,
                eventType: entry.eventType,
                schemaVersion: entry.schemaVersion,
                metadata: entry.metadata,
                data: entry.data
            )
        }
    }

    /// The highest schema version an event can have (the largest 32-bit integer).
    public static let maximumSchemaVersion = Int(Int32.max)

    /// The longest entity type, entity id or event type, in bytes of UTF-8.
    public static let maximumNameLength = 255

    /// Why a type name cannot be stored, or `nil` when it can.
    static func problem(withName name: String) -> String? {
        if let problem = problem(withIdentifier: name) { return problem }
        if name.first!.isWhitespace || name.last!.isWhitespace {
            return "\"\(name)\" begins or ends with whitespace"
        }
        return nil
    }

    /// Why an identifier cannot be stored, or `nil` when it can.
    static func problem(withIdentifier identifier: String) -> String? {
        if identifier.isEmpty { return "is empty" }
        if identifier.utf8.count > maximumNameLength {
            return "is \(identifier.utf8.count) bytes long, over the limit of \(maximumNameLength)"
        }
        if identifier.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "contains a control character"
        }
        return nil
    }
}
