import Foundation

/// A value of one column in a projection's row change: text, an integer, a real, a boolean, or
/// null. Literals work where a value is expected.
///
/// ```swift
/// try await row.insert(into: "accounts", key: ["id": .text(id)], values: ["owner": .text(event.owner), "balance": 0])
/// ```
///
/// Values are bound as parameters of the dialect's own types (PostgreSQL `text`, `int8`,
/// `float8`, `bool`), so a column receives them as it would from handwritten SQL; null is
/// written as the literal `NULL`, which every column type accepts.
public struct ColumnValue: Hashable, Sendable, CustomStringConvertible {
    enum Storage: Hashable, Sendable {
        case null
        case integer(Int64)
        case real(Double)
        case text(String)
        case boolean(Bool)
    }

    let storage: Storage

    private init(_ storage: Storage) {
        self.storage = storage
    }

    /// SQL `NULL`.
    public static let null = ColumnValue(.null)

    /// An integer; `nil` is null.
    ///
    /// - Precondition: The value fits in 64 bits.
    public static func integer<Integer: BinaryInteger>(_ value: Integer?) -> ColumnValue {
        value.map { ColumnValue(.integer(Int64($0))) } ?? .null
    }

    /// A double-precision number; `nil` is null.
    public static func real(_ value: Double?) -> ColumnValue {
        value.map { ColumnValue(.real($0)) } ?? .null
    }

    /// A string; `nil` is null.
    public static func text(_ value: String?) -> ColumnValue {
        value.map { ColumnValue(.text($0)) } ?? .null
    }

    /// A boolean (SQLite stores it as 0 or 1); `nil` is null.
    public static func boolean(_ value: Bool?) -> ColumnValue {
        value.map { ColumnValue(.boolean($0)) } ?? .null
    }

    /// Whether this is SQL `NULL`.
    public var isNull: Bool { storage == .null }

    /// The value as a parameter to bind; `nil` for null, which is written as a literal.
    var bindable: (any Encodable & Sendable)? {
        switch storage {
        case .null: nil
        case .integer(let value): value
        case .real(let value): value
        case .text(let value): value
        case .boolean(let value): value
        }
    }

    /// The kind of value, part of a statement's shape: values of one column in one statement
    /// share a type.
    var kind: Kind {
        switch storage {
        case .null: .null
        case .integer: .integer
        case .real: .real
        case .text: .text
        case .boolean: .boolean
        }
    }

    /// The kinds of ``ColumnValue``.
    enum Kind: Hashable, Sendable {
        case null, integer, real, text, boolean
    }

    /// The sum of two numbers, for increments applied to a pending value; `nil` when either is
    /// not a number. Null stays null, as `NULL + n` does in SQL.
    func adding(_ other: ColumnValue) -> ColumnValue? {
        switch (storage, other.storage) {
        case (.null, .integer), (.null, .real): .null
        case (.integer(let a), .integer(let b)):
            a.addingReportingOverflow(b).overflow ? nil : .integer(a + b)
        case (.integer(let a), .real(let b)): .real(Double(a) + b)
        case (.real(let a), .integer(let b)): .real(a + Double(b))
        case (.real(let a), .real(let b)): .real(a + b)
        default: nil
        }
    }

    /// Whether the value can be added to a column.
    var isNumber: Bool { kind == .integer || kind == .real }

    /// The value as SQL would print it: `'text'`, `42`, `NULL`.
    public var description: String {
        switch storage {
        case .null: "NULL"
        case .integer(let value): "\(value)"
        case .real(let value): "\(value)"
        case .text(let value): "'\(value.replacingOccurrences(of: "'", with: "''"))'"
        case .boolean(let value): value ? "TRUE" : "FALSE"
        }
    }
}

extension ColumnValue: ExpressibleByIntegerLiteral {
    /// An integer literal.
    public init(integerLiteral value: Int64) {
        self.init(.integer(value))
    }
}

extension ColumnValue: ExpressibleByFloatLiteral {
    /// A floating-point literal.
    public init(floatLiteral value: Double) {
        self.init(.real(value))
    }
}

extension ColumnValue: ExpressibleByStringLiteral {
    /// A string literal.
    public init(stringLiteral value: String) {
        self.init(.text(value))
    }
}

extension ColumnValue: ExpressibleByBooleanLiteral {
    /// `true` or `false`.
    public init(booleanLiteral value: Bool) {
        self.init(.boolean(value))
    }
}

extension ColumnValue: ExpressibleByNilLiteral {
    /// `nil`: SQL `NULL`.
    public init(nilLiteral: ()) {
        self.init(.null)
    }
}
