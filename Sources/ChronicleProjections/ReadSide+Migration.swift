import Chronicle
import ChronicleMigrations
import Logging
import SQLKit

extension ReadSide {
    /// Sets up what is new: the store's schema (its pending migrations), the application's
    /// migrations given to ``init(database:inline:async:reactors:migrations:configuration:)``, the tables of new
    /// projections (built at once from the log when inline; async ones catch up when ``run()``
    /// starts), and the registration of new reactors at the current head. A second run does
    /// nothing.
    ///
    /// - Important: A projection whose version (or mode) differs from the one its tables were
    ///   built with is reported by ``status()`` as needing a rebuild, and is neither applied nor
    ///   run until rebuilt: see ``rebuild(_:mode:progress:)``.
    /// - Returns: What this run did; nothing when everything was set up before.
    @discardableResult
    public func migrate() async throws -> ReadSideMigration {
        var report = ReadSideMigration(storeMigrations: try await database.migrate(.store(database.dialect)))
        for set in migrations {
            report.applicationMigrations += try await database.migrate(set)
        }
        for projection in projections {
            let created = try await database.withWriteTransaction(locking: projection.name) { sql -> Bool in
                guard try await Bookkeeping.projection(projection.name, on: sql) == nil else { return false }
                for table in projection.tables {
                    try await Bookkeeping.drop(table: table.name, on: sql)
                    try await Bookkeeping.create(table, as: table.name, dialect: database.dialect, on: sql)
                }
                try await Bookkeeping.insertProjection(
                    projection.name, version: projection.version, mode: projection.mode.rawValue, position: 0,
                    at: configuration.now(), on: sql)
                return true
            }
            if created {
                report.createdProjections.append(projection.name)
                configuration.logger.info("Created the tables of projection", metadata: ["projection": "\(projection.name)"])
                if projection.mode == .inline {
                    try await rebuildOffline(projection, progress: nil)
                }
            }
        }
        for reactor in reactors {
            let head = try await database.headPosition()
            let registered = try await database.withWriteTransaction(locking: reactor.name) { sql -> Bool in
                if try await Bookkeeping.reactor(reactor.name, on: sql) == nil {
                    try await Bookkeeping.insertReactor(reactor.name, at: head, now: configuration.now(), on: sql)
                    configuration.logger.info("Registered reactor", metadata: ["reactor": "\(reactor.name)", "position": "\(head)"])
                    return true
                }
                return false
            }
            if registered { report.registeredReactors.append((reactor.name, head)) }
        }
        await inlineState.invalidate()
        return report
    }
}
