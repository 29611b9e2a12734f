import Chronicle
import Foundation

/// Doc comments read from Swift source: a type's, and its stored properties', by name. A
/// plain reading of `///` lines before `struct`, `var` and `let` declarations, enough for the
/// event types the catalog documents; nothing is compiled.
struct SourceDocumentation: Sendable {
    /// A type's doc comment, its properties' and its coding keys.
    struct TypeDocumentation: Sendable {
        /// The first paragraph of the type's doc comment.
        var summary: String?
        /// Each property's doc comment, by property name.
        var properties: [String: String]
        /// The property of each coding key that renames one (`case startsAt = "starts_at"`).
        var renamedKeys: [String: String]

        /// The doc comment of the property stored under a key.
        func property(storedAs key: String, keys: EventKeyStyle) -> String? {
            if let property = renamedKeys[key] ?? renamedKeys.first(where: { keys.storedKey($0.key) == key })?.value { return properties[property] }
            return properties.first { keys.storedKey($0.key) == key }?.value
        }
    }

    private var types: [String: TypeDocumentation] = [:]

    init(_ sources: [URL]) {
        for file in Self.swiftFiles(in: sources) {
            guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
            read(text)
        }
    }

    func type(_ name: String) -> TypeDocumentation? { types[name] }

    private static func swiftFiles(in sources: [URL]) -> [URL] {
        sources.flatMap { source -> [URL] in
            if source.pathExtension == "swift" { return [source] }
            let files = FileManager.default.enumerator(at: source, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
            return files.filter { $0.pathExtension == "swift" }.sorted { $0.path < $1.path }
        }
    }

    /// Reads the types of a file: each `struct` with the `///` lines before it, and within its
    /// braces, each `var`/`let` with its `///` lines and each renaming `case`.
    private mutating func read(_ text: String) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        var comment: [String] = []
        var current: (name: String, depth: Int)?
        var depth = 0
        for line in lines {
            if line.hasPrefix("///") {
                comment.append(String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces))
                continue
            }
            if current == nil, let name = Self.declaredStruct(in: line) {
                types[name] = TypeDocumentation(summary: Self.summary(comment), properties: [:], renamedKeys: [:])
                current = (name, depth)
            } else if let type = current?.name, let property = Self.declaredProperty(in: line), depth == current!.depth + 1 {
                if let summary = Self.summary(comment) { types[type]?.properties[property] = summary }
            } else if let type = current?.name {
                for (property, key) in Self.renamedKeys(in: line) { types[type]?.renamedKeys[key] = property }
            }
            comment = []
            depth += line.count { $0 == "{" } - line.count { $0 == "}" }
            if let open = current, depth <= open.depth, line.contains("}") { current = nil }
        }
    }

    private static func summary(_ comment: [String]) -> String? {
        let paragraph = comment.prefix { !$0.isEmpty && !$0.hasPrefix("```") && !$0.hasPrefix("- ") }
        return paragraph.isEmpty ? nil : paragraph.joined(separator: " ")
    }

    private static func declaredStruct(in line: String) -> String? {
        guard let range = line.range(of: #"^(public |package |internal )?(final )?struct [A-Za-z_][A-Za-z0-9_]*"#, options: .regularExpression) else {
            return nil
        }
        return String(line[range].split(separator: " ").last!)
    }

    private static func declaredProperty(in line: String) -> String? {
        guard let range = line.range(of: #"^(public |package |internal )?(var|let) [A-Za-z_][A-Za-z0-9_]*"#, options: .regularExpression),
            !line.contains("static ")
        else { return nil }
        return String(line[range].split(separator: " ").last!)
    }

    private static func renamedKeys(in line: String) -> [(property: String, key: String)] {
        guard line.hasPrefix("case ") else { return [] }
        return line.dropFirst(5).split(separator: ",").compactMap { part in
            let sides = part.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
            guard sides.count == 2, sides[1].hasPrefix("\""), sides[1].hasSuffix("\"") else { return nil }
            return (sides[0], String(sides[1].dropFirst().dropLast()))
        }
    }
}
