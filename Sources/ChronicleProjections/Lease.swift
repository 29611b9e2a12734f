public import Foundation
import ChronicleSQL
import SQLKit

/// Who runs a consumer (an async projection or a reactor) or one of its partitions: a row of
/// `chronicle_leases`, as ``ReadSide/status()`` shows it.
///
/// A node runs a consumer only while it holds its lease, renewing it with a heartbeat every
/// ``ReadSide/Configuration/leaseRenewal``. A lease not renewed for
/// ``ReadSide/Configuration/leaseDuration`` (its holder died or lost the database) expires,
/// and another node takes it over: a failover. Times are the database's.
public struct Lease: Sendable, Codable, Equatable {
    /// The partition of the consumer the lease is for; 0 for a consumer not partitioned.
    public var partition: Int
    /// The node holding it (``ReadSide/Configuration/node``), or `nil` once released.
    public var holder: String?
    /// When its holder took it.
    public var acquiredAt: Date
    /// Its holder's last heartbeat.
    public var heartbeatAt: Date
    /// When it expires unless renewed.
    public var expiresAt: Date
    /// How many times a node took it over from a holder whose lease had expired.
    public var failovers: Int

    private enum CodingKeys: String, CodingKey {
        case partition, holder, failovers
        case acquiredAt = "acquired_at", heartbeatAt = "heartbeat_at", expiresAt = "expires_at"
    }

    /// Creates a lease as a row holds it.
    public init(partition: Int, holder: String?, acquiredAt: Date, heartbeatAt: Date, expiresAt: Date, failovers: Int) {
        self.partition = partition
        self.holder = holder
        self.acquiredAt = acquiredAt
        self.heartbeatAt = heartbeatAt
        self.expiresAt = expiresAt
        self.failovers = failovers
    }
}

/// The lease a runner holds while it runs a batch. The batch's transaction checks it, so that a
/// node whose lease another node has taken over commits nothing more; a reactor's effect waits
/// until the lease is sure to outlast it (``waitUntilValid(for:checkingEvery:)``), so that a node
/// whose lease is running out runs none.
struct LeaseHold: Sendable {
    var consumer: String
    var partition: Int
    var node: String
    /// The leases the node holds, with how long each stays valid; `nil` for a runner without.
    var held: HeldLeases? = nil

    /// Waits until the lease stays valid for `margin` at least without another renewal: at
    /// once while the heartbeat renews it, longer while a renewal is late (the database is slow,
    /// or this process was frozen), when another node may soon take it over.
    ///
    /// - Throws: ``LeaseLost`` when the node no longer holds it; `CancellationError`.
    func waitUntilValid(for margin: Duration, checkingEvery interval: Duration) async throws {
        guard let held else { return }
        let key = LeaseKey(consumer: consumer, partition: partition)
        while true {
            guard let validity = await held.validity(of: key) else { throw LeaseLost(hold: self, holder: nil) }
            if validity >= margin { return }
            try await Task.sleep(for: interval)
        }
    }
}

/// A batch found its lease held by another node: the runner stops and stands by.
struct LeaseLost: Error, CustomStringConvertible {
    var hold: LeaseHold
    var holder: String?

    var description: String {
        "Node \(hold.node) lost the lease of \(hold.consumer) (partition \(hold.partition)) to \(holder ?? "nobody")."
    }
}

/// The read side's statements on `chronicle_leases`, the same in both dialects.
enum Leases {
    /// Throws unless the node still holds the lease, in the transaction of a batch.
    ///
    /// - Throws: ``LeaseLost``.
    static func check(_ hold: LeaseHold, on sql: any SQLDatabase) async throws {
        let holder = try await sql.raw("""
            SELECT holder FROM chronicle_leases WHERE consumer = \(bind: hold.consumer) AND partition_number = \(bind: hold.partition)
            """).first()?.decode(column: "holder", as: String?.self)
        guard holder == hold.node else { throw LeaseLost(hold: hold, holder: holder) }
    }

    /// Whether a node other than `node` holds the lease and has not let it expire: what
    /// ``acquire(_:partition:by:for:dialect:on:)`` would not take.
    static func isHeld(_ consumer: String, partition: Int, byOtherThan node: String, dialect: any StoreDialect, on sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("""
            SELECT 1 AS held FROM chronicle_leases
            WHERE consumer = \(bind: consumer) AND partition_number = \(bind: partition)
                AND holder IS NOT NULL AND holder <> \(bind: node) AND expires_at >= \(dialect.currentMicroseconds)
            """).first() != nil
    }

    /// Takes a lease that is free, released, expired or already this node's, for `duration`
    /// from now on the database's clock. Returns the lease's failover count when this node
    /// holds it now, and `nil` when another node holds it.
    static func acquire(
        _ consumer: String, partition: Int, by node: String, for duration: Duration, dialect: any StoreDialect, on sql: any SQLDatabase
    ) async throws -> Int? {
        let now = dialect.currentMicroseconds
        return try await sql.raw("""
            INSERT INTO chronicle_leases (consumer, partition_number, holder, acquired_at, heartbeat_at, expires_at, failovers)
            VALUES (\(bind: consumer), \(bind: partition), \(bind: node), \(now), \(now), \(now) + \(bind: microseconds(duration)), 0)
            ON CONFLICT (consumer, partition_number) DO UPDATE SET
                holder = excluded.holder,
                acquired_at = CASE WHEN chronicle_leases.holder = excluded.holder THEN chronicle_leases.acquired_at ELSE excluded.acquired_at END,
                heartbeat_at = excluded.heartbeat_at,
                expires_at = excluded.expires_at,
                failovers = chronicle_leases.failovers
                    + CASE WHEN chronicle_leases.holder IS NOT NULL AND chronicle_leases.holder <> excluded.holder THEN 1 ELSE 0 END
            WHERE chronicle_leases.holder IS NULL OR chronicle_leases.holder = excluded.holder
                OR chronicle_leases.expires_at < excluded.heartbeat_at
            RETURNING failovers
            """).first()?.decode(column: "failovers", as: Int.self)
    }

    /// Renews every lease this node holds. Returns those it renewed: a lease another node has
    /// taken over is not among them.
    static func renew(by node: String, for duration: Duration, dialect: any StoreDialect, on sql: any SQLDatabase) async throws -> Set<LeaseKey> {
        let now = dialect.currentMicroseconds
        let rows = try await sql.raw("""
            UPDATE chronicle_leases SET heartbeat_at = \(now), expires_at = \(now) + \(bind: microseconds(duration))
            WHERE holder = \(bind: node)
            RETURNING consumer, partition_number
            """).all()
        return Set(try rows.map { LeaseKey(consumer: try $0.decode(column: "consumer", as: String.self), partition: try $0.decode(column: "partition_number", as: Int.self)) })
    }

    /// Gives up a lease this node holds, so that another node takes it at once, and not as a
    /// failover.
    static func release(_ consumer: String, partition: Int, by node: String, dialect: any StoreDialect, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE chronicle_leases SET holder = NULL, expires_at = \(dialect.currentMicroseconds)
            WHERE consumer = \(bind: consumer) AND partition_number = \(bind: partition) AND holder = \(bind: node)
            """).run()
    }

    /// The consumer name of a node's presence lease, which tells the other nodes it is live;
    /// its "~node:" prefix keeps it apart from the projections' and reactors' names.
    static func presence(of node: String) -> String {
        "~node:" + node
    }

    /// The nodes whose presence lease has not expired, by name.
    static func liveNodes(dialect: any StoreDialect, on sql: any SQLDatabase) async throws -> [String] {
        try await sql.raw("""
            SELECT holder FROM chronicle_leases
            WHERE consumer LIKE '~node:%' AND holder IS NOT NULL AND expires_at > \(dialect.currentMicroseconds)
            ORDER BY holder
            """).all().map { try $0.decode(column: "holder", as: String.self) }
    }

    /// Every lease, by consumer, in partition order.
    static func all(on sql: any SQLDatabase) async throws -> [String: [Lease]] {
        var leases: [String: [Lease]] = [:]
        let rows = try await sql.raw("""
            SELECT consumer, partition_number, holder, acquired_at, heartbeat_at, expires_at, failovers
            FROM chronicle_leases ORDER BY consumer, partition_number
            """).all()
        for row in rows {
            let lease = Lease(
                partition: try row.decode(column: "partition_number", as: Int.self),
                holder: try row.decode(column: "holder", as: String?.self),
                acquiredAt: Bookkeeping.date(try row.decode(column: "acquired_at", as: Int64.self)),
                heartbeatAt: Bookkeeping.date(try row.decode(column: "heartbeat_at", as: Int64.self)),
                expiresAt: Bookkeeping.date(try row.decode(column: "expires_at", as: Int64.self)),
                failovers: try row.decode(column: "failovers", as: Int.self))
            leases[try row.decode(column: "consumer", as: String.self), default: []].append(lease)
        }
        return leases
    }

    static func microseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
    }
}
