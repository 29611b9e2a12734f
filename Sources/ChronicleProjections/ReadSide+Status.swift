import Chronicle
import ChronicleMigrations
import Foundation

extension ReadSide {
    /// Each projection's and reactor's checkpoint, lag, state and last failure.
    ///
    /// - Throws: ``ReadSideError/Code/notMigrated`` when the store's schema or the
    ///   application's migrations have pending ones; `MigrationError` when an applied migration's file has changed.
    public func status() async throws -> ReadSideStatus {
        let applied = try await database.appliedMigrations()
        for set in [MigrationSet.store(database.dialect)] + migrations {
            let pending = try set.pending(after: applied.filter { $0.scope == set.scope })
            if !pending.isEmpty {
                let owner = set.scope == MigrationSet.store(database.dialect).scope ? "The store's schema" : "The migrations \"\(set.scope)\""
                throw ReadSideError(
                    code: .notMigrated,
                    message: "\(owner) has \(pending.count) pending migration(s), from \(pending[0].version) (\(pending[0].name)): run migrate.")
            }
        }
        let head = try await database.headPosition()
        let (projectionRows, rebuildRows, reactorRows) = try await database.withReadConnection { sql in
            var rebuilds: [RebuildRow] = []
            for projection in projections {
                if let rebuild = try await Bookkeeping.rebuild(projection.name, on: sql) { rebuilds.append(rebuild) }
            }
            return (try await Bookkeeping.projections(on: sql), rebuilds, try await Bookkeeping.reactors(on: sql))
        }
        let projectionStatus = projections.map { projection in
            let row = projectionRows.first { $0.name == projection.name }
            let state: ProjectionStatus.State
            if let row {
                if row.version != projection.version || row.mode != projection.mode.rawValue {
                    state = .needsRebuild
                } else {
                    state = row.lastError == nil ? .live : .failing
                }
            } else {
                state = .notMigrated
            }
            return ProjectionStatus(
                name: projection.name, mode: projection.mode, version: projection.version, builtVersion: row?.version,
                checkpoint: projection.mode == .async ? row?.position : nil,
                lag: projection.mode == .async ? row.map { max(0, head - $0.position) } : nil,
                lastError: row?.lastError, errorPosition: row?.errorPosition, failedAt: row?.failedAt.map(Self.date),
                rebuildPosition: rebuildRows.first { $0.name == projection.name }?.position, state: state)
        }
        let reactorStatus = reactors.map { reactor in
            let row = reactorRows.first { $0.name == reactor.name }
            return ReactorStatus(
                name: reactor.name, checkpoint: row?.position, registeredPosition: row?.registeredPosition,
                lag: row.map { max(0, head - $0.position) }, lastError: row?.lastError, errorPosition: row?.errorPosition,
                failedAt: row?.failedAt.map(Self.date))
        }
        return ReadSideStatus(head: head, projections: projectionStatus, reactors: reactorStatus)
    }

    static func date(_ microseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(microseconds) / 1_000_000)
    }
}
