public import Chronicle

/// A read model kept in relational tables, built from events.
///
/// A projection declares its ``name``, a ``version`` to bump when its tables or handlers change,
/// the ``tables`` it owns, and ``handlers`` that write them with SQL. It runs either inside each
/// append's transaction (inline: its tables are current when a command returns) or behind the
/// log (async: a runner applies events in batches). Either way its rows and its checkpoint
/// change in one transaction.
///
/// ```swift
/// struct MeetingsProjection: Projection {
///     static let name = "meetings"
///     static let version = 1
///     static let tables = [
///         ProjectionTable("meetings", ["CREATE TABLE {table} (id TEXT PRIMARY KEY, title TEXT NOT NULL, attendees INTEGER NOT NULL)"])
///     ]
///
///     var handlers: EventHandlers<ProjectionContext> {
///         EventHandlers {
///             On(MeetingScheduled.self) { event, row in
///                 try await row.sql.raw("""
///                     INSERT INTO \(ident: row.table("meetings")) (id, title, attendees)
///                     VALUES (\(bind: row.event.stream.entityID), \(bind: event.title), 0)
///                     """).run()
///             }
///             On(InvitationAccepted.self) { _, row in
///                 try await row.sql.raw("""
///                     UPDATE \(ident: row.table("meetings")) SET attendees = attendees + 1
///                     WHERE id = \(bind: row.event.stream.entityID)
///                     """).run()
///             }
///         }
///     }
/// }
/// ```
///
/// - Important: Handlers must be deterministic functions of the events: they run again, in
///   order, when the projection is rebuilt. Side effects belong in a ``Reactor``. A projection
///   writes only its own tables: its table names and statements may not use the store's prefix
///   (`chronicle_`), which ``EventSourcedApp/migrate()`` refuses.
public protocol Projection: Sendable {
    /// The projection's stable name: its checkpoint's key. Lowercase letters, digits, `_`.
    static var name: String { get }

    /// The version of its tables and handlers. Bump it and rebuild when either changes.
    static var version: Int { get }

    /// The tables it owns.
    static var tables: [ProjectionTable] { get }

    /// How events change its tables.
    var handlers: EventHandlers<ProjectionContext> { get }

    /// What the read side does when a handler keeps failing at an event: ``ErrorPolicy/stop``
    /// unless the projection says otherwise. (An inline projection's failure fails the append
    /// instead; its policy applies to its rebuilds.)
    static var errorPolicy: ErrorPolicy { get }

    /// The order the projection needs: ``EventOrdering/global`` unless it says it needs only
    /// each entity's own order (``EventOrdering/perEntity``), which lets it be partitioned. A
    /// projection whose rows gather several entities' events (a count across meetings, say)
    /// needs the global order.
    static var ordering: EventOrdering { get }

    /// Into how many partitions an async projection's events are split, by a stable hash of
    /// their entity's id: 1 (not partitioned) unless the projection says more.
    ///
    /// Each partition has its own checkpoint and its own lease, so the nodes of a cluster share
    /// the partitions out and write the projection's tables side by side, and an online rebuild
    /// replays the partitions in parallel. Each entity's events stay in order within its
    /// partition. ``ReadSide/run()`` refuses a partitioned projection that needs the global
    /// order, or that runs inline. Every node must declare the same number; a projection built
    /// with another number of partitions needs a rebuild.
    ///
    /// ```swift
    /// struct BalancesProjection: Projection {
    ///     static let name = "balances"
    ///     static let version = 1
    ///     static let ordering = EventOrdering.perEntity
    ///     static let partitions = 4
    ///     // …
    /// }
    /// ```
    static var partitions: Int { get }
}

extension Projection {
    /// ``ErrorPolicy/stop``: an event is never passed over unless an operator decides so.
    public static var errorPolicy: ErrorPolicy { .stop }

    /// ``EventOrdering/global``: the safe default for a projection that does not say.
    public static var ordering: EventOrdering { .global }

    /// 1: not partitioned.
    public static var partitions: Int { 1 }
}
