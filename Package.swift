// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "Chronicle",
    platforms: [.macOS(.v14)],
    products: [
        // Every application: events, commands, aggregates, the EventStore protocol, the in-memory store.
        .library(name: "Chronicle", targets: ["Chronicle"]),
        // Applications that keep their events in a SQLite file (trait SQLite; the embedded default).
        .library(name: "ChronicleSQLite", targets: ["ChronicleSQLite"]),
        // Applications that keep their events in PostgreSQL (trait PostgreSQL).
        .library(name: "ChroniclePostgres", targets: ["ChroniclePostgres"]),
        // Applications with tables of their own to migrate, and store drivers (the store's schema).
        .library(name: "ChronicleMigrations", targets: ["ChronicleMigrations"]),
        // Authors of a store driver for another SQL database: the protocol such a driver implements.
        .library(name: "ChronicleSQL", targets: ["ChronicleSQL"]),
        // Every application with read tables or side effects: the application root, projections, reactors.
        .library(name: "ChronicleProjections", targets: ["ChronicleProjections"]),
        // Applications whose events hold personal data to encrypt and forget.
        .library(name: "ChroniclePersonalData", targets: ["ChroniclePersonalData"]),
        // Applications whose executable offers migrate, rebuild, status, events and forget.
        .library(name: "ChronicleCommands", targets: ["ChronicleCommands"]),
        // Authors of another web framework's integration: errors as responses, headers, strict JSON
        // bodies, read-your-writes and the event feed, without a framework.
        .library(name: "ChronicleHTTP", targets: ["ChronicleHTTP"]),
        // Applications served with Hummingbird 2 (trait Hummingbird): errors, headers, read-your-writes, the event feed.
        .library(name: "ChronicleHummingbird", targets: ["ChronicleHummingbird"]),
        // Applications served with Vapor 4 (trait Vapor): the same features as ChronicleHummingbird.
        .library(name: "ChronicleVapor", targets: ["ChronicleVapor"]),
        // Services that follow another Chronicle application's event feed (trait FeedClient).
        .library(name: "ChronicleFeedClient", targets: ["ChronicleFeedClient"]),
        // Hummingbird applications that serve the event browser to their operators (trait Hummingbird).
        .library(name: "ChronicleBrowser", targets: ["ChronicleBrowser"]),
        // Application tests: given/when/then scenarios for commands.
        .library(name: "ChronicleTesting", targets: ["ChronicleTesting"]),
        // Tests of a store driver: every conformance suite and the model check.
        .library(name: "ChronicleConformance", targets: ["ChronicleConformance"]),
    ],
    // What an application fetches: each trait brings its packages, and only those. Name the ones
    // you use on Chronicle's .package line, `traits: ["SQLite", "Hummingbird"]`; the default is all.
    traits: [
        .trait(name: "SQLite", description: "ChronicleSQLite: events in a SQLite file, through SQLiteNIO."),
        .trait(name: "PostgreSQL", description: "ChroniclePostgres: events in PostgreSQL, through PostgresNIO."),
        .trait(name: "Hummingbird", description: "ChronicleHummingbird and ChronicleBrowser: serving with Hummingbird 2."),
        .trait(name: "Vapor", description: "ChronicleVapor: serving with Vapor 4."),
        .trait(name: "FeedClient", description: "ChronicleFeedClient: following an event feed with AsyncHTTPClient."),
        .default(enabledTraits: ["SQLite", "PostgreSQL", "Hummingbird", "Vapor", "FeedClient"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/apple/swift-service-context.git", from: "1.5.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin.git", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        // The database-independent core: events, the EventStore protocol, the in-memory store.
        .target(
            name: "Chronicle",
            dependencies: [
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceContextModule", package: "swift-service-context"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        // The store's SQL schema per dialect, bundled as resources, and the migration file format.
        .target(
            name: "ChronicleMigrations",
            path: "Migrations",
            resources: [.copy("postgres"), .copy("postgres-partitioned-log"), .copy("sqlite")]
        ),
        // What every SQL store shares: the protocol a SQL driver implements, and the store's work
        // written once over it (upcasting migration, append notifications, translated SQL).
        .target(
            name: "ChronicleSQL",
            dependencies: [
                "Chronicle",
                "ChronicleMigrations",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "SQLKit", package: "sql-kit"),
            ]
        ),
        // Personal data: AES-GCM encryption of events' personal fields with a key per subject.
        .target(
            name: "ChroniclePersonalData",
            dependencies: [
                "Chronicle",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // Projections into relational read tables, reactors, their runners and rebuilds, over SQLKit.
        .target(
            name: "ChronicleProjections",
            dependencies: [
                "Chronicle",
                "ChronicleMigrations",
                "ChronicleSQL",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceContextModule", package: "swift-service-context"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        // The `migrate`, `rebuild`, `status` and `events` commands an application mounts.
        .target(
            name: "ChronicleCommands",
            dependencies: [
                "ChronicleSQL",
                "Chronicle",
                "ChronicleMigrations",
                "ChronicleProjections",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // What every web framework's integration shares: errors as status and JSON body, header
        // rules, strict JSON bodies, request metadata, read-your-writes, the event feed's work.
        .target(
            name: "ChronicleHTTP",
            dependencies: [
                "Chronicle",
                "ChronicleProjections",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Chronicle over HTTP with Hummingbird: errors as JSON responses, request metadata, ETags.
        .target(
            name: "ChronicleHummingbird",
            dependencies: [
                "Chronicle",
                "ChronicleHTTP",
                "ChronicleProjections",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird", condition: .when(traits: ["Hummingbird"])),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Chronicle over HTTP with Vapor: the same features as ChronicleHummingbird, over ChronicleHTTP.
        .target(
            name: "ChronicleVapor",
            dependencies: [
                "Chronicle",
                "ChronicleHTTP",
                "ChronicleProjections",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Vapor", package: "vapor", condition: .when(traits: ["Vapor"])),
            ]
        ),
        // The event browser: server-rendered pages of the log, streams, events and projections.
        .target(
            name: "ChronicleBrowser",
            dependencies: [
                "Chronicle",
                "ChronicleHummingbird",
                "ChronicleProjections",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird", condition: .when(traits: ["Hummingbird"])),
                .product(name: "Mustache", package: "swift-mustache", condition: .when(traits: ["Hummingbird"])),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            resources: [.copy("Resources")]
        ),
        // Follows an event feed over HTTP: `EventFeedClient`, an AsyncSequence that resumes by itself.
        .target(
            name: "ChronicleFeedClient",
            dependencies: [
                "Chronicle",
                .product(name: "AsyncHTTPClient", package: "async-http-client", condition: .when(traits: ["FeedClient"])),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(
            name: "ChronicleSQLite",
            dependencies: [
                "Chronicle",
                "ChronicleMigrations",
                "ChronicleSQL",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit", condition: .when(traits: ["SQLite"])),
                .product(name: "SQLiteNIO", package: "sqlite-nio", condition: .when(traits: ["SQLite"])),
            ]
        ),
        .target(
            name: "ChroniclePostgres",
            dependencies: [
                "Chronicle",
                "ChronicleMigrations",
                "ChronicleSQL",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl", condition: .when(traits: ["PostgreSQL"])),
                .product(name: "PostgresKit", package: "postgres-kit", condition: .when(traits: ["PostgreSQL"])),
                .product(name: "PostgresNIO", package: "postgres-nio", condition: .when(traits: ["PostgreSQL"])),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "_ConnectionPoolModule", package: "postgres-nio", condition: .when(traits: ["PostgreSQL"])),
            ]
        ),
        // Given/when/then tests of commands, on any store: light, no SQL.
        .target(name: "ChronicleTesting", dependencies: ["Chronicle"]),
        // The conformance suites every store driver runs, through one entry point.
        .target(
            name: "ChronicleConformance",
            dependencies: [
                "Chronicle",
                "ChronicleMigrations",
                "ChroniclePersonalData",
                "ChronicleProjections",
                "ChronicleSQL",
                "ChronicleTesting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "PropertyBased", package: "swift-property-based"),
                .product(name: "SQLKit", package: "sql-kit"),
            ]
        ),

        // A small program that appends and reads events on SQLite: `swift run quickstart`.
        .executableTarget(
            name: "quickstart",
            dependencies: ["Chronicle", "ChronicleSQLite"],
            path: "Examples/QuickStart"
        ),
        // Appends, loads and rebuilds on SQLite and PostgreSQL: `scripts/bench`.
        .executableTarget(
            name: "chronicle-bench",
            dependencies: [
                "ChronicleBrowser",
                "ChroniclePersonalData",
                "ChronicleSQL",
                "Chronicle",
                "ChronicleProjections",
                "ChronicleSQLite",
                "ChroniclePostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
            ],
            path: "Benchmarks/ChronicleBench"
        ),

        // The sample app (`swift run meetings`): its domain, its server, and its executable.
        .target(name: "MeetingsDomain", dependencies: ["Chronicle"], path: "Examples/Meetings/Domain"),
        .target(
            name: "MeetingsServer",
            dependencies: [
                "ChronicleBrowser",
                "ChronicleSQL",
                "Chronicle",
                "ChronicleCommands",
                "ChronicleHummingbird",
                "ChronicleMigrations",
                "ChroniclePersonalData",
                "ChroniclePostgres",
                "ChronicleProjections",
                "ChronicleSQLite",
                "MeetingsDomain",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Examples/Meetings/Server",
            resources: [.copy("Resources")]
        ),
        .executableTarget(
            name: "meetings",
            dependencies: ["MeetingsServer", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Examples/Meetings/Main"
        ),

        // A bank account app built on the application root: `Examples/Bank`.
        .target(
            name: "Bank",
            dependencies: ["ChronicleProjections", "ChroniclePostgres", "ChronicleSQLite"],
            path: "Examples/Bank/Bank"
        ),
        .testTarget(
            name: "BankTests", dependencies: ["Bank", "ChronicleProjections", "ChronicleSQLite", "ChronicleTesting"], path: "Examples/Bank/Tests"),
        // The bank's HTTP API, whatever serves it: what each route does, and the JSON it answers.
        .target(
            name: "BankHTTP", dependencies: ["Bank", "ChronicleHTTP", "ChronicleProjections", .product(name: "HTTPTypes", package: "swift-http-types")],
            path: "Examples/Bank/HTTP"),
        // The bank served with Hummingbird, for the HTTP behaviour suite.
        .target(
            name: "BankHummingbird",
            dependencies: [
                "BankHTTP", "Chronicle", "ChronicleHummingbird", "ChronicleProjections",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Examples/Bank/Hummingbird"),
        // The bank served with Vapor: the second sample app, `swift run bank`.
        .target(
            name: "BankVapor",
            dependencies: [
                "BankHTTP", "Chronicle", "ChronicleProjections", "ChronicleVapor",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Vapor", package: "vapor"),
            ],
            path: "Examples/Bank/Vapor"),
        .executableTarget(
            name: "bank",
            dependencies: [
                "Bank", "BankHTTP", "BankVapor", "ChronicleProjections",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Vapor", package: "vapor"),
            ],
            path: "Examples/Bank/Main"),
        // One set of HTTP cases, run against the bank served with Hummingbird and with Vapor.
        .testTarget(
            name: "BankHTTPTests",
            dependencies: [
                "Bank", "BankHTTP", "BankHummingbird", "BankVapor", "Chronicle", "ChronicleHTTP", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Vapor", package: "vapor"),
            ],
            path: "Examples/Bank/HTTPTests"),

        // The small domain whose scenarios and checks every store's tests run.
        .target(
            name: "ExampleDomain",
            dependencies: ["Chronicle", "ChronicleConformance", "ChronicleTesting", "MeetingsDomain"],
            path: "Tests/ExampleDomain"
        ),
        // Test helpers shared by test targets: a hand-moved clock, running the package's executables.
        .target(
            name: "TestSupport",
            dependencies: [
                "Chronicle",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/TestSupport"),
        // An application mounting the Chronicle commands, run by the commands' tests.
        .executableTarget(
            name: "chronicle-fixture",
            dependencies: [
                "ChronicleSQL",
                "ChronicleCommands",
                "ChroniclePostgres",
                "ChronicleSQLite",
                "ExampleDomain",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            path: "Tests/CommandsFixture"
        ),
        .testTarget(
            name: "ChronicleTests",
            dependencies: [
                "Chronicle", "ChronicleConformance", "ChroniclePersonalData", "ChronicleProjections", "ChronicleTesting", "ExampleDomain",
                "MeetingsDomain", "TestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(name: "ChronicleMigrationsTests", dependencies: ["ChronicleMigrations"]),
        .testTarget(
            name: "ChronicleHummingbirdTests",
            dependencies: [
                "Chronicle",
                "ChronicleHummingbird",
                "ChronicleProjections",
                "ChronicleSQLite",
                "ExampleDomain",
                "MeetingsDomain",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "SQLKit", package: "sql-kit"),
            ]
        ),
        .testTarget(
            name: "ChronicleBrowserTests",
            dependencies: [
                "Chronicle",
                "ChronicleBrowser",
                "ChronicleHummingbird",
                "ChronicleProjections",
                "ChronicleSQLite",
                "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "SQLKit", package: "sql-kit"),
            ]
        ),
        .testTarget(
            name: "ChronicleCommandsTests",
            dependencies: [
                "chronicle-fixture",
                "ChronicleCommands",
                "ChronicleProjections",
                "TestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "MeetingsTests",
            dependencies: [
                "ChronicleFeedClient",
                "ChronicleSQL",
                "meetings",
                "Chronicle",
                "ChronicleHummingbird",
                "ChronicleProjections",
                "ExampleDomain",
                "MeetingsDomain",
                "MeetingsServer",
                "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .testTarget(
            name: "ChronicleSQLiteTests",
            dependencies: [
                "ChronicleConformance", "ChronicleMigrations", "ChronicleProjections", "ChronicleSQL", "ChronicleSQLite", "ChronicleTesting",
                "ExampleDomain",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "SQLKit", package: "sql-kit"),
            ]
        ),
        .testTarget(
            name: "ChroniclePostgresTests",
            dependencies: [
                "ChronicleConformance",
                "ChronicleSQL",
                "ChroniclePostgres",
                "ChronicleProjections",
                "ChronicleTesting",
                "ExampleDomain",
                "TestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "SQLKit", package: "sql-kit"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets where [.executable, .test, .regular].contains(target.type) {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    settings.append(.unsafeFlags(["-Xfrontend", "-require-explicit-sendable"]))
    if Context.environment["CHRONICLE_WARNINGS_AS_ERRORS"] != nil {
        settings.append(.treatAllWarnings(as: .error))
    }
    target.swiftSettings = settings
}
