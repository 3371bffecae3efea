// swift-tools-version: 6.0
// libFuzzer harness for the Peer script lexer, parser and compiler. Built and run by `./run`
// (swift build -c release --sanitize=fuzzer); kept apart from the root package so that a plain
// `swift build` there never needs the fuzzer runtime.
import PackageDescription

let package = Package(
  name: "PeerFuzz",
  dependencies: [
    // `name:` because a path dependency's identity is its directory's name (a worktree or a
    // clone need not be called "peer").
    .package(name: "peer", path: "../..")
  ],
  targets: [
    .executableTarget(
      name: "PeerFuzz",
      dependencies: [
        .product(name: "PeerScript", package: "peer"), .product(name: "PeerCalendar", package: "peer"),
      ]
    )
  ]
)
