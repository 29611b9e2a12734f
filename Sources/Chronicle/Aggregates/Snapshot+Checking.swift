import Foundation

extension Snapshot {
    /// Refuses a snapshot that no store keeps, with the same error on every store: each store
    /// calls this before it writes one.
    ///
    /// A snapshot names a storable entity, has a version of 1 or more (it holds at least one
    /// event), and its state is JSON whose strings every database stores faithfully.
    ///
    /// - Throws: ``EventStoreError/Code/invalidInput`` naming the problem.
    public func check() throws {
        func refuse(_ problem: String) -> EventStoreError {
            .invalidInput("Cannot keep a snapshot of \(stream): \(problem). Nothing was written.", stream: stream)
        }
        if let problem = PreparedAppend.problem(withName: stream.entityType) {
            throw refuse("the entity type \(problem)")
        }
        if let problem = PreparedAppend.problem(withIdentifier: stream.entityID) {
            throw refuse("the entity id \(problem)")
        }
        if version < 1 {
            throw refuse("its version is \(version), and a snapshot holds one event at least")
        }
        guard (try? JSONSerialization.jsonObject(with: state, options: [.fragmentsAllowed])) != nil else {
            throw refuse(JSONText.unstorableString(in: state).map { "its state \($0)" } ?? "its state is not valid JSON")
        }
        if let problem = JSONText.unstorableString(in: state) {
            throw refuse("its state \(problem)")
        }
    }
}
