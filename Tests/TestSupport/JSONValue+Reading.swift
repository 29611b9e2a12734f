public import Chronicle

/// Reading JSON answers in tests.
extension JSONValue {
    /// The value at a key of an object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    /// The element at an index of an array.
    public subscript(index: Int) -> JSONValue? {
        if case .array(let array) = self, array.indices.contains(index) { return array[index] }
        return nil
    }

    /// The elements of an array, or none.
    public var arrayValue: [JSONValue] {
        if case .array(let array) = self { return array }
        return []
    }

    /// The string, if it is one.
    public var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }

    /// The integer, if it is one.
    public var intValue: Int? {
        if case .integer(let integer) = self { return Int(integer) }
        return nil
    }
}
