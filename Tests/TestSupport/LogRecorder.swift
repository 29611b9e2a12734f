import Foundation
public import Logging

/// Keeps the log lines written to its loggers, for tests that check what was logged.
public final class LogRecorder: @unchecked Sendable {
    /// One line: its level, message and metadata.
    public struct Line: Sendable {
        public var level: Logger.Level
        public var message: String
        public var metadata: Logger.Metadata
    }

    private let lock = NSLock()
    private var recorded: [Line] = []

    /// A recorder with nothing recorded.
    public init() {}

    /// The lines so far.
    public var lines: [Line] { lock.withLock { recorded } }

    /// A logger whose lines, from `level` up, are kept here.
    public func logger(label: String, level: Logger.Level = .info) -> Logger {
        var logger = Logger(label: label) { _ in Handler(recorder: self) }
        logger.logLevel = level
        return logger
    }

    fileprivate func add(_ line: Line) {
        lock.withLock { recorded.append(line) }
    }

    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            recorder.add(Line(level: event.level, message: "\(event.message)", metadata: metadata.merging(event.metadata ?? [:]) { $1 }))
        }
    }
}
