/// One pending change to one row of a projection's table, as a handler asked for it.
enum RowChange: Sendable, Equatable {
    /// Insert the row; fails if it exists.
    case insert([String: ColumnValue])
    /// Insert the row, or set these columns of the existing one.
    case upsert([String: ColumnValue])
    /// Set some columns and add to others, if the row exists.
    case update(set: [String: ColumnValue], increment: [String: ColumnValue])
    /// Delete the row if it exists.
    case delete

    /// The one change with the effect of this change followed by `next` on the same row, or
    /// `nil` when no single change has it (the pending changes are then written first).
    ///
    /// An insert followed by a delete stays two changes: the insert may fail on a row that
    /// already exists, and that failure must not be lost.
    func followed(by next: RowChange) -> RowChange? {
        switch (self, next) {
        case (.insert(let values), .update(let set, let increment)):
            Self.applying(set: set, increment: increment, to: values).map(RowChange.insert)
        case (.upsert(let values), .update(let set, let increment)):
            Self.applying(set: set, increment: increment, to: values).map(RowChange.upsert)
        case (.insert(let values), .upsert(let more)):
            .insert(values.merging(more) { _, new in new })
        case (.upsert(let values), .upsert(let more)):
            .upsert(values.merging(more) { _, new in new })
        case (.update(let set, let increment), .update(let moreSet, let moreIncrement)):
            Self.combining(set: set, increment: increment, thenSet: moreSet, thenIncrement: moreIncrement)
        case (.upsert, .delete), (.update, .delete), (.delete, .delete), (.delete, .update):
            .delete
        case (.insert, .insert), (.insert, .delete), (.upsert, .insert), (.update, .insert), (.update, .upsert),
            (.delete, .insert), (.delete, .upsert):
            nil
        }
    }

    /// Known values after an update: set columns replaced, increments added. `nil` when an
    /// increment's column has no known number.
    private static func applying(
        set: [String: ColumnValue], increment: [String: ColumnValue], to values: [String: ColumnValue]
    ) -> [String: ColumnValue]? {
        var result = values.merging(set) { _, new in new }
        for (column, amount) in increment {
            guard let sum = result[column]?.adding(amount) else { return nil }
            result[column] = sum
        }
        return result
    }

    /// Two updates as one: the later sets win, increments add up, an increment of a column the
    /// first set adds to that value.
    private static func combining(
        set: [String: ColumnValue], increment: [String: ColumnValue],
        thenSet moreSet: [String: ColumnValue], thenIncrement moreIncrement: [String: ColumnValue]
    ) -> RowChange? {
        var set = set
        var increment = increment
        for (column, value) in moreSet {
            set[column] = value
            increment[column] = nil
        }
        for (column, amount) in moreIncrement {
            if let value = set[column] {
                guard let sum = value.adding(amount) else { return nil }
                set[column] = sum
            } else if let pending = increment[column] {
                guard let sum = pending.adding(amount) else { return nil }
                increment[column] = sum
            } else {
                increment[column] = amount
            }
        }
        return .update(set: set, increment: increment)
    }
}
