import Chronicle
import ChronicleSQL
import Foundation
import SQLKit

/// Whether an application can serve: its database answers and takes writes, and every
/// projection and reactor is live.
///
/// Its JSON form is what a readiness endpoint answers:
/// `{"status": "not_ready", "problems": ["Projection meetings needs a rebuild to version 2."], "head": 42, "read_side": {…}}`,
/// where `read_side` is the ``ReadSideStatus``, when the database answered.
public struct Readiness: Sendable, Codable, Equatable {
    /// What stands in the way, one sentence each; empty when ready.
    public var problems: [String]
    /// The log's head position, when the database answered.
    public var head: Int64?
    /// Where each projection and reactor stands, when the database answered.
    public var readSide: ReadSideStatus?

    /// Whether nothing stands in the way.
    public var isReady: Bool { problems.isEmpty }

    /// Creates a readiness.
    public init(problems: [String], head: Int64? = nil, readSide: ReadSideStatus? = nil) {
        self.problems = problems
        self.head = head
        self.readSide = readSide
    }

    private enum CodingKeys: String, CodingKey {
        case status, problems, head
        case readSide = "read_side"
    }

    /// Reads a readiness from its JSON form.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        problems = try container.decodeIfPresent([String].self, forKey: .problems) ?? []
        head = try container.decodeIfPresent(Int64.self, forKey: .head)
        readSide = try container.decodeIfPresent(ReadSideStatus.self, forKey: .readSide)
    }

    /// Writes `status` (`ready` or `not_ready`), the problems, the head and the read side's status.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(isReady ? "ready" : "not_ready", forKey: .status)
        try container.encode(problems, forKey: .problems)
        try container.encodeIfPresent(head, forKey: .head)
        try container.encodeIfPresent(readSide, forKey: .readSide)
    }
}

extension ReadSide {
    /// Checks, within a time limit, that the database answers and accepts a write, and that no
    /// projection or reactor is failing, has parked events, or needs setting up or rebuilding.
    ///
    /// It answers within `limit` whatever the database does, so a health check never hangs: a
    /// database that does not answer in time makes it not ready.
    ///
    /// ```swift
    /// let readiness = await readSide.readiness()
    /// if !readiness.isReady { print(readiness.problems) }
    /// ```
    ///
    /// - Parameter limit: How long the checks may take. Default: 1 s.
    public func readiness(within limit: Duration = .seconds(1)) async -> Readiness {
        do {
            let checked = try await Deadline.run(within: limit) { _ in
                let status = try await self.status()
                try await self.checkWritable()
                return Readiness(problems: status.problems, head: status.head, readSide: status)
            }
            return checked ?? Readiness(problems: ["The database did not answer within \(limit)."])
        } catch {
            return Readiness(problems: ["\(error)"])
        }
    }

    /// Writes and commits a row of this process's own, so that a database that refuses writes
    /// (a full disk, a read-only file or server, a lock held elsewhere) shows.
    ///
    /// - Throws: The store's error, `EventStoreError.Code.unavailable` for those causes.
    public func checkWritable() async throws {
        let now = Timestamp.microseconds(since1970: configuration.now())
        try await database.withWriteTransaction(locking: nil) { sql in
            try await sql.raw("""
                INSERT INTO chronicle_write_checks (checker, checked_at) VALUES (\(bind: Self.checker), \(bind: now))
                ON CONFLICT (checker) DO UPDATE SET checked_at = excluded.checked_at
                """).run()
        }
    }

    /// This process, as the write check names it.
    private static let checker = "\(ProcessInfo.processInfo.hostName)/\(ProcessInfo.processInfo.processIdentifier)"
}
