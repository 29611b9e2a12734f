// swift-tools-version: 6.2
import PackageDescription

// A store driver kept outside Chronicle's package: it sees only Chronicle's public driver
// interface, and runs Chronicle's conformance suites. `scripts/test` builds and tests it.
let package = Package(
    name: "SimpleSQLiteDriver",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "SimpleSQLiteDriver", targets: ["SimpleSQLiteDriver"])
    ],
    dependencies: [
        .package(name: "Chronicle", path: "../.."),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
    ],
    targets: [
        .target(
            name: "SimpleSQLiteDriver",
            dependencies: [
                .product(name: "Chronicle", package: "Chronicle"),
                .product(name: "ChronicleMigrations", package: "Chronicle"),
                .product(name: "ChronicleSQL", package: "Chronicle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
            ]
        ),
        .testTarget(
            name: "SimpleSQLiteDriverTests",
            dependencies: [
                "SimpleSQLiteDriver",
                .product(name: "Chronicle", package: "Chronicle"),
                .product(name: "ChronicleConformance", package: "Chronicle"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

for target in package.targets {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    if Context.environment["CHRONICLE_WARNINGS_AS_ERRORS"] != nil {
        settings.append(.treatAllWarnings(as: .error))
    }
    target.swiftSettings = settings
}
