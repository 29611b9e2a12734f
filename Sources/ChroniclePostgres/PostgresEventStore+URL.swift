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
        func refuse(_ problem: String) -> EventStoreError {
            .invalidInput("The PostgreSQL URL \(redacted(url)) \(problem). Expected postgres://user:password@host:5432/database.")
        }
        guard let components = URLComponents(string: url) else { throw refuse("cannot be parsed") }
        guard components.scheme == "postgres" || components.scheme == "postgresql" else {
            throw refuse("does not start with postgres://")
        }
        guard let host = components.host, !host.isEmpty else { throw refuse("names no host") }
        guard let user = components.user, !user.isEmpty else { throw refuse("names no user") }
        let database = components.path.split(separator: "/").first.map(String.init) ?? user
        let parameters = Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })

        let tls: PostgresClient.Configuration.TLS
        switch parameters["sslmode"] ?? "prefer" {
        case "disable":
            tls = .disable
        case "prefer", "allow":
            var unverified = TLSConfiguration.makeClientConfiguration()
            unverified.certificateVerification = .none
            tls = .prefer(unverified)
        case "require":
            var unverified = TLSConfiguration.makeClientConfiguration()
            unverified.certificateVerification = .none
            tls = .require(unverified)
        case "verify-ca", "verify-full":
            tls = .require(.makeClientConfiguration())
        case let mode:
            throw refuse("has sslmode=\(mode); use disable, prefer, require or verify-full")
        }
        var configuration = PostgresClient.Configuration(
            host: host,
            port: components.port ?? 5432,
            username: user.removingPercentEncoding ?? user,
            password: components.password.map { $0.removingPercentEncoding ?? $0 },
            database: database.removingPercentEncoding ?? database,
            tls: tls)
        if let searchPath = parameters["search_path"] {
            guard !searchPath.isEmpty else { throw refuse("has an empty search_path") }
            configuration.options.additionalStartupParameters.append(("search_path", searchPath))
        }
        return configuration
    }

    /// The URL with its password hidden, for messages.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? url
    }
}
