import Chronicle
import ChronicleMigrations
import Foundation
import PostgresNIO
import _ConnectionPoolModule

extension PostgresEventStore {
    /// What a failed append must still ask the database to report the error it means.
    enum Question {
        /// The entity is of another type or at another version, or an inline projection handles
        /// one of the append's types: which?
        case whyRefused
        /// One of the append's event ids is stored: which?
        case whichEventID
    }

    /// A database error of an append, translated as far as the error itself allows.
    struct Problem {
        var error: any Error
        var question: Question?
    }

    /// Turns a database error of an append into the ``EventStoreError`` it means, or into the
    /// question that tells.
    static func translate(_ error: any Error, of append: PreparedAppend) -> Problem {
        guard let info = serverError(in: error)?.serverInfo else {
            return Problem(error: translate(error, stream: append.stream))
        }
        let stream = append.stream
        switch info[.sqlState] {
        case "23505" where info[.constraintName] == "chronicle_events_entity_version":
            // Another writer took the version between this append's read and its insert.
            return Problem(error: error, question: .whyRefused)
        case "23505" where info[.constraintName] == "chronicle_events_event_id":
            return Problem(error: error, question: .whichEventID)
        case "22P02", "22021", "22P05", "54000":
            return Problem(error: EventStoreError.invalidInput(
                "Cannot append to \(stream): PostgreSQL refused the data: \(info[.message] ?? "invalid input"). Nothing was appended.",
                stream: stream))
        default:
            return Problem(error: translate(error, stream: stream))
        }
    }

    /// Asks the database what a refused append needs to report, and returns that error.
    func answer(_ question: Question, of append: PreparedAppend, on connection: PostgresConnection) async throws -> EventStoreError {
        let stream = append.stream
        do {
            switch question {
            case .whyRefused:
                let rows = try await connection.query(
                    "SELECT version, entity_type FROM chronicle_events WHERE entity_id = \(stream.entityID) ORDER BY version DESC LIMIT 1",
                    logger: configuration.logger)
                var newest: (version: Int, entityType: String?) = (0, nil)
                for try await (version, entityType) in rows.decode((Int, String).self) {
                    newest = (version, entityType)
                }
                if let storedType = newest.entityType, storedType != stream.entityType {
                    return .entityTypeMismatch(stream: stream, storedEntityType: storedType)
                }
                if append.expected.isSatisfied(byCurrentVersion: newest.version) {
                    let types = append.entries.map(\.eventType)
                    let inline = try await connection.query(
                        """
                        SELECT name, event_types FROM chronicle_projections
                        WHERE mode = 'inline' AND event_types::jsonb ?| \(types) ORDER BY name LIMIT 1
                        """, logger: configuration.logger)
                    for try await (name, handled) in inline.decode((String, String).self) {
                        return append.bypassing(name, handledTypes: handled)
                    }
                }
                return .wrongExpectedVersion(stream: stream, expected: append.expected, actual: newest.version)
            case .whichEventID:
                let rows = try await connection.query(
                    "SELECT event_id FROM chronicle_events WHERE event_id = ANY(\(append.entries.map(\.id))) LIMIT 1",
                    logger: configuration.logger)
                var stored = append.entries[0].id
                for try await id in rows.decode(UUID.self) {
                    stored = id
                }
                return .duplicateEventID(stored, stream: stream)
            }
        } catch {
            throw Self.translate(error, stream: stream)
        }
    }

    /// The PostgreSQL server error inside an error, if there is one.
    static func serverError(in error: any Error) -> PSQLError? {
        if let error = error as? PSQLError, error.code == .server { return error }
        if let error = error as? EventStoreError { return error.underlying.flatMap(serverError) }
        if let error = error as? PostgresTransactionError {
            return (error.closureError ?? error.commitError ?? error.beginError).flatMap(serverError)
        }
        return nil
    }

    /// A driver error as the `EventStoreError` it means; the caller's own errors (thrown from
    /// work run on a connection) and errors already translated pass unchanged.
    ///
    /// - `EventStoreError.Code.unavailable`: the database cannot serve now, which retrying later
    ///   can cure: the connection or the pool failed, the server is shutting down or refuses
    ///   connections, is out of space or memory, is read-only (a standby), or gave up on a lock,
    ///   a deadlock or a statement timeout;
    /// - `EventStoreError.Code.notMigrated`: the store's tables are missing;
    /// - `EventStoreError.Code.databaseFailure` otherwise.
    ///
    /// Messages name the SQLSTATE and the server's message, never PostgresNIO's deliberately
    /// vague description.
    static func translate(_ error: any Error, stream: StreamName? = nil) -> any Error {
        if error is EventStoreError || error is CancellationError { return error }
        if let info = serverError(in: error)?.serverInfo {
            let state = info[.sqlState] ?? "?????"
            let message = info[.message] ?? ""
            let detail = info[.detail].map { " (\($0))" } ?? ""
            if unavailableStates.contains(state) || unavailableClasses.contains(String(state.prefix(2))) {
                return EventStoreError(
                    code: .unavailable,
                    message: "PostgreSQL cannot serve the request now: \(message)\(detail) (SQLSTATE \(state)). Retry shortly.",
                    stream: stream, underlying: error)
            }
            if state == "42P01" && message.contains(StoreSchema.reservedPrefix) {
                return EventStoreError(
                    code: .notMigrated,
                    message: "The store's schema is missing from this database (or from the search_path): \(message) (SQLSTATE 42P01). Migrate it first.",
                    stream: stream, underlying: error)
            }
            return EventStoreError(
                code: .databaseFailure, message: "PostgreSQL error \(state): \(message)\(detail).", stream: stream, underlying: error)
        }
        if let error = error as? PSQLError {
            let cause = error.underlying.map { ": \(connectionFailure($0))" } ?? ""
            return EventStoreError(
                code: .unavailable, message: "The PostgreSQL connection failed (\(error.code))\(cause). Retry shortly.", stream: stream,
                underlying: error)
        }
        if let error = error as? ConnectionPoolError {
            return EventStoreError(
                code: .unavailable, message: "PostgreSQL hands out no connection (\(error)): the server may be down or unreachable. Retry shortly.",
                stream: stream, underlying: error)
        }
        if let error = error as? PostgresDecodingError {
            return EventStoreError(
                code: .databaseFailure,
                message: "Column \(error.columnName) of type \(error.postgresType) cannot be read as \(error.targetType) (\(error.code)).",
                stream: stream, underlying: error)
        }
        if let error = error as? PostgresTransactionError {
            return translate(error.closureError ?? error.commitError ?? error.beginError ?? EventStoreError(
                code: .databaseFailure, message: "The PostgreSQL transaction failed.", stream: stream), stream: stream)
        }
        // The caller's own error, thrown from work run on a connection: passed on as is.
        return error
    }

    /// SQLSTATEs that mean the server cannot serve now.
    private static let unavailableStates: Set<String> = [
        "57P01", "57P02", "57P03", "57014", "25006", "40001", "40P01", "55P03", "58030", "58000",
    ]

    /// SQLSTATE classes that mean the same: connection exceptions and insufficient resources.
    private static let unavailableClasses: Set<String> = ["08", "53"]

    /// What a failed connection attempt or a broken connection says, in a few words:
    /// "connection refused (127.0.0.1:5432)", or the error's own text.
    static func connectionFailure(_ error: any Error) -> String {
        let text = String(describing: error)
        for (needle, meaning) in [
            ("Connection refused", "connection refused"), ("connection reset", "connection reset by the server"),
            ("Connection reset", "connection reset by the server"), ("timed out", "connection timed out"),
            ("connectTimeout", "connection timed out"), ("Broken pipe", "the connection broke"),
        ] where text.contains(needle) {
            return meaning
        }
        return text
    }
}
