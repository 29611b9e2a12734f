import Chronicle
import Foundation
import PostgresNIO

extension PostgresEventStore {
    /// What a failed append must still ask the database to report the error it means.
    enum Question {
        /// The entity is of another type or at another version: which?
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
            return Problem(error: databaseFailure(error, stream: append.stream))
        }
        let stream = append.stream
        switch info[.sqlState] {
        case "23505" where info[.constraintName] == "events_entity_version":
            // Another writer took the version between this append's read and its insert.
            return Problem(error: error, question: .whyRefused)
        case "23505" where info[.constraintName] == "events_event_id":
            return Problem(error: error, question: .whichEventID)
        case "CH002":
            return Problem(error: EventStoreError.invalidInput(
                "Cannot append to \(stream): the append must be the first write of its transaction, so that readers of the log see events in position order. Nothing was appended.",
                stream: stream))
        case "22P02", "22021", "22P05", "54000":
            return Problem(error: EventStoreError.invalidInput(
                "Cannot append to \(stream): PostgreSQL refused the data: \(info[.message] ?? "invalid input"). Nothing was appended.",
                stream: stream))
        default:
            return Problem(error: databaseFailure(error, stream: stream))
        }
    }

    /// Asks the database what a refused append needs to report, and returns that error.
    func answer(_ question: Question, of append: PreparedAppend, on connection: PostgresConnection) async throws -> EventStoreError {
        let stream = append.stream
        do {
            switch question {
            case .whyRefused:
                let rows = try await connection.query(
                    "SELECT version, entity_type FROM events WHERE entity_id = \(stream.entityID) ORDER BY version DESC LIMIT 1",
                    logger: configuration.logger)
                var newest: (version: Int, entityType: String?) = (0, nil)
                for try await (version, entityType) in rows.decode((Int, String).self) {
                    newest = (version, entityType)
                }
                if let storedType = newest.entityType, storedType != stream.entityType {
                    return .entityTypeMismatch(stream: stream, storedEntityType: storedType)
                }
                return .wrongExpectedVersion(stream: stream, expected: append.expected, actual: newest.version)
            case .whichEventID:
                let rows = try await connection.query(
                    "SELECT event_id FROM events WHERE event_id = ANY(\(append.entries.map(\.id))) LIMIT 1",
                    logger: configuration.logger)
                var stored = append.entries[0].id
                for try await id in rows.decode(UUID.self) {
                    stored = id
                }
                return .duplicateEventID(stored, stream: stream)
            }
        } catch {
            throw Self.databaseFailure(error, stream: stream)
        }
    }

    /// The PostgreSQL server error inside an error, if there is one.
    static func serverError(in error: any Error) -> PSQLError? {
        if let error = error as? PSQLError, error.code == .server { return error }
        if let error = error as? PostgresTransactionError {
            return (error.closureError ?? error.commitError).flatMap(serverError)
        }
        return nil
    }

    /// An error Chronicle does not translate, with the server's message when there is one.
    static func databaseFailure(_ error: any Error, stream: StreamName? = nil) -> any Error {
        if error is EventStoreError || error is CancellationError { return error }
        let message: String
        if let info = serverError(in: error)?.serverInfo {
            let state = info[.sqlState] ?? "?"
            message = "PostgreSQL error \(state): \(info[.message] ?? "")"
                + (state == "42P01" || state == "42883"
                    ? ". The store's schema is missing from this database (or from the search_path): run migrate() first."
                    : ".")
        } else if let error = error as? PSQLError {
            message = "The PostgreSQL connection failed (\(error.code))."
        } else if let error = error as? PostgresDecodingError {
            message = "Column \(error.columnName) of type \(error.postgresType) cannot be read as \(error.targetType) (\(error.code))."
        } else if error is PostgresTransactionError {
            message = "The PostgreSQL transaction failed (\(error))."
        } else {
            // The caller's own error, thrown from work run on a connection: passed on as is.
            return error
        }
        return EventStoreError(code: .databaseFailure, message: message, stream: stream, underlying: error)
    }
}
