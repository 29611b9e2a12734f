import Chronicle
import ChronicleMigrations
import ChronicleSQL
import Foundation

extension ReadSide {
    /// Each projection's and reactor's checkpoint, lag, state, last failure and parked events.
    ///
    /// - Throws: ``ReadSideError/Code/notMigrated`` when the store's schema or the
    ///   application's migrations have pending ones; `MigrationError` when an applied migration's file has changed.
    public func status() async throws -> ReadSideStatus {
        try await checkMigrated()
        let head = try await database.headPosition()
        let (projectionRows, rebuildRows, reactorRows, parked, leases) = try await database.withReadConnection { sql in
            var rebuilds: [RebuildRow] = []
            for projection in projections {
                if let rebuild = try await Bookkeeping.rebuild(projection.name, on: sql) { rebuilds.append(rebuild) }
            }
            return (
                try await Bookkeeping.projections(on: sql), rebuilds, try await Bookkeeping.reactors(on: sql),
                try await Bookkeeping.parkedEvents(of: nil, on: sql), try await Leases.all(on: sql)
            )
        }
        func count(_ consumer: String, generation: Int, _ state: ParkedEvent.State) -> Int {
            parked.count { $0.consumer == consumer && $0.generation == generation && $0.state == state }
        }
        let projectionStatus = projections.map { projection in
            let row = projectionRows.first { $0.name == projection.name }
            let generation = row?.generation ?? 0
            let parkedEvents = count(projection.name, generation: generation, .parked)
            let state: ProjectionStatus.State
            if let row {
                if row.version != projection.version || row.mode != projection.mode.rawValue || row.partitions != projection.partitions {
                    state = .needsRebuild
                } else if row.lastError != nil {
                    state = .failing
                } else {
                    state = parkedEvents > 0 ? .degraded : .live
                }
            } else {
                state = .notMigrated
            }
            return ProjectionStatus(
                name: projection.name, mode: projection.mode, version: projection.version, builtVersion: row?.version,
                checkpoint: projection.mode == .async ? row?.position : nil,
                lag: projection.mode == .async ? row.map { max(0, head - $0.position) } : nil,
                lastError: row?.lastError, errorPosition: row?.errorPosition, failedAt: row?.failedAt.map(Bookkeeping.date),
                rebuildPosition: rebuildRows.first { $0.name == projection.name }?.position, errorPolicy: projection.errorPolicy,
                parkedEvents: parkedEvents, skippedEvents: count(projection.name, generation: generation, .skipped), state: state,
                leases: projection.mode == .async ? leases[projection.name] ?? [] : [])
        }
        let reactorStatus = reactors.map { reactor in
            let row = reactorRows.first { $0.name == reactor.name }
            let parkedEvents = count(reactor.name, generation: 0, .parked)
            let state: ReactorStatus.State =
                row == nil ? .notMigrated : row?.lastError != nil ? .failing : parkedEvents > 0 ? .degraded : .live
            return ReactorStatus(
                name: reactor.name, checkpoint: row?.position, registeredPosition: row?.registeredPosition,
                lag: row.map { max(0, head - $0.position) }, lastError: row?.lastError, errorPosition: row?.errorPosition,
                failedAt: row?.failedAt.map(Bookkeeping.date), errorPolicy: reactor.errorPolicy, parkedEvents: parkedEvents,
                skippedEvents: count(reactor.name, generation: 0, .skipped), state: state, leases: leases[reactor.name] ?? [])
        }
        return ReadSideStatus(head: head, projections: projectionStatus, reactors: reactorStatus)
    }

    /// The events projections and reactors went past, oldest first: of one consumer, or of all.
    ///
    /// - Throws: ``ReadSideError/Code/unknownName`` for a name no projection or reactor has.
    public func parkedEvents(_ name: String? = nil) async throws -> [ParkedEvent] {
        if let name { _ = try consumer(named: name) }
        try await checkMigrated()
        return try await database.withReadConnection { sql in try await Bookkeeping.parkedEvents(of: name, on: sql) }
    }

    /// Throws unless the store's schema and the application's migrations are all applied.
    ///
    /// - Throws: ``ReadSideError/Code/notMigrated`` naming the first pending migration;
    ///   `MigrationError` when an applied migration's file has changed.
    public func checkMigrated() async throws {
        let applied = try await database.appliedMigrations()
        for set in [database.dialect.storeMigrations] + migrations {
            let pending = try set.pending(after: applied.filter { $0.scope == set.scope })
            if !pending.isEmpty {
                let owner = set.scope == MigrationSet.storeScope ? "The store's schema" : "The migrations \"\(set.scope)\""
                throw ReadSideError(
                    code: .notMigrated,
                    message: "\(owner) has \(pending.count) pending migration(s), from \(pending[0].version) (\(pending[0].name)). Migrate it first.")
            }
        }
    }
}
