import Chronicle
import Foundation

#if os(Linux)
/// glibc's `malloc_trim(3)`, which `Glibc` does not export.
@_silgen_name("malloc_trim")
private func mallocTrim(_ pad: Int) -> Int32
#endif

/// The process's peak resident memory, from Linux's `/proc/self/status`.
enum PeakMemory {
    /// Starts a new peak from the current resident size (writes `5` to `/proc/self/clear_refs`),
    /// after handing memory that is free but still mapped (what seeding the log left in
    /// malloc's arenas) back to the system, so that the peak is what the work itself holds.
    static func reset() {
        #if os(Linux)
        _ = mallocTrim(0)
        #endif
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return }
        try? handle.write(contentsOf: Data("5".utf8))
        try? handle.close()
    }

    /// The peak resident size since the start or the last ``reset()``, in bytes (`VmHWM`).
    static func peakBytes() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        return kilobytes * 1_024
    }

    /// Events per second and peak megabytes of one piece of work over `events` events.
    static func throughput(of events: Int, _ work: () async throws -> Void) async throws -> (perSecond: Double, megabytes: Double) {
        reset()
        let elapsed = try await ContinuousClock().measure { try await work() }
        return (Double(events) / elapsed.timeInterval, (peakBytes() ?? 0) / 1_048_576)
    }
}
