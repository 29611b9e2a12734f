import ChronicleProjections
import Foundation

/// The online rebuilds the browser started, one at most per projection, and how each ended.
actor RebuildJobs {
    /// A rebuild's state as the projections page shows it.
    enum State: Sendable {
        case running
        case finished
        case failed(String)
    }

    private var jobs: [String: State] = [:]

    /// Starts an online rebuild unless one of this browser is running; whether it started.
    func start(_ name: String, on readSide: ReadSide) -> Bool {
        if case .running? = jobs[name] { return false }
        jobs[name] = .running
        Task {
            do {
                try await readSide.rebuild(name, mode: .online)
                self.finish(name, .finished)
            } catch {
                self.finish(name, .failed(String(describing: error)))
            }
        }
        return true
    }

    /// Every rebuild's state, by projection.
    func states() -> [String: State] { jobs }

    private func finish(_ name: String, _ state: State) {
        jobs[name] = state
    }
}
