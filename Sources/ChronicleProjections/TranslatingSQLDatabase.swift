package import Logging
package import NIOCore
package import SQLKit

/// SQL on a store's connection whose errors come out translated by the store's driver: a
/// database that cannot serve becomes `EventStoreError.Code.unavailable`, any other database
/// error an `EventStoreError` naming its SQLSTATE (or SQLite code) and message.
///
/// Drivers hand it to the read side's work (`ProjectionDatabase.withWriteTransaction` and the
/// others), so that projections, reactors and their runners see the same errors on every
/// database, and nobody sees a driver's deliberately vague description.
package struct TranslatingSQLDatabase: SQLDatabase {
    /// The driver's SQL.
    let base: any SQLDatabase
    /// The driver's translation of its errors.
    let translate: @Sendable (any Error) -> any Error

    /// Wraps a driver's SQL.
    package init(_ base: any SQLDatabase, translate: @escaping @Sendable (any Error) -> any Error) {
        self.base = base
        self.translate = translate
    }

    package var logger: Logger { base.logger }
    package var eventLoop: any EventLoop { base.eventLoop }
    package var version: (any SQLDatabaseReportedVersion)? { base.version }
    package var dialect: any SQLDialect { base.dialect }
    package var queryLogLevel: Logger.Level? { base.queryLogLevel }

    package func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        let translate = translate
        return base.execute(sql: query, onRow).flatMapErrorThrowing { throw translate($0) }
    }

    package func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        do {
            try await base.execute(sql: query, onRow)
        } catch {
            throw translate(error)
        }
    }

    package func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        let translate = translate
        return try await base.withSession { session in try await closure(TranslatingSQLDatabase(session, translate: translate)) }
    }
}
