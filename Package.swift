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
  ],
  targets: [
    // The language: lexer, parser, compiler, VM, values and standard library.
    .target(
      name: "PeerScript",
      dependencies: [.product(name: "OrderedCollections", package: "swift-collections")],
      swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]
    ),
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
        "PeerScript", "CReadline",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .testTarget(name: "PeerScriptTests", dependencies: ["PeerScript"]),
    .testTarget(name: "PeerCLITests", dependencies: ["PeerScript"]),
  ]
)
