import Chronicle
public import ChronicleSQL
import SQLKit

/// The event store that applies a read side's inline projections inside every append.
///
/// The store refuses an append of event types an inline projection handles unless it comes
/// this way (`EventStoreError.Code.bypassesInlineProjection`), so an inline projection never
/// misses an event.
struct InlineProjectionStore: EventStore {
    let readSide: ReadSide

    @discardableResult
    func append(_ events: [NewEvent], to stream: StreamName, expected: ExpectedVersion) async throws -> AppendResult {
        try await append(events, to: stream, expected: expected, alsoRunning: nil)
    }

    /// Appends events, applying the inline projections that handle them and, when given, other
    /// work in the same transaction (a system event's: forgetting, archiving).
    func append(
        _ events: [NewEvent], to stream: StreamName, expected: ExpectedVersion,
        alsoRunning extra: (@Sendable (any SQLDatabase, AppendResult) async throws -> Void)?
    ) async throws -> AppendResult {
        let database = readSide.database
        let types = Set(events.map(\.eventType))
        let inline = readSide.projections.filter { $0.mode == .inline && !$0.handlers.eventTypes.isDisjoint(with: types) }
        guard !inline.isEmpty else {
            guard let extra else { return try await database.append(events, to: stream, expected: expected) }
            return try await database.append(events, to: stream, expected: expected, sharingLocksOf: [], within: extra)
        }
        let current = try await readSide.currentInlineProjections()
        // A projection whose tables are of another version is not applied: it needs a rebuild,
        // which replays these events too. The append still comes through here, which the store
        // requires of every append an inline projection handles.
        let live = inline.filter { current.contains($0.name) }
        let dialect = database.dialect
        let upcasters = database.upcasters
        return try await database.append(events, to: stream, expected: expected, sharingLocksOf: live.map(\.name)) { sql, result in
            try await extra?(sql, result)
            // Projections see events as readers will: an event appended at an old version is upcast.
            let events = try upcasters.upcast(result.events)
            for projection in live {
                try await projection.apply(events, sql: sql, dialect: dialect, tables: projection.tableNames(shadowGeneration: nil))
            }
        }
    }

    func readStream(_ stream: StreamName, after version: Int, through lastVersion: Int?, limit: Int) async throws -> [RecordedEvent] {
        try await readSide.database.readStream(stream, after: version, through: lastVersion, limit: limit)
    }

    func readLog(after position: Int64, limit: Int) async throws -> [RecordedEvent] {
        try await readSide.database.readLog(after: position, limit: limit)
    }

    func headPosition() async throws -> Int64 {
        try await readSide.database.headPosition()
    }
}

extension ReadSide {
    /// The inline projections whose tables are at the code's version.
    ///
    /// - Throws: ``ReadSideError/Code/notMigrated`` when an inline projection was never set up.
    func currentInlineProjections() async throws -> Set<String> {
        let projections = projections
        let database = database
        return try await inlineState.currentNames {
            let rows = try await database.withReadConnection { sql in try await Bookkeeping.projections(on: sql) }
            var current = Set<String>()
            for projection in projections where projection.mode == .inline {
                guard let row = rows.first(where: { $0.name == projection.name }) else {
                    throw ReadSideError(
                        code: .notMigrated,
                        message: "Inline projection \(projection.name) has no tables yet, so nothing it handles can be appended. Migrate it first.",
                        name: projection.name)
                }
                if row.version == projection.version && row.mode == ProjectionMode.inline.rawValue {
                    current.insert(projection.name)
                }
            }
            return current
        }
    }
}

extension ReadSide {
    /// The append of system events (`SubjectForgotten`, `StreamArchived`, `StreamDeleted`)
    /// through this read side's inline projections: what `SQLEventStore.forget`, `archive` and
    /// `delete` take as `appending` (`EventSourcedApp` passes it for you).
    public var systemEventAppend: SystemEventAppend {
        let inline = InlineProjectionStore(readSide: self)
        return { events, stream, expected, work in
            try await inline.append(events, to: stream, expected: expected, alsoRunning: work)
        }
    }
}
