import Chronicle
import ChronicleMigrations
import SQLKit

/// A projection as the read side runs it: its identity, tables, handlers and mode.
struct RegisteredProjection: Sendable {
    let name: String
    let version: Int
    let tables: [ProjectionTable]
    let handlers: EventReactions<ProjectionContext>
    let mode: ProjectionMode

    init(_ projection: any Projection, mode: ProjectionMode) {
        let type = type(of: projection)
        self.name = type.name
        self.version = type.version
        self.tables = type.tables
        self.handlers = projection.handlers
        self.mode = mode
    }

    /// The physical table names: the live ones, or a rebuild generation's.
    func tableNames(shadowGeneration: Int?) -> [String: String] {
        Dictionary(uniqueKeysWithValues: tables.map {
            ($0.name, ProjectionTable.physicalName($0.name, shadowGeneration: shadowGeneration))
        })
    }

    /// Applies the events it handles, in order, writing to the given tables; the handlers' row
    /// changes are written before it returns.
    func apply(_ events: some Sequence<RecordedEvent>, sql: any SQLDatabase, dialect: DatabaseDialect, tables: [String: String]) async throws {
        let rowChanges = RowChanges()
        for event in events where handlers.handles(event.eventType) {
            let context = ProjectionContext(database: sql, rowChanges: rowChanges, event: event, dialect: dialect, tableNames: tables)
            do {
                try await handlers.handle(event, context)
            } catch is CancellationError {
                throw CancellationError()
            } catch let failure as RowChangesFailure {
                throw ReadSideError.rowChangesFailed(name, failure)
            } catch {
                throw ReadSideError.handlerFailed(name, event: event, underlying: error)
            }
        }
        do {
            try await rowChanges.write(on: sql)
        } catch let failure as RowChangesFailure {
            throw ReadSideError.rowChangesFailed(name, failure)
        }
    }
}

/// A reactor as the read side runs it.
struct RegisteredReactor: Sendable {
    let name: String
    let handlers: EventReactions<ReactionContext>

    init(_ reactor: any Reactor) {
        self.name = type(of: reactor).name
        self.handlers = reactor.handlers
    }
}
