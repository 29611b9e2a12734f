import Foundation
import Logging
import Tracing

extension Aggregates {
    /// Loads an entity's state by folding its events, optionally as it was at a past point.
    ///
    /// Events are read in batches, decoded through the aggregate's handlers and applied in
    /// version order. A ``SnapshottingAggregate`` starts from its newest snapshot of the current
    /// schema (not for ``PointInTime/time(_:)``) and saves a new one when enough events follow it.
    ///
    /// ```swift
    /// let now = try await aggregates.load(Meeting.self, id: id)
    /// let then = try await aggregates.load(Meeting.self, id: id, asOf: .version(2))
    /// ```
    ///
    /// - Parameters:
    ///   - type: The aggregate type.
    ///   - id: The entity.
    ///   - point: A past point to stop at; `nil` loads the newest state.
    /// - Throws: ``EventStoreError/Code/entityNotFound`` when the entity has no events (up to the
    ///   point), or the error of an event that does not decode.
    public func load<A: Aggregate>(_ type: A.Type = A.self, id: EntityID<A>, asOf point: PointInTime? = nil) async throws -> Versioned<A> {
        let folded = try await fold(A.self, id: id, asOf: point)
        guard folded.state.exists else { throw EventStoreError.entityNotFound(StreamName(id)) }
        return folded.state
    }

    /// An entity's state, and the version of its newest snapshot (0 when there is none).
    struct Folded<A: Aggregate> {
        var state: Versioned<A>
        var snapshotVersion: Int
    }

    /// The entity's state (``Aggregate/init()`` at version 0 when it has no events).
    func fold<A: Aggregate>(_ type: A.Type, id: EntityID<A>, asOf point: PointInTime?) async throws -> Folded<A> {
        try await withSpan("chronicle.load", ofKind: .client) { span in
            span.attributes["chronicle.entity"] = StreamName(id).description
            let folded = try await foldEvents(A.self, id: id, asOf: point)
            span.attributes["chronicle.version"] = folded.state.version
            span.attributes["chronicle.snapshot_version"] = folded.snapshotVersion
            return folded
        }
    }

    private func foldEvents<A: Aggregate>(_ type: A.Type, id: EntityID<A>, asOf point: PointInTime?) async throws -> Folded<A> {
        let stream = StreamName(id)
        var loaded = Versioned(id: id, state: A(), version: 0)
        var snapshotVersion = 0
        if let snapshot = await startingSnapshot(A.self, id: id, asOf: point) {
            loaded = snapshot
            snapshotVersion = snapshot.version
        }
        var lastVersion: Int?
        if case .version(let version) = point { lastVersion = version }
        reading: while true {
            let batch = try await store.readStream(
                stream, after: loaded.version, through: lastVersion, limit: configuration.readBatchSize)
            for event in batch {
                if case .time(let time) = point, event.createdAt > time { break reading }
                try await A.handlers.apply(event, to: &loaded.state)
                loaded.version = event.version
            }
            if batch.count < configuration.readBatchSize { break }
        }
        if point == nil, await saveSnapshotIfDue(loaded, since: snapshotVersion) {
            snapshotVersion = loaded.version
        }
        return Folded(state: loaded, snapshotVersion: snapshotVersion)
    }

    /// The newest usable snapshot of the entity, decoded, or `nil`.
    private func startingSnapshot<A: Aggregate>(_ type: A.Type, id: EntityID<A>, asOf point: PointInTime?) async -> Versioned<A>? {
        guard let snapshots, let snapshotting = A.self as? any SnapshottingAggregate.Type else { return nil }
        if case .time = point { return nil }
        let stream = StreamName(id)
        let snapshot: Snapshot?
        do {
            snapshot = try await snapshots.snapshot(of: stream)
        } catch {
            configuration.logger.warning("Reading a snapshot failed; folding all events", metadata: ["stream": "\(stream)", "error": "\(error)"])
            return nil
        }
        guard let snapshot, snapshot.schema == snapshotting.snapshotSchema else { return nil }
        if case .version(let version) = point, snapshot.version > version { return nil }
        do {
            guard let state = try decodeState(snapshotting, from: snapshot.state) as? A else { return nil }
            return Versioned(id: id, state: state, version: snapshot.version)
        } catch {
            configuration.logger.warning("A snapshot does not decode; folding all events", metadata: ["stream": "\(stream)", "error": "\(error)"])
            return nil
        }
    }

    /// Saves a snapshot when enough events follow the last one, and says whether it did. A
    /// failure is logged, not thrown: snapshots are a cache.
    @discardableResult
    func saveSnapshotIfDue<A: Aggregate>(_ loaded: Versioned<A>, since snapshotVersion: Int) async -> Bool {
        guard let snapshots, let state = loaded.state as? any SnapshottingAggregate,
            loaded.version - snapshotVersion >= type(of: state).snapshotEvery
        else { return false }
        let stream = StreamName(loaded.id)
        do {
            let snapshot = Snapshot(
                stream: stream, version: loaded.version, schema: type(of: state).snapshotSchema,
                state: try configuration.coder.encode(state))
            try await snapshots.saveSnapshot(snapshot)
            return true
        } catch {
            configuration.logger.warning("Saving a snapshot failed", metadata: ["stream": "\(stream)", "error": "\(error)"])
            return false
        }
    }

    private func decodeState<S: SnapshottingAggregate>(_ type: S.Type, from data: Data) throws -> S {
        try configuration.coder.decode(S.self, from: data)
    }
}
