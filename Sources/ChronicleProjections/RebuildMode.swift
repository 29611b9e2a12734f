/// How a projection is rebuilt.
public enum RebuildMode: String, Hashable, Sendable, CaseIterable {
    /// In one transaction: the tables are dropped, recreated and filled from the whole log. The
    /// old tables serve until it commits; the projection's appends (inline) or runner (async)
    /// wait for it, and a failure leaves everything as it was.
    case offline
    /// Beside the live tables: a new generation of the tables is filled from the log in
    /// batches while the live ones keep serving and updating, then swapped in by one short
    /// transaction. An interrupted online rebuild resumes where it stopped, or is discarded.
    case online
}
