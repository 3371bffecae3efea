import Foundation
import Testing

@testable import PeerStore

#if canImport(Glibc)
  import Glibc
#endif

/// Whatever is at the path, opening it gives a store or one clear sentence naming the file:
/// never a crash, never a raw SQLite code, and never a change to a file that is not peer's.
@Suite("Bad files")
struct BadFileTests {
  @Test func theFilesAreReadableByTheirOwnerOnly() throws {
    let old = umask(0)  // the widest umask: the mode must not depend on it
    defer { umask(old) }
    let path = temporaryFolder() + "/peer.db"
    let store = try SQLiteStore(path: path, user: "t", create: true)
    _ = try store.write { try $0.insert(StoredRecord(kind: .service, fields: ["name": .text("x")])) }
    #expect(fileMode(path) == 0o600)
    // While the store is open, its write-ahead log and shared-memory index exist beside it.
    #expect(fileMode(path + "-wal") == 0o600)
    #expect(fileMode(path + "-shm") == 0o600)
  }

  @Test func aMissingFileOrFolder() {
    let folder = temporaryFolder()
    #expect(
      storeError { _ = try SQLiteStore(path: folder + "/peer.db", user: "t") }
        == "no project database at \(folder)/peer.db")
    #expect(access(folder + "/peer.db", F_OK) != 0)  // and nothing was made
    #expect(
      storeError { _ = try SQLiteStore(path: folder + "/no/peer.db", user: "t", create: true) }
        == "cannot create \(folder)/no/peer.db: the folder \(folder)/no does not exist")
    #expect(
      storeError { _ = try SQLiteStore(path: folder, user: "t") }
        == "\(folder) is a folder, not a peer database")
  }

  @Test func aFileThatIsNotSQLite() throws {
    let path = temporaryFolder() + "/peer.db"
    try Data(String(repeating: "this is not a database ", count: 100).utf8).write(
      to: URL(fileURLWithPath: path))
    let message = storeError { _ = try SQLiteStore(path: path, user: "t") }
    #expect(message?.hasPrefix("\(path) is not a peer database") == true, "\(message ?? "opened")")
  }

  /// A peer database whose pages were overwritten (a bad disk, a half-copied file).
  @Test func aDamagedFile() throws {
    let path = temporaryFolder() + "/peer.db"
    do {
      let store = try SQLiteStore(path: path, user: "t", create: true)
      _ = try store.write { w in
        try w.insertMany(
          (0..<2000).map { StoredRecord(kind: .service, fields: ["name": .text("service \($0)")]) })
      }
    }
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try handle.seek(toOffset: 4096)
    handle.write(Data(repeating: 0xA5, count: 64 * 1024))
    try handle.close()
    let message = storeError {
      let store = try SQLiteStore(path: path, user: "t")
      _ = try store.read { try $0.all(.service) }
    }
    #expect(
      message?.hasPrefix("\(path) is not a peer database, or it is damaged") == true, "\(message ?? "read")")
  }

  /// Another program's SQLite database is refused, and left exactly as it was.
  @Test func someoneElsesDatabase() throws {
    try #require(haveSQLite3, "sqlite3 is missing: run Scripts/setup --for-tests")
    let path = temporaryFolder() + "/other.db"
    try runSQLite3(path, "CREATE TABLE recipes (name TEXT); INSERT INTO recipes VALUES ('soup');")
    let before = try Data(contentsOf: URL(fileURLWithPath: path))
    let message = storeError { _ = try SQLiteStore(path: path, user: "t") }
    #expect(message == "\(path) is not a peer database (it holds other tables: recipes)")
    // Byte for byte: not even switched to WAL mode, and no -wal or -shm made beside it.
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    #expect(!FileManager.default.fileExists(atPath: path + "-shm"))
    #expect(
      try runSQLite3(path, ".tables\n").output.trimmingCharacters(in: .whitespacesAndNewlines) == "recipes")
  }

  @Test func aDatabaseFromANewerPeer() throws {
    try #require(haveSQLite3, "sqlite3 is missing: run Scripts/setup --for-tests")
    for change in [
      "INSERT INTO grdb_migrations VALUES ('v\(Schema.version + 1): from the future');",
      "PRAGMA user_version = 7;",
    ] {
      let path = temporaryFolder() + "/peer.db"
      _ = try SQLiteStore(path: path, user: "t", create: true)
      #expect(try runSQLite3(path, change).status == 0)
      let expected = change.hasPrefix("PRAGMA") ? 7 : Schema.version + 1
      let before = try Data(contentsOf: URL(fileURLWithPath: path))
      #expect(
        storeError { _ = try SQLiteStore(path: path, user: "t") }
          == "\(path) was made by a newer version of peer (schema \(expected)); "
          + "this peer understands up to schema \(Schema.version): update peer to open it")
      #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "the newer file was changed")
    }
  }

  /// A file the user may read but not write. (SQLite in WAL mode needs to write even to read, so
  /// it is refused at once.) Run as `nobody` so that it also holds under root.
  @Test func aReadOnlyFile() throws {
    let folder = temporaryFolder()
    let path = folder + "/peer.db"
    do {
      let store = try SQLiteStore(path: path, user: "t", create: true)
      _ = try store.write { try $0.insert(StoredRecord(kind: .service, fields: ["name": .text("x")])) }
    }
    chmod(folder, 0o777)
    chmod(path, 0o444)
    let message = asNobody { () -> String? in
      storeError {
        let store = try SQLiteStore(path: path, user: "t")
        _ = try store.write { try $0.insert(StoredRecord(kind: .service, fields: ["name": .text("y")])) }
      }
    }
    guard let message else { return }
    #expect(message == "cannot write to \(path): the file is read-only")
    chmod(path, 0o600)
    #expect(try SQLiteStore(path: path, user: "t").read { try $0.count(.service) } == 1)
  }

  /// A folder the user cannot write: SQLite cannot make the -wal and -shm files beside the
  /// database, nor can a new database be made there.
  @Test func aReadOnlyFolder() throws {
    let folder = temporaryFolder()
    let path = folder + "/peer.db"
    do {
      let store = try SQLiteStore(path: path, user: "t", create: true)
      _ = try store.write { try $0.insert(StoredRecord(kind: .service, fields: ["name": .text("x")])) }
    }
    chmod(path, 0o666)
    chmod(folder, 0o555)
    defer { chmod(folder, 0o700) }
    let messages = asNobody { () -> [String?] in
      [
        storeError {
          let store = try SQLiteStore(path: path, user: "t")
          _ = try store.write { try $0.insert(StoredRecord(kind: .service, fields: ["name": .text("y")])) }
        },
        storeError { _ = try SQLiteStore(path: folder + "/new.db", user: "t", create: true) },
      ]
    }
    guard let messages else { return }
    #expect(messages[0] == "cannot write to \(path): its folder \(folder) is read-only")
    #expect(
      messages[1]
        == "cannot create \(folder)/new.db: the folder \(folder) cannot be written (permission denied)")
  }
}

/// A project file removed or replaced under an open store: the next transaction stops with a
/// clear message instead of writing into the unlinked file, where it would be lost.
@Suite("A file removed under an open store")
struct RemovedFileTests {
  @Test func aRemovedFileStopsTheNextWrite() throws {
    let path = temporaryFolder() + "/peer.db"
    let store = try SQLiteStore(path: path, user: "t", create: true)
    _ = try store.write { try $0.insert(StoredRecord(kind: .service, fields: ["name": .text("A")])) }
    #expect(unlink(path) == 0)
    let message = storeError {
      _ = try store.write { try $0.insert(StoredRecord(kind: .service, fields: ["name": .text("B")])) }
    }
    #expect(message?.contains("was removed while peer had it open") == true, "\(message ?? "no error")")
  }

  @Test func aReplacedFileStopsTheNextWrite() throws {
    let folder = temporaryFolder()
    let path = folder + "/peer.db"
    let store = try SQLiteStore(path: path, user: "t", create: true)
    _ = try SQLiteStore(path: folder + "/other.db", user: "t", create: true)
    #expect(rename(folder + "/other.db", path) == 0)
    let message = storeError { _ = try store.read { try $0.all(.service) } }
    #expect(message?.contains("was replaced by another file") == true, "\(message ?? "no error")")
  }
}

/// A NUL inside a text is refused, not kept cut short at it (as SQLite's readers would).
@Suite("Texts holding NUL")
struct NULTextTests {
  @Test func aNULInATextIsRefusedNotCutShort() throws {
    let store = try newStore()
    let message = storeError {
      _ = try store.write {
        try $0.insert(StoredRecord(kind: .service, fields: ["name": .text("Ama\u{0}Owusu")]))
      }
    }
    #expect(message == "service.name holds a NUL byte, which the database cannot keep")
    let id = try store.write { try $0.insert(StoredRecord(kind: .service, fields: ["name": .text("Ama")])) }
    let update = storeError {
      try store.write { w in
        var r = try w.get(.service, id: id)!
        r.extra["notes"] = .text("a\u{0}b")
        try w.update(r)
      }
    }
    #expect(update == "service.notes holds a NUL byte, which the database cannot keep")
  }
}
