import Chronicle

/// An error of the read side: a failing handler, a projection that needs setting up or
/// rebuilding, an unknown or reserved name.
public struct ReadSideError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. Compare with the static members; new kinds may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case handlerFailed = "handler failed"
            case notMigrated = "not migrated"
            case needsRebuild = "needs rebuild"
            case unknownName = "unknown name"
            case rebuildInProgress = "rebuild in progress"
            case noRebuildInProgress = "no rebuild in progress"
            case invalidRowChange = "invalid row change"
            case reservedName = "reserved name"
            case tableExists = "table exists"
            case eventNotParked = "event not parked"
            case invalidDefinition = "invalid definition"
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// A projection's or reactor's handler threw at an event.
        public static let handlerFailed = Code(.handlerFailed)
        /// A projection's tables or a reactor's registration do not exist yet: run `migrate()`.
        public static let notMigrated = Code(.notMigrated)
        /// A projection's tables are of another version than its code: rebuild it.
        public static let needsRebuild = Code(.needsRebuild)
        /// No projection or reactor has that name.
        public static let unknownName = Code(.unknownName)
        /// An online rebuild of the projection is already under way (resume or discard it).
        public static let rebuildInProgress = Code(.rebuildInProgress)
        /// There is no interrupted online rebuild to discard.
        public static let noRebuildInProgress = Code(.noRebuildInProgress)
        /// A projection's handler asked for a row change that cannot be written: an undeclared
        /// table, a missing or null key, a column named twice, an increment that is not a number.
        public static let invalidRowChange = Code(.invalidRowChange)
        /// A projection's table or statement, or an application migration, names one of the
        /// store's own tables (their prefix, `chronicle_`, is reserved): refused before anything
        /// is created, dropped or written.
        public static let reservedName = Code(.reservedName)
        /// A projection's table would replace a table of that name that the projection's
        /// bookkeeping did not create: it is left alone, and nothing is created.
        public static let tableExists = Code(.tableExists)
        /// An operator asked to retry or skip an event that is neither parked nor the one the
        /// consumer is stopped at.
        public static let eventNotParked = Code(.eventNotParked)
        /// A projection's definition does not fit the store: a table without statements for
        /// the store's dialect. Refused before anything is created.
        public static let invalidDefinition = Code(.invalidDefinition)

        /// The code's name.
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// A sentence explaining the failure.
    public var message: String
    /// The projection or reactor concerned.
    public var name: String?
    /// The position of the event a handler failed at.
    public var position: Int64?
    /// The handler's own error.
    public var underlying: (any Error)?

    /// Creates an error.
    public init(code: Code, message: String, name: String? = nil, position: Int64? = nil, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.name = name
        self.position = position
        self.underlying = underlying
    }

    static func handlerFailed(_ name: String, event: RecordedEvent, underlying: any Error) -> ReadSideError {
        ReadSideError(
            code: .handlerFailed,
            message: "\(name) failed at event \(event.position) (\(event.eventType) of \(event.stream)): \(underlying)",
            name: name, position: event.position, underlying: underlying)
    }

    static func rowChangesFailed(_ name: String, _ failure: RowChangesFailure) -> ReadSideError {
        ReadSideError(
            code: .handlerFailed,
            message: "\(name) failed writing the row changes of \(failure.positions) (\(failure.statement)): \(failure.underlying)", name: name, position: failure.firstPosition,
            underlying: failure.underlying)
    }

    /// `<code>: <message>`.
    public var description: String { "\(code): \(message)" }
}
