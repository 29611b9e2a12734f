/// A rule's verdict on one value: a code and a message, at a path below the value.
///
/// Rules report issues about the value they check; a ``Field`` (or ``Each``, or a nested
/// ``Schema``) puts its name in front of the path, so a ``Schema`` ends with full field paths.
public struct ValidationIssue: Hashable, Sendable {
    /// Where below the checked value the issue is: empty for the value itself.
    public var path: [ValidationPathComponent]
    /// A stable machine code in snake case.
    public var code: String
    /// A readable message that follows the field name.
    public var message: String

    /// Creates an issue about the checked value itself, or about a part of it.
    public init(code: String, message: String, path: [ValidationPathComponent] = []) {
        self.path = path
        self.code = code
        self.message = message
    }

    /// The same issue, one level further down: below `component`.
    func nested(under component: ValidationPathComponent) -> ValidationIssue {
        ValidationIssue(code: code, message: message, path: [component] + path)
    }
}

/// One step of a path to a field: a named field or a position in a list.
public enum ValidationPathComponent: Hashable, Sendable {
    /// A field, by the name clients know it by.
    case field(String)
    /// An element of a list, counting from 0.
    case index(Int)

    /// Renders a path as `address.city` or `invitees[2].email`.
    static func render(_ path: [ValidationPathComponent]) -> String {
        var text = ""
        for component in path {
            switch component {
            case .field(let name):
                text += text.isEmpty ? name : ".\(name)"
            case .index(let index):
                text += "[\(index)]"
            }
        }
        return text
    }
}
