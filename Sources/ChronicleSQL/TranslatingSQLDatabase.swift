public import Logging
public import NIOCore
public import SQLKit

/// SQL on a store's connection whose errors come out translated by the store's driver: a
/// database that cannot serve becomes `EventStoreError.Code.unavailable`, any other database
/// error an `EventStoreError` naming its SQLSTATE (or SQLite code) and message.
///
/// Drivers hand it to the read side's work (`SQLEventStore.withWriteTransaction` and the
/// others), so that projections, reactors and their runners see the same errors on every
/// database, and nobody sees a driver's deliberately vague description.
public struct TranslatingSQLDatabase: SQLDatabase {
    /// The driver's SQL.
    let base: any SQLDatabase
    /// The driver's translation of its errors.
    let translate: @Sendable (any Error) -> any Error

    /// Wraps a driver's SQL.
    public init(_ base: any SQLDatabase, translate: @escaping @Sendable (any Error) -> any Error) {
        self.base = base
        self.translate = translate
    }

    public var logger: Logger { base.logger }
    public var eventLoop: any EventLoop { base.eventLoop }
    public var version: (any SQLDatabaseReportedVersion)? { base.version }
    public var dialect: any SQLDialect { base.dialect }
    public var queryLogLevel: Logger.Level? { base.queryLogLevel }

    public func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        let translate = translate
        return base.execute(sql: query, onRow).flatMapErrorThrowing { throw translate($0) }
    }

    public func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        do {
            try await base.execute(sql: query, onRow)
        } catch {
            throw translate(error)
        }
    }

    public func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        let translate = translate
        return try await base.withSession { session in try await closure(TranslatingSQLDatabase(session, translate: translate)) }
    }
}
