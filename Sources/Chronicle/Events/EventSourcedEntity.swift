/// A kind of entity whose history is stored as events: a meeting, an order, an account.
///
/// The ``entityType`` is stored in the `entity_type` column of every event of the entity and,
/// like an event type, must never change once events are stored.
///
/// ```swift
/// enum Meeting: EventSourcedEntity {
///     static let entityType = "meeting"
/// }
/// let stream = StreamName(EntityID<Meeting>("42"))   // meeting/42
/// ```
public protocol EventSourcedEntity {
    /// The stable name of this kind of entity, for example `"meeting"`.
    static var entityType: String { get }
}
