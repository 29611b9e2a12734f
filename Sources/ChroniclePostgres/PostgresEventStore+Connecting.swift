import Chronicle
import Foundation
import Logging
import PostgresNIO

extension PostgresEventStore {
    /// Checks, within a time limit, that the database can be reached with the store's settings,
    /// and says why not in the server's own words.
    ///
    /// Call it at start-up: the connection pool retries a failing server quietly for a long
    /// time and then reports no cause, while this fails at once with the reason: `database "x"
    /// does not exist`, `password authentication failed for user "u"`, `connection refused`,
    /// `the server does not support SSL`. A store made from a URL connects once directly; a
    /// store made from a client configuration asks its pool.
    ///
    /// ```swift
    /// group.addTask { try await store.run() }
    /// try await store.checkConnection()      // fails within 10 s, naming the cause
    /// ```
    ///
    /// - Parameter timeout: How long to try. Default: 10 s.
    /// - Throws: `EventStoreError.Code.unavailable` naming the server, the database, the user
    ///   and the reason.
    public func checkConnection(timeout: Duration = .seconds(10)) async throws {
        guard let endpoint else {
            _ = try await withConnection { connection in
                try await connection.query("SELECT 1", logger: self.configuration.logger)
            }
            return
        }
        let logger = configuration.logger
        let connected: Bool?
        do {
            connected = try await Deadline.run(within: timeout) { _ in
                let connection = try await PostgresConnection.connect(
                    configuration: try endpoint.connectionConfiguration(), id: 0, logger: logger)
                try? await connection.close()
                return true
            }
        } catch {
            throw EventStoreError.unavailable(
                "Cannot connect to PostgreSQL at \(endpoint): \(Self.connectionRefusal(error)).", underlying: error)
        }
        guard connected != nil else {
            throw EventStoreError.unavailable("Cannot connect to PostgreSQL at \(endpoint): no answer within \(timeout).")
        }
    }

    /// Why a connection attempt failed, in the server's words where it gave them.
    static func connectionRefusal(_ error: any Error) -> String {
        if let info = serverError(in: error)?.serverInfo {
            return "\(info[.message] ?? "refused") (SQLSTATE \(info[.sqlState] ?? "?"))"
        }
        if let error = error as? PSQLError {
            switch error.code {
            case .sslUnsupported: return "the server does not support SSL (use sslmode=disable or prefer, or enable SSL on the server)"
            case .authMechanismRequiresPassword: return "the server asks for a password, and the URL gives none"
            case .unsupportedAuthMechanism: return "the server asks for an authentication method PostgresNIO does not support"
            default: return error.underlying.map(connectionFailure) ?? "\(error.code)"
            }
        }
        return connectionFailure(error)
    }
}
