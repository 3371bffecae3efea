import PeerStore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Folders made for stores, removed when the test process ends.
nonisolated(unsafe) private var storeFolders: [String] = []
nonisolated(unsafe) private var cleanupRegistered = false
private let storeLock = NSLockLite()

/// A fresh, empty project database (the real SQLite store) in a folder of its own.
func makeStore() throws -> RecordStore {
  let folder = makeTempFolder()
  storeLock.locked {
    storeFolders.append(folder)
    if !cleanupRegistered {
      cleanupRegistered = true
      atexit { for f in storeFolders { removeTree(f) } }
    }
  }
  return try SQLiteStore(path: folder + "/peer.db", user: "tester", create: true)
}

/// A pthread mutex (the tests run in parallel).
final class NSLockLite: @unchecked Sendable {
  private var mutex = pthread_mutex_t()
  init() { pthread_mutex_init(&mutex, nil) }
  func locked<T>(_ body: () throws -> T) rethrows -> T {
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    return try body()
  }
}

/// A new empty folder under /tmp, removed by the caller with `removeTree`.
func makeTempFolder() -> String {
  var template = Array("/tmp/peer-core-test-XXXXXX".utf8CString)
  let path = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
  return String(cString: path!)
}

func removeTree(_ path: String) {
  guard let dir = opendir(path) else {
    unlink(path)
    return
  }
  while let entry = readdir(dir) {
    let name = withUnsafeBytes(of: entry.pointee.d_name) {
      String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
    }
    if name == "." || name == ".." { continue }
    let child = path + "/" + name
    var st = stat()
    if lstat(child, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR { removeTree(child) } else { unlink(child) }
  }
  closedir(dir)
  rmdir(path)
}

func writeFile(_ path: String, _ text: String) {
  let f = fopen(path, "wb")!
  let bytes = Array(text.utf8)
  fwrite(bytes, 1, bytes.count, f)
  fclose(f)
}

func writeBytes(_ path: String, _ bytes: [UInt8]) {
  let f = fopen(path, "wb")!
  fwrite(bytes, 1, bytes.count, f)
  fclose(f)
}

func readFile(_ path: String) -> String? {
  guard let f = fopen(path, "rb") else { return nil }
  defer { fclose(f) }
  var out: [UInt8] = []
  var buf = [UInt8](repeating: 0, count: 65536)
  while true {
    let n = fread(&buf, 1, buf.count, f)
    if n <= 0 { break }
    out += buf[0..<n]
  }
  return String(decoding: out, as: UTF8.self)
}
