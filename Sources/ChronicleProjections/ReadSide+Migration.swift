import Chronicle
import ChronicleMigrations
import ChronicleSQL
import Logging
import SQLKit

extension ReadSide {
    /// Sets up what is new; see ``EventSourcedApp/migrate()``.
    @discardableResult
    package func migrate() async throws -> ReadSideMigration {
        try checkRegistration()
        var report = ReadSideMigration(storeMigrations: try await database.migrate())
        for set in migrations {
            report.applicationMigrations += try await database.migrate(set)
        }
        for projection in projections {
            let created = try await database.withWriteTransaction(locking: projection.name) { sql in
                try await setUp(projection, on: sql)
            }
            if created {
                report.createdProjections.append(projection.name)
                configuration.logger.info("Created the tables of projection", metadata: ["projection": "\(projection.name)"])
                if projection.mode == .inline {
                    try await rebuildOffline(projection, progress: nil)
                }
            }
        }
        let registered = projections.filter { $0.mode == .inline }.map(\.name)
        try await database.withWriteTransaction(locking: nil) { sql in
            try await Bookkeeping.forgetEventTypes(ofInlineProjectionsExcept: registered, on: sql)
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

    /// Creates a projection's bookkeeping row and empty tables when it has none; otherwise
    /// records the tables a read side made before tables were recorded. Either way, records the
    /// event types an inline projection handles. Returns whether it created the projection.
    func setUp(_ projection: RegisteredProjection, on sql: any SQLDatabase) async throws -> Bool {
        let now = configuration.now()
        let created: Bool
        if let row = try await Bookkeeping.projection(projection.name, on: sql) {
            if try await Bookkeeping.tables(of: projection.name, on: sql).isEmpty {
                try await Bookkeeping.adopt(
                    tables: projection.tables.map(\.name), of: projection.name, generation: row.generation, at: now, on: sql)
                if let rebuild = try await Bookkeeping.rebuild(projection.name, on: sql) {
                    try await Bookkeeping.adopt(
                        tables: Array(projection.tableNames(shadowGeneration: rebuild.generation).values), of: projection.name,
                        generation: rebuild.generation, at: now, on: sql)
                }
            }
            created = false
        } else {
            for table in projection.tables {
                try await Bookkeeping.drop(table: table.name, of: projection.name, on: sql)
                try await Bookkeeping.create(
                    table, as: table.name, for: projection.name, generation: 0, dialect: database.dialect, at: now, on: sql)
            }
            try await Bookkeeping.insertProjection(
                projection.name, version: projection.version, mode: projection.mode.rawValue, partitions: projection.partitions, position: 0,
                at: now, on: sql)
            created = true
        }
        try await Bookkeeping.setEventTypes(
            projection.mode == .inline ? projection.handlers.eventTypes : nil, of: projection.name, on: sql)
        return created
    }

    /// Refuses projections and application migrations that would touch the store's tables
    /// (table names with the store's prefix, and statements that create, change or write a table
    /// of the store's), and projections and reactors whose partitions cannot run.
    ///
    /// - Throws: ``ReadSideError/Code/reservedName`` naming the projection or migration;
    ///   ``ReadSideError/Code/invalidDefinition`` naming the projection or reactor.
    func checkRegistration() throws {
        for projection in projections {
            try projection.checkDefinition()
            for table in projection.tables {
                if StoreSchema.isReserved(table.name) {
                    throw ReadSideError(
                        code: .reservedName,
                        message: "Projection \(projection.name) declares a table named \(table.name): the prefix \(StoreSchema.reservedPrefix) belongs to the store's own tables. Rename the table; nothing was created or dropped.",
                        name: projection.name)
                }
                let statements = try table.creation(in: database.dialect, as: table.name, for: projection.name).joined(separator: ";\n")
                let written = StoreSchema.reservedNames(writtenBy: statements)
                if !written.isEmpty {
                    throw ReadSideError(
                        code: .reservedName,
                        message: "Projection \(projection.name)'s statements for table \(table.name) would change the store's \(written.joined(separator: ", ")): a projection creates and writes only its own tables. Nothing was created or dropped.",
                        name: projection.name)
                }
            }
        }
        for reactor in reactors {
            try reactor.checkDefinition()
        }
        for set in migrations {
            for migration in set.migrations {
                let written = StoreSchema.reservedNames(writtenBy: migration.sql)
                if !written.isEmpty {
                    throw ReadSideError(
                        code: .reservedName,
                        message: "Migration \(migration.version) (\(migration.name)) of \(set.scope) would change the store's \(written.joined(separator: ", ")): the prefix \(StoreSchema.reservedPrefix) belongs to the store. Nothing was migrated.",
                        name: set.scope)
                }
            }
        }
    }
}
