import Chronicle
import Foundation
import NIOSSL
public import PostgresNIO

extension PostgresEventStore {
    /// The client configuration a connection URL describes.
    ///
    /// `postgres://user:password@host:port/database?sslmode=prefer&search_path=app` (or
    /// `postgresql://`). The port defaults to 5432, the database to the user name, `sslmode` to
    /// `prefer`; `search_path`, when given, is the schema (or comma-separated schemas) the
    /// store's tables are created and found in.
    ///
    /// - Throws: `EventStoreError.Code.invalidInput` naming what is wrong with the URL.
    public static func clientConfiguration(url: String) throws -> PostgresClient.Configuration {
        try Endpoint(url: url).clientConfiguration
    }

    /// The URL with its password hidden, for messages.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }

    /// Where and how to connect, as a connection URL says: enough to configure the pool, and to
    /// connect once directly to learn why connecting fails (``checkConnection(timeout:)``).
    struct Endpoint: Sendable, CustomStringConvertible {
        /// What the URL's `sslmode` asks for.
        enum TLSMode: String, Sendable {
            case disable, prefer, require, verify = "verify-full"
        }

        var host: String
        var port: Int
        var user: String
        var password: String?
        var database: String
        var tls: TLSMode
        var searchPath: String?

        /// Reads a connection URL.
        ///
        /// - Throws: `EventStoreError.Code.invalidInput` naming what is wrong with it.
        init(url: String) throws {
            func refuse(_ problem: String) -> EventStoreError {
                .invalidInput("The PostgreSQL URL \(PostgresEventStore.redacted(url)) \(problem). Expected postgres://user:password@host:5432/database.")
            }
            guard !url.isEmpty else { throw refuse("is empty") }
            guard let components = URLComponents(string: url) else { throw refuse("cannot be parsed") }
            guard components.scheme == "postgres" || components.scheme == "postgresql" else {
                throw refuse("does not start with postgres://")
            }
            guard let host = components.host, !host.isEmpty else { throw refuse("names no host") }
            guard let user = components.user, !user.isEmpty else { throw refuse("names no user") }
            if let port = components.port, !(1...65_535).contains(port) {
                throw refuse("has the port \(port), outside 1–65535")
            }
            let database = components.path.split(separator: "/").first.map(String.init) ?? user
            let parameters = Dictionary(
                (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
            switch parameters["sslmode"] ?? "prefer" {
            case "disable": tls = .disable
            case "prefer", "allow": tls = .prefer
            case "require": tls = .require
            case "verify-ca", "verify-full": tls = .verify
            case let mode: throw refuse("has sslmode=\(mode); use disable, prefer, require or verify-full")
            }
            if let searchPath = parameters["search_path"] {
                guard !searchPath.isEmpty else { throw refuse("has an empty search_path") }
                self.searchPath = searchPath
            }
            self.host = host
            self.port = components.port ?? 5432
            self.user = user.removingPercentEncoding ?? user
            self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
            self.database = database.removingPercentEncoding ?? database
        }

        /// The pool's configuration.
        var clientConfiguration: PostgresClient.Configuration {
            let tls: PostgresClient.Configuration.TLS
            switch self.tls {
            case .disable: tls = .disable
            case .prefer: tls = .prefer(Self.unverifiedTLS)
            case .require: tls = .require(Self.unverifiedTLS)
            case .verify: tls = .require(.makeClientConfiguration())
            }
            var configuration = PostgresClient.Configuration(
                host: host, port: port, username: user, password: password, database: database, tls: tls)
            configuration.options.additionalStartupParameters = startupParameters
            return configuration
        }

        /// The session settings every connection starts with.
        var startupParameters: [(String, String)] {
            searchPath.map { [("search_path", $0)] } ?? []
        }

        /// The configuration of one direct connection, the same as the pool's.
        func connectionConfiguration() throws -> PostgresConnection.Configuration {
            let tls: PostgresConnection.Configuration.TLS
            switch self.tls {
            case .disable: tls = .disable
            case .prefer: tls = .prefer(try NIOSSLContext(configuration: Self.unverifiedTLS))
            case .require: tls = .require(try NIOSSLContext(configuration: Self.unverifiedTLS))
            case .verify: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
            var configuration = PostgresConnection.Configuration(
                host: host, port: port, username: user, password: password, database: database, tls: tls)
            configuration.options.additionalStartupParameters = startupParameters
            return configuration
        }

        /// `127.0.0.1:5432, database "app" as "chronicle"`.
        var description: String {
            "\(host):\(port), database \"\(database)\" as \"\(user)\"\(tls == .disable ? "" : " (sslmode=\(tls.rawValue))")"
        }

        /// TLS without certificate checks: what `prefer` and `require` mean in libpq.
        private static var unverifiedTLS: TLSConfiguration {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            return configuration
        }
    }
}
