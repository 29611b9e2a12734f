public import ChronicleProjections
import Logging
import NIOConcurrencyHelpers
public import Vapor

/// Runs an event-sourced application's read side (its async projections and reactors) for as
/// long as the Vapor application runs: from its boot to its shutdown, when the runners stop
/// and their work in progress ends.
///
/// ```swift
/// try await EventSourcedApp.with(url: url, drivers: [.sqlite]) { store in readSide(store) } _: { chronicle in
///     try await chronicle.migrate()
///     let app = try await Application.make(.detect())
///     app.lifecycle.use(ChronicleLifecycle(chronicle))
///     try routes(app, chronicle)
///     try await app.execute()
///     try await app.asyncShutdown()
/// }
/// ```
public final class ChronicleLifecycle: LifecycleHandler, Sendable {
    /// The application whose read side runs.
    public let app: EventSourcedApp
    private let runner = NIOLockedValueBox<Task<Void, Never>?>(nil)

    /// Creates the handler.
    ///
    /// - Parameter app: The application whose read side runs.
    public init(_ app: EventSourcedApp) {
        self.app = app
    }

    /// Starts the read side's runners.
    public func didBootAsync(_ application: Application) async throws {
        let app = app
        let logger = application.logger
        let task = Task {
            do {
                try await app.run()
            } catch is CancellationError {
            } catch {
                logger.error("The read side stopped", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
        runner.withLockedValue { $0 = task }
    }

    /// Stops the runners and waits for them to end.
    public func shutdownAsync(_ application: Application) async {
        guard let task = runner.withLockedValue({ running in defer { running = nil }; return running }) else { return }
        task.cancel()
        await task.value
    }
}
