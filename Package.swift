// swift-tools-version: 6.1
import PackageDescription

/// The same strictness for every target (as swift-log's Package.swift does).
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "kccbridge",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "kccbridge", targets: ["kccbridge"]),
        .library(name: "KCCBatch", targets: ["KCCBatch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // C stays behind one wall: only XMLStreaming imports this.
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev", "pkg-config"])]
        ),
        // PostgreSQL's own client library, behind one wall: only the ledger's PostgreSQL store imports it.
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev", "pkg-config"])]
        ),
        // Money, dates, documents, findings: plain Sendable values.
        .target(name: "KCCModel", swiftSettings: strict),
        // The one describer of system error numbers.
        .target(name: "SystemErrors", swiftSettings: strict),
        // Streaming XML reading, writing and XSD validation over libxml2.
        .target(name: "XMLStreaming", dependencies: ["CLibXML2", "SystemErrors"], swiftSettings: strict),
        // Outputs that appear whole or not at all (temp file, fsync, link, fsync folder), and SHA-256.
        .target(
            name: "DurableOutput",
            dependencies: ["SystemErrors", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        // Streaming RFC 4180 reading and writing over bytes.
        .target(name: "CSVStreaming", dependencies: ["SystemErrors"], swiftSettings: strict),
        // The KCC side: the export batch (readers, checks, writers, generator) and the payment import.
        .target(
            name: "KCCBatch",
            dependencies: [
                "KCCModel", "XMLStreaming", "CSVStreaming", "DurableOutput",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/KCC/Batch",
            swiftSettings: strict
        ),
        .target(
            name: "KCCPaymentImport",
            dependencies: ["KCCModel", "CSVStreaming", "XMLStreaming", "DurableOutput"],
            path: "Sources/KCC/PaymentImport",
            swiftSettings: strict
        ),
        // What an accounting package is (AccountingPackage, ExportFormat, RefundReader,
        // RefundWriter, ConfigurationSection) and what every package shares.
        .target(
            name: "PackageInterface",
            dependencies: ["KCCModel", "CSVStreaming", "XMLStreaming", "DurableOutput"],
            swiftSettings: strict
        ),
        // kccbridge.yaml: the core settings, and each package's section handed to it.
        .target(
            name: "Configuration",
            dependencies: ["KCCModel", "CSVStreaming", "PackageInterface", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        // The one mapping layer in front of every writer.
        .target(
            name: "Mapping", dependencies: ["KCCModel", "CSVStreaming", "PackageInterface"], swiftSettings: strict),
        // The accounting packages, one folder each, and the registry that lists them.
        .target(
            name: "Xero",
            dependencies: ["KCCModel", "PackageInterface", "XMLStreaming", "CSVStreaming", "DurableOutput"],
            path: "Sources/Packages/Xero",
            swiftSettings: strict
        ),
        .target(
            name: "QuickBooksCommon",
            dependencies: ["KCCModel", "PackageInterface", "CSVStreaming"],
            path: "Sources/Packages/QuickBooks/Common",
            swiftSettings: strict
        ),
        .target(
            name: "QuickBooksDesktop",
            dependencies: [
                "KCCModel", "PackageInterface", "QuickBooksCommon", "XMLStreaming", "CSVStreaming", "DurableOutput",
            ],
            path: "Sources/Packages/QuickBooks/Desktop",
            swiftSettings: strict
        ),
        .target(
            name: "QuickBooksOnline",
            dependencies: [
                "KCCModel", "PackageInterface", "QuickBooksCommon", "XMLStreaming", "CSVStreaming", "DurableOutput",
            ],
            path: "Sources/Packages/QuickBooks/Online",
            swiftSettings: strict
        ),
        .target(
            name: "PackageRegistry",
            dependencies: ["PackageInterface", "Xero", "QuickBooksDesktop", "QuickBooksOnline"],
            path: "Sources/Packages/Registry",
            swiftSettings: strict
        ),
        // Refund files read back: the packages' readers, and any CSV from a channel or a bank.
        .target(
            name: "Refunds", dependencies: ["KCCModel", "PackageInterface", "CSVStreaming", "DurableOutput"],
            swiftSettings: strict),
        // The reconciliation pass: an outcome for every refund, the KCC payment import, the report.
        .target(
            name: "Reconciliation",
            dependencies: [
                "KCCModel", "Refunds", "PackageInterface", "Ledger", "KCCPaymentImport", "CSVStreaming", "XMLStreaming",
                "DurableOutput", "SystemErrors",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        // A conversion run: read, map, place, write durably, record.
        .target(
            name: "Conversion",
            dependencies: [
                "KCCModel", "KCCBatch", "Mapping", "PackageInterface", "DurableOutput", "CSVStreaming", "Ledger",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The ledger of every export run, exported document, applied refund, resolution
        // and processed file: an SQLite file (default) or a shared PostgreSQL database.
        .target(
            name: "Ledger",
            dependencies: [
                "KCCModel", "CSVStreaming", "DurableOutput", "SystemErrors", "CLibPQ",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // A helper for the ledger's multi-process and kill -9 tests: writes runs in a loop.
        .executableTarget(
            name: "ledger-stress",
            dependencies: [
                "Ledger", "KCCModel", "DurableOutput",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Watched folders: inbox → work → out / archive / failed, safely and once.
        .target(
            name: "Watcher",
            dependencies: [
                "KCCModel", "KCCBatch", "Refunds", "PackageInterface", "Conversion", "Reconciliation", "Ledger",
                "DurableOutput",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        // libFuzzer harness for every reader of untrusted files (bench/fuzz.sh runs it).
        .executableTarget(
            name: "kccbridge-fuzz",
            dependencies: ["KCCBatch", "KCCModel", "Refunds", "PackageRegistry", "QuickBooksOnline", "DurableOutput"],
            swiftSettings: strict
        ),
        // The thin command-line front end.
        .executableTarget(
            name: "kccbridge",
            dependencies: [
                "KCCModel", "KCCBatch", "DurableOutput", "CSVStreaming", "Configuration", "PackageInterface",
                "PackageRegistry", "QuickBooksCommon", "SystemErrors",
                "Conversion", "Reconciliation", "Refunds", "Ledger", "Watcher",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // File helpers shared by the test targets.
        .target(name: "KCCTestSupport", swiftSettings: strict),
        .testTarget(name: "KCCModelTests", dependencies: ["KCCModel"], swiftSettings: strict),
        .testTarget(
            name: "CSVStreamingTests", dependencies: ["CSVStreaming", "KCCTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "DurableOutputTests", dependencies: ["DurableOutput", "KCCTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "XMLStreamingTests", dependencies: ["XMLStreaming", "KCCTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "KCCBatchTests",
            dependencies: ["KCCBatch", "KCCModel", "DurableOutput", "KCCTestSupport"],
            exclude: ["Golden"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ConversionTests",
            dependencies: [
                "Conversion", "Mapping", "Configuration", "PackageInterface", "PackageRegistry", "Xero",
                "QuickBooksCommon",
                "QuickBooksDesktop", "QuickBooksOnline", "KCCBatch", "KCCModel", "DurableOutput", "CSVStreaming",
                "XMLStreaming",
                "KCCTestSupport", .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Golden", "Fixtures"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ReconciliationTests",
            dependencies: [
                "Reconciliation", "Refunds", "PackageInterface", "PackageRegistry", "KCCPaymentImport",
                "QuickBooksDesktop", "QuickBooksCommon", "Ledger", "KCCModel",
                "XMLStreaming", "CSVStreaming", "KCCTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Fixtures", "Golden"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "LedgerTests",
            dependencies: [
                "Ledger", "KCCModel", "DurableOutput", "KCCTestSupport", "ledger-stress",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RefundsTests",
            dependencies: ["Refunds", "PackageInterface", "PackageRegistry", "KCCModel", "KCCTestSupport", "Mapping"],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
        // A throwaway accounting package built through docs/adding-a-package.md, run end to end.
        .target(
            name: "Tally",
            dependencies: ["KCCModel", "PackageInterface", "CSVStreaming"],
            path: "Tests/Tally",
            swiftSettings: strict
        ),
        .testTarget(
            name: "PackagesTests",
            dependencies: [
                "Tally", "PackageInterface", "PackageRegistry", "Configuration", "Conversion", "Reconciliation",
                "Refunds",
                "Ledger", "KCCModel",
                "CSVStreaming", "KCCTestSupport", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "WatcherTests",
            dependencies: [
                "Watcher", "Refunds", "PackageRegistry", "KCCTestSupport", "Ledger", "ledger-stress",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "kccbridgeTests",
            dependencies: [
                "kccbridge", "Ledger", "KCCModel", "KCCTestSupport", "ledger-stress",
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
    ]
)
