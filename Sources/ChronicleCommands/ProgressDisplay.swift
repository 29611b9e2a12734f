import ChronicleProjections
import Foundation

/// Shows a rebuild's progress: a bar redrawn in place on a terminal, log lines otherwise.
///
/// Log lines come at most once per `logInterval`, plus the first and the last, so a
/// rebuild of millions of events writes a readable log.
final class ProgressDisplay: @unchecked Sendable {
    /// How progress is written.
    enum Style {
        /// A bar on one line, redrawn in place.
        case bar
        /// One line per report.
        case lines
        /// Nothing shown; the last report is still kept.
        case silent
    }

    private let style: Style
    private let logInterval: Duration
    private let lock = NSLock()
    private var lastShown: ContinuousClock.Instant?
    private var latest: RebuildProgress?
    private var barShown = false

    /// Creates a display writing to standard error.
    init(style: Style, logInterval: Duration = .seconds(5)) {
        self.style = style
        self.logInterval = logInterval
    }

    /// Takes one report; shows it if it is time to.
    func report(_ progress: RebuildProgress) {
        lock.withLock {
            latest = progress
            guard style != .silent else { return }
            let now = ContinuousClock.now
            let interval = style == .bar ? Duration.milliseconds(100) : logInterval
            if let lastShown, now - lastShown < interval, progress.position < progress.head { return }
            lastShown = now
            show(progress)
        }
    }

    /// Ends the display after the last report: ends the bar's line.
    func finish() {
        lock.withLock {
            if style == .bar, barShown { CommandOutput.progress("\n") }
            barShown = false
        }
    }

    /// The last report taken.
    var lastReport: RebuildProgress? { lock.withLock { latest } }

    private func show(_ progress: RebuildProgress) {
        switch style {
        case .bar:
            CommandOutput.progress("\r" + Self.bar(progress, width: 30) + "\u{1B}[K")
            barShown = true
        case .lines:
            CommandOutput.error("rebuild \(progress)")
        case .silent:
            break
        }
    }

    /// `meetings [##########----------]  51%  512,000/1,000,000  98,000 events/s  ETA 5 s`.
    static func bar(_ progress: RebuildProgress, width: Int) -> String {
        let filled = Int((progress.fractionDone * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let percent = String(Int(progress.fractionDone * 100)).leftPadded(to: 3)
        var text = "\(progress.projection) [\(bar)] \(percent)%  \(progress.position.formatted())/\(progress.head.formatted())"
        text += "  \(Int(progress.eventsPerSecond).formatted()) events/s"
        if let remaining = progress.estimatedRemaining {
            text += "  ETA \(remaining.components.seconds) s"
        }
        return text
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: " ", count: max(0, width - count)) + self
    }
}
