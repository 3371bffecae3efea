// swift-tools-version: 6.0
import PackageDescription

// Linux only: peer calls Glibc directly and links Debian's readline (Scripts/setup installs
// what it needs). Dependencies are pinned to the versions the tests run with (Package.resolved
// cannot be kept here: the machines' package mirror has other commit ids).
let package = Package(
  name: "peer",
  products: [
    .executable(name: "peer", targets: ["peer"]),
    .library(name: "PeerScript", targets: ["PeerScript"]),
    .library(name: "PeerCalendar", targets: ["PeerCalendar"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    .package(url: "https://github.com/apple/swift-collections", exact: "1.6.0"),
    .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
    .package(url: "https://github.com/yaslab/CSV.swift", exact: "2.5.2"),
    .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
  ],
  targets: [
    // The one calendar (days since 1970 <-> year, month, day; ISO text) the language and the
    // stores share.
    .target(name: "PeerCalendar"),
    // The language: lexer, parser, compiler, VM, values and standard library.
    .target(
      name: "PeerScript",
      dependencies: ["PeerCalendar", .product(name: "OrderedCollections", package: "swift-collections")]
    ),
    // The store: the record kinds, and their SQLite home (GRDB).
    .target(
      name: "PeerStore", dependencies: ["PeerCalendar", .product(name: "GRDB", package: "GRDB.swift")]),
    // The same store on a PostgreSQL server (PostgresNIO), for projects shared by several sites.
    .target(
      name: "PeerPostgres",
      dependencies: ["PeerCalendar", "PeerStore", .product(name: "PostgresNIO", package: "postgres-nio")]),
    // The domain over the language and the store: projects, records in scripts, the lifecycle
    // operations, import and export, the demo project.
    .target(name: "PeerCore", dependencies: ["PeerCalendar", "PeerScript", "PeerStore"]),
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
        "PeerCalendar", "PeerScript", "PeerCore", "PeerStore", "PeerPostgres", "CReadline",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .testTarget(name: "PeerScriptTests", dependencies: ["PeerCalendar", "PeerScript", "PeerTestSupport"]),
    // What the test targets share: the annotated-script checker (conformance scripts and doc
    // examples) and the throwaway PostgreSQL server.
    .target(
      name: "PeerTestSupport", dependencies: ["PeerCalendar", "PeerScript", "PeerStore", "PeerPostgres"],
      path: "Tests/PeerTestSupport"),
    .testTarget(
      name: "PeerStoreTests", dependencies: ["PeerCalendar", "PeerStore", "PeerPostgres", "PeerTestSupport"]),
    // CSV.swift is the reference the import's own CSV reader is checked against (it reads too
    // slowly for the import target: 5.4 s for 1,000,000 rows where sqlite3 imports them in 1.6 s).
    .testTarget(
      name: "PeerCoreTests",
      dependencies: [
        "PeerCalendar", "PeerCore", "PeerPostgres", "PeerStore", "PeerScript", "PeerTestSupport",
        .product(name: "CSV", package: "CSV.swift"),
      ]
    ),
    .testTarget(name: "PeerCLITests", dependencies: ["PeerScript", "PeerPostgres", "PeerTestSupport"]),
  ]
)
