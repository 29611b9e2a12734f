import ChronicleMigrations
import ChronicleSQL
import Logging
import NIOCore
import SQLKit

/// SQL that refuses any statement that creates, changes or writes one of the store's tables
/// (`chronicle_…`): what a projection's handler gets as `ProjectionContext.sql`, so that a read
/// table's code can never touch the log or the store's bookkeeping.
///
/// Each statement is serialized once here, checked, and handed on already serialized.
struct StoreGuardedSQLDatabase: SQLDatabase {
    /// The transaction's SQL.
    let base: any SQLDatabase
    /// The projection, for the error.
    let projection: String

    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        do {
            return base.execute(sql: try checked(query), onRow)
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try await base.execute(sql: try checked(query), onRow)
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        let projection = projection
        return try await base.withSession { session in try await closure(StoreGuardedSQLDatabase(base: session, projection: projection)) }
    }

    /// The statement, serialized, unless it writes to the store's tables.
    private func checked(_ query: any SQLExpression) throws -> SerializedStatement {
        let (sql, binds) = base.serialize(query)
        let written = StoreSchema.reservedNames(writtenBy: sql)
        guard written.isEmpty else {
            throw ReadSideError(
                code: .reservedName,
                message: "Projection \(projection) may not write to the store's \(written.joined(separator: ", ")): a projection writes only its own tables. Refused: \(sql.prefix(200))",
                name: projection)
        }
        return SerializedStatement(sql: sql, binds: binds)
    }
}

/// A statement already serialized for a database: serializing it again gives the same text and
/// binds.
private struct SerializedStatement: SQLExpression {
    let sql: String
    let binds: [any Encodable & Sendable]

    func serialize(to serializer: inout SQLSerializer) {
        serializer.sql += sql
        serializer.binds += binds
    }
}
