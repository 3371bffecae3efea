#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import PeerStore

/// A store in memory with the protocol's behaviour (ids kept when given, transactions that
/// roll back when their body throws), for tests that need a store but not SQLite.
final class MemoryStore: RecordStore {
  var user = "test"
  private var records: [RecordKind: [Int64: StoredRecord]] = [:]
  private var nextID: [RecordKind: Int64] = [:]
  /// Records by kind, field and value, built when first asked for and dropped on any change.
  private var index: [String: [FieldValue: [StoredRecord]]] = [:]

  func read<T>(_ body: (any StoreReader) throws -> T) throws -> T { try body(Tx(store: self)) }

  func write<T>(_ body: (any StoreWriter) throws -> T) throws -> T {
    let saved = (records, nextID)
    do {
      return try body(Tx(store: self))
    } catch {
      (records, nextID) = saved
      index = [:]
      throw error
    }
  }

  struct Tx: StoreWriter {
    let store: MemoryStore

    func get(_ kind: RecordKind, id: Int64) throws -> StoredRecord? { store.records[kind]?[id] }
    func all(_ kind: RecordKind) throws -> [StoredRecord] {
      (store.records[kind] ?? [:]).values.sorted { $0.id < $1.id }
    }
    func find(_ kind: RecordKind, where field: String, equals value: FieldValue) throws -> [StoredRecord] {
      let key = kind.rawValue + "." + field
      if store.index[key] == nil {
        store.index[key] = Dictionary(grouping: try all(kind), by: { $0.fields[field] ?? .null })
      }
      return store.index[key]![value] ?? []
    }
    func count(_ kind: RecordKind) throws -> Int { store.records[kind]?.count ?? 0 }
    func history(_ kind: RecordKind, id: Int64) throws -> [AuditEntry] { [] }

    func insert(_ record: StoredRecord) throws -> Int64 {
      var r = record
      if r.id == 0 { r.id = (store.nextID[r.kind] ?? 0) + 1 }
      store.nextID[r.kind] = max(store.nextID[r.kind] ?? 0, r.id)
      guard store.records[r.kind]?[r.id] == nil else { throw StoreError("\(r.code) exists") }
      store.records[r.kind, default: [:]][r.id] = r
      for (key, var groups) in store.index where key.hasPrefix(r.kind.rawValue + ".") {
        store.index[key] = nil
        groups[r.fields[String(key.dropFirst(r.kind.rawValue.count + 1))] ?? .null, default: []].append(r)
        store.index[key] = groups
      }
      return r.id
    }
    func update(_ record: StoredRecord) throws {
      store.records[record.kind]?[record.id] = record
      store.index = [:]
    }
    func delete(_ kind: RecordKind, id: Int64) throws {
      store.records[kind]?[id] = nil
      store.index = [:]
    }
  }
}

/// A fresh empty store for a test.
func makeStore() throws -> RecordStore { MemoryStore() }

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
    let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
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
