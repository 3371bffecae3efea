import PeerCalendar
import PeerScript
import PeerStore

@testable import PeerCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A scale-1 demo project on disk with the standard reports of Examples/reports loaded, made
/// once for the report tests, and the `sqlite3` shell for the independent SQL they check against.
enum ReportFixture {
  static let today = CivilDate(year: 2026, month: 11, day: 20)
  static let repository: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/")
  }()

  nonisolated(unsafe) static let made: (folder: String, session: Session) = {
    let folder = makeTempFolder()
    let store = try! SQLiteStore(path: folder + "/peer.db", user: "tester", create: true)
    try! DemoProject.generate(into: store, scale: 1, today: today, seed: 42)
    let session = Session(store: store, options: options())
    for path in exampleReports() { try! session.run(try! FileSystem.read(path), file: path) }
    atexit { removeTree(ReportFixture.made.folder) }
    return (folder, session)
  }()

  static func options() -> InterpreterOptions {
    var options = InterpreterOptions()
    options.today = today
    options.output = { _ in }
    return options
  }

  static func exampleReports() -> [String] {
    let folder = repository + "/Examples/reports"
    return FileSystem.list(folder).filter { $0.hasSuffix(".peer") }.sorted().map { folder + "/" + $0 }
  }

  /// One session for every suite: one test at a time uses it.
  static let lock = NSLockLite()

  /// Runs `source` (a report's `run` call) in the demo session; the report's result.
  static func run(_ source: String) throws -> ReportResult {
    let value = try lock.locked { try made.session.run(source, file: "test") }
    guard case .host(let h)? = value, let r = h as? ReportValue else {
      throw TestFailure("\(source) gave no report")
    }
    return r.result
  }

  /// The rows of a query by the `sqlite3` shell over the demo's database, fields split on tabs.
  static func sql(_ query: String) -> [[String]] {
    let file = made.folder + "/query-\(UInt32.random(in: 0...UInt32.max)).sql"
    try! FileSystem.write(query + ";\n", to: file)
    defer { unlink(file) }
    guard
      let pipe = popen("sqlite3 -batch -noheader -separator '\t' '\(made.folder)/peer.db' < '\(file)'", "r")
    else { return [] }
    var output = ""
    var buffer = [CChar](repeating: 0, count: 4096)
    while fgets(&buffer, Int32(buffer.count), pipe) != nil {
      output += String(cString: buffer)
    }
    pclose(pipe)
    return output.split(separator: "\n").map {
      $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
    }
  }

  /// A query's rows as label -> first figure (two columns: label, number).
  static func sqlCounts(_ query: String) -> [String: Double] {
    var out: [String: Double] = [:]
    for row in sql(query) where row.count >= 2 { out[row[0]] = Double(row[1]) }
    return out
  }
}

struct TestFailure: Error, CustomStringConvertible {
  let description: String
  init(_ d: String) { description = d }
}

extension ReportResult {
  /// The table (or chart's table) with this title.
  func table(_ title: String) -> ReportTable? {
    for s in sections {
      switch s {
      case .table(let t) where t.title == title: return t
      case .chart(let c) where c.title == title: return c.table
      default: continue
      }
    }
    return nil
  }
}

extension ReportTable {
  /// The first column's labels mapped to the figures of column `column`.
  func figures(_ column: String) -> [String: Double] {
    guard let c = columns.firstIndex(of: column) else { return [:] }
    var out: [String: Double] = [:]
    for row in rows { out[row[0].text] = row[c].number }
    return out
  }

  func cell(_ column: String, row: Int = 0) -> ReportCell? {
    guard let c = columns.firstIndex(of: column), row < rows.count else { return nil }
    return rows[row][c]
  }
}

func median(_ xs: [Double]) -> Double {
  let s = xs.sorted()
  return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}
