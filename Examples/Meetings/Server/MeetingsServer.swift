public import Hummingbird
public import Logging
public import ServiceLifecycle

/// The HTTP server of the app: the API's routes, and the application's read side run as a
/// service beside them.
public enum MeetingsServer: Sendable {
    /// The application to run (`runService()`) or test.
    ///
    /// - Parameters:
    ///   - api: The API, over an open, migrated application.
    ///   - host: The address to listen on.
    ///   - port: The port to listen on; 0 picks a free one.
    ///   - logger: The server's logger.
    ///   - ceilingRoutes: Whether to add the routes that measure the HTTP stack's own ceiling
    ///     (``MeetingsAPI/router(ceilingRoutes:)``).
    ///   - services: Services to run beside the server and the application, such as an exporter.
    public static func application(
        api: MeetingsAPI, host: String = "127.0.0.1", port: Int = 8080, logger: Logger, ceilingRoutes: Bool = false,
        services: [any Service] = []
    ) -> some ApplicationProtocol {
        Application(
            router: api.router(ceilingRoutes: ceilingRoutes),
            configuration: .init(address: .hostname(host, port: port), serverName: "meetings"),
            services: [api.app] + services,
            logger: logger)
    }
}
