// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "peer",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "peer", targets: ["peer"]),
    .library(name: "PeerScript", targets: ["PeerScript"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.0"),
    .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
  ],
  targets: [
    // The language: lexer, parser, compiler, VM, values and standard library.
    .target(
      name: "PeerScript",
      dependencies: [.product(name: "OrderedCollections", package: "swift-collections")],
      swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]
    ),
    // The store: the record kinds, and their SQLite home (GRDB).
    .target(name: "PeerStore", dependencies: [.product(name: "GRDB", package: "GRDB.swift")]),
    // The same store on a PostgreSQL server (PostgresNIO), for projects shared by several sites.
    .target(
      name: "PeerPostgres",
      dependencies: ["PeerStore", .product(name: "PostgresNIO", package: "postgres-nio")]),
    // The domain over the language and the store: projects, records in scripts, the lifecycle
    // operations, import and export, the demo project.
    .target(name: "PeerCore", dependencies: ["PeerScript", "PeerStore"]),
    // GNU readline, linked from the system (Debian's libreadline-dev).
    .systemLibrary(
      name: "CReadline",
      path: "Sources/CReadline",
      providers: [.apt(["libreadline-dev"])]
    ),
    // The `peer` command: argument parsing, the REPL, rendering.
    .executableTarget(
      name: "peer",
      dependencies: [
        "PeerScript", "PeerCore", "PeerStore", "PeerPostgres", "CReadline",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .testTarget(name: "PeerScriptTests", dependencies: ["PeerScript", "PeerTestSupport"]),
    // What the test targets share: the annotated-script checker (conformance scripts and doc
    // examples) and the throwaway PostgreSQL server.
    .target(
      name: "PeerTestSupport", dependencies: ["PeerScript", "PeerStore", "PeerPostgres"],
      path: "Tests/PeerTestSupport"),
    .testTarget(name: "PeerStoreTests", dependencies: ["PeerStore", "PeerPostgres", "PeerTestSupport"]),
    // CSV.swift is the reference the import's own CSV reader is checked against (it reads too
    // slowly for the import target: 5.4 s for 1,000,000 rows where sqlite3 imports them in 1.6 s).
    .testTarget(
      name: "PeerCoreTests",
      dependencies: [
        "PeerCore", "PeerStore", "PeerScript", "PeerTestSupport", .product(name: "CSV", package: "CSV.swift"),
      ]
    ),
    .testTarget(name: "PeerCLITests", dependencies: ["PeerScript", "PeerTestSupport"]),
  ]
)
