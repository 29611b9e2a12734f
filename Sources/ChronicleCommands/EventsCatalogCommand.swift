public import ArgumentParser
import Chronicle
public import ChronicleProjections
import ChronicleSQL
public import Foundation

/// `events catalog`: documents every event type of the application (`ChronicleApplication.eventTypes`)
/// as Markdown or JSON Schema: schema versions and upcasters, fields with their Swift types and
/// doc comments (with `--sources`), an example of each, and what handles it.
public struct EventsCatalogCommand<App: ChronicleApplication>: AsyncParsableCommand, Sendable {
    /// The command's name and help.
    public static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "catalog",
            abstract: "Document every event type: fields, versions, upcasters, examples and handlers.")
    }

    /// The output format.
    public enum Format: String, ExpressibleByArgument, CaseIterable, Sendable {
        /// Markdown, a section per event type.
        case markdown
        /// A JSON Schema document, a definition per event type.
        case jsonSchema = "json-schema"
    }

    /// The output format.
    @Option(help: "markdown or json-schema.")
    public var format: Format = .markdown

    /// Where to read doc comments from.
    @Option(name: .customLong("sources"), help: ArgumentHelp("A folder or file of Swift source to read doc comments from; repeat for several.", valueName: "path"))
    public var sources: [String] = []

    /// Writes to a file instead of standard output.
    @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "path"))
    public var output: String?

    /// The application's options.
    @OptionGroup public var options: App.Options

    /// Creates the command; the argument parser fills in its options.
    public init() {}

    /// Writes the catalog.
    public func run() async throws {
        try await ChronicleSubcommands.reportingFailures {
            let text = try await App.withApp(options, access: .existing) { app in
                let catalog = App.catalog(of: app, sources: sources.map { URL(fileURLWithPath: $0) })
                return format == .markdown ? catalog.markdown() : catalog.jsonSchemaText()
            }
            if let output {
                try text.write(toFile: output, atomically: true, encoding: .utf8)
            } else {
                print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
            }
        }
    }

}

extension ChronicleApplication {
    /// The application's event catalog: its event types and aggregates, with the read side's
    /// projections and reactors and the store's upcasters.
    ///
    /// - Parameters:
    ///   - app: The opened application.
    ///   - sources: Folders or files of Swift source to read doc comments from.
    public static func catalog(of app: EventSourcedApp, sources: [URL] = []) -> EventCatalog {
        EventCatalog(
            events: eventTypes, aggregates: aggregateTypes, readSide: app.readSide, upcasters: app.store.upcasters, sources: sources)
    }
}
