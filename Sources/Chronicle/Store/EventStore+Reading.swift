extension EventStore {
    /// Appends typed events to one entity, all or nothing, with the same metadata.
    ///
    /// ```swift
    /// try await store.append([MeetingScheduled(title: "Retro", startsAt: date)],
    ///                        to: StreamName(meetingID), expected: .noEvents,
    ///                        metadata: EventMetadata(actor: "user-7"))
    /// ```
    ///
    /// - Throws: Like ``EventStore/append(_:to:expected:)``, or the `EncodingError` of an event.
    @discardableResult
    public func append(
        _ events: [any Event],
        to stream: StreamName,
        expected: ExpectedVersion,
        metadata: EventMetadata = EventMetadata(),
        coder: EventCoder = .default
    ) async throws -> AppendResult {
        let newEvents = try events.map { try NewEvent($0, metadata: metadata, coder: coder) }
        return try await append(newEvents, to: stream, expected: expected)
    }

    /// Reads all events of one entity in version order, optionally only up to a version.
    ///
    /// ```swift
    /// let history = try await store.readStream(stream)                  // everything
    /// let asOfVersion3 = try await store.readStream(stream, through: 3) // time travel
    /// ```
    ///
    /// - Parameters:
    ///   - stream: The entity to read.
    ///   - lastVersion: The last version to read; `nil` reads to the newest event.
    ///   - batchSize: How many events each database query reads.
    /// - Returns: The events, empty when the entity has none.
    public func readStream(
        _ stream: StreamName, through lastVersion: Int? = nil, batchSize: Int = 1_000
    ) async throws -> [RecordedEvent] {
        var events: [RecordedEvent] = []
        while true {
            let batch = try await readStream(
                stream, after: events.last?.version ?? 0, through: lastVersion, limit: batchSize)
            events += batch
            if batch.count < batchSize { return events }
        }
    }

    /// The global log from a position to the head, read lazily in batches.
    ///
    /// The sequence holds one batch in memory at a time, so it can stream millions of events. It
    /// ends at the head position observed when it started reading; events appended later may or
    /// may not be included.
    ///
    /// ```swift
    /// for try await event in store.readLog(after: checkpoint, batchSize: 500) {
    ///     try await project(event)
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - position: Start after this position; 0 reads from the start.
    ///   - batchSize: How many events each database query reads.
    public func readLog(after position: Int64 = 0, batchSize: Int = 1_000) -> EventLogSequence {
        EventLogSequence(store: self, after: position, batchSize: batchSize)
    }
}
