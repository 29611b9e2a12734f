public import Chronicle

/// An aggregate the event browser folds, so that a stream's page shows the entity's state at
/// any version.
///
/// ```swift
/// let browser = EventBrowser<AppContext>(app: app, aggregates: [.init(Meeting.self)]) { … }
/// ```
public struct BrowsableAggregate: Sendable {
    /// The entity type whose streams the aggregate folds.
    public let entityType: String
    let state: @Sendable (Aggregates, String, Int) async throws -> String

    /// Registers an aggregate type. Its state is shown as Swift's `dump` of it.
    public init<A: Aggregate>(_ type: A.Type) {
        entityType = A.entityType
        state = { aggregates, entityID, version in
            let loaded = try await aggregates.load(A.self, id: EntityID<A>(rawValue: entityID), asOf: .version(version))
            var text = ""
            dump(loaded.state, to: &text)
            return text
        }
    }
}
