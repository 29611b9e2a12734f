import Chronicle
import Foundation
import PostgresNIO

extension PostgresEventStore {
    /// Turns a database error of an append into the ``EventStoreError`` it means.
    ///
    /// `chronicle_append` raises its own SQLSTATEs (`CH001` wrong expected version, `CH002` not the
    /// first write, `CH003` entity type mismatch); unique violations name their constraint.
    func translate(_ error: any Error, of append: PreparedAppend, connection: PostgresConnection? = nil) async -> any Error {
        guard let psqlError = Self.serverError(in: error), let info = psqlError.serverInfo else {
            return Self.databaseFailure(error, stream: append.stream)
        }
        let stream = append.stream
        let detail = info[.detail] ?? ""
        switch info[.sqlState] {
        case "CH001":
            return EventStoreError.wrongExpectedVersion(stream: stream, expected: append.expected, actual: Int(detail) ?? 0)
        case "CH003":
            return EventStoreError.entityTypeMismatch(stream: stream, storedEntityType: detail)
        case "CH002":
            return EventStoreError.invalidInput(
                "Cannot append to \(stream): the append must be the first write of its transaction, so that readers of the log see events in position order. Nothing was appended.",
                stream: stream)
        case "23505" where info[.constraintName] == "events_event_id":
            // The transaction is aborted when the caller owns it; the id is then not looked up.
            let id = connection == nil ? await storedEventID(among: append.entries.map(\.id)) : nil
            return EventStoreError.duplicateEventID(id ?? append.entries[0].id, stream: stream)
        case "23505" where info[.constraintName] == "events_entity_version":
            // Only a writer that bypassed chronicle_append's entity lock can get here.
            let actual = connection == nil ? await currentVersion(of: stream) : nil
            return EventStoreError.wrongExpectedVersion(stream: stream, expected: append.expected, actual: actual ?? 0)
        case "22P02", "22021", "22P05", "54000":
            return EventStoreError.invalidInput(
                "Cannot append to \(stream): PostgreSQL refused the data: \(info[.message] ?? "invalid input"). Nothing was appended.",
                stream: stream)
        default:
            return Self.databaseFailure(error, stream: stream)
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
        } else {
            let code = (error as? PSQLError)?.code.description ?? String(describing: type(of: error))
            message = "The PostgreSQL connection failed (\(code))."
        }
        return EventStoreError(code: .databaseFailure, message: message, stream: stream, underlying: error)
    }

    private func storedEventID(among ids: [UUID]) async -> UUID? {
        try? await client.withConnection { connection in
            var found: UUID?
            let rows = try await connection.query(
                "SELECT event_id FROM events WHERE event_id = ANY(\(ids)) LIMIT 1", logger: configuration.logger)
            for try await id in rows.decode(UUID.self) {
                found = id
            }
            return found
        }
    }

    private func currentVersion(of stream: StreamName) async -> Int? {
        try? await client.withConnection { connection in
            var version: Int?
            let rows = try await connection.query(
                "SELECT coalesce(max(version), 0)::bigint FROM events WHERE entity_id = \(stream.entityID)",
                logger: configuration.logger)
            for try await value in rows.decode(Int.self) {
                version = value
            }
            return version
        }
    }
}
