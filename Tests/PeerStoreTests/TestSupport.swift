import Foundation
import GRDB
import PeerTestSupport
import Testing

@testable import PeerPostgres
@testable import PeerStore

#if canImport(Glibc)
  import Glibc
#endif

/// A fresh folder under /tmp for one test.
func temporaryFolder() -> String {
  var template = Array("/tmp/peer-store-test-XXXXXX".utf8CString)
  return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
}

/// A new store in a fresh folder.
func newStore(user: String = "tester") throws -> SQLiteStore {
  try SQLiteStore(path: temporaryFolder() + "/peer.db", user: user, create: true)
}

/// The message of the `StoreError` that `body` throws, or nil if it throws none (any other
/// error is reported as itself, so a raw GRDB error fails the test visibly).
func storeError(_ body: () throws -> Void) -> String? {
  do {
    try body()
    return nil
  } catch let e as StoreError {
    return e.message
  } catch {
    return "not a StoreError: \(error)"
  }
}

let sqlite3 = "/usr/bin/sqlite3"
var haveSQLite3: Bool { access(sqlite3, X_OK) == 0 }

/// Runs the sqlite3 shell on `path` with `input` on standard input; returns its exit status and
/// what it printed (standard output then standard error).
@discardableResult
func runSQLite3(_ path: String, _ input: String) throws -> (status: Int32, output: String) {
  let r = try ChildProcess.run(sqlite3, [path], input: input)
  return (r.status, r.stdout + r.stderr)
}

/// The permission bits of a file, or nil if it is not there.
func fileMode(_ path: String) -> mode_t? {
  var st = stat()
  return stat(path, &st) == 0 ? st.st_mode & 0o777 : nil
}

/// Runs `body` on a thread of its own and waits for it; the result crosses back in a box.
func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
  let box = Box<T>()
  let done = DispatchSemaphore(value: 0)
  let thread = Thread {
    box.value = body()
    done.signal()
  }
  thread.stackSize = 4 << 20
  thread.start()
  done.wait()
  return box.value!
}

final class Box<T>: @unchecked Sendable {
  private let lock = NSLock()
  private var _value: T?
  var value: T? {
    get { lock.withLock { _value } }
    set { lock.withLock { _value = newValue } }
  }

  /// Replaces the value with `change(value)` at once, and returns the new value.
  func update(_ change: (T?) -> T) -> T {
    lock.withLock {
      let new = change(_value)
      _value = new
      return new
    }
  }
}

/// Runs `body` on a thread whose file-system user is `nobody`, so that permissions apply even
/// when the tests run as root (as in CI containers): Linux keeps the file-system uid per thread,
/// and dropping it from 0 also drops the capability to override permissions. Returns nil when
/// that is not possible here.
func asNobody<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T? {
  typealias SetFSUID = @convention(c) (UInt32) -> Int32
  guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "setfsuid") else { return nil }
  let setfsuid = unsafeBitCast(symbol, to: SetFSUID.self)
  return onThread { () -> T? in
    let previous = setfsuid(65534)
    defer { _ = setfsuid(UInt32(previous)) }
    return body()
  }
}

extension StoreUnderTest {
  /// A new, empty store that can also be asked plain SQL.
  func make(user: String = "tester") throws -> any QueryableStore {
    switch self {
    case .sqlite: return try newStore(user: user)
    case .postgres: return try PostgresStore(address: try TestServer.newDatabase(), user: user, create: true)
    }
  }
}

/// A store the tests can also ask plain SQL of (both dialects read these queries alike).
protocol QueryableStore: RecordStore {
  func query(_ sql: String, arguments: [FieldValue]) throws -> [[FieldValue]]
}

extension QueryableStore {
  func query(_ sql: String) throws -> [[FieldValue]] { try query(sql, arguments: []) }
}

extension SQLiteStore: QueryableStore {}
extension PostgresStore: QueryableStore {}
