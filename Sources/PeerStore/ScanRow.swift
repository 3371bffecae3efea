import GRDBSQLite
import PeerCalendar

/// One cell of a scanned row read from a server (PostgreSQL), as SQLite would have stored it:
/// dates as days, yes/no as 0 or 1.
package enum ScanCell {
  case null
  case int(Int64)
  case double(Double)
  case text(String)
  /// A date, as days since 1970-01-01 (SQLite keeps it as text).
  case day(Int32)
}

/// The cells of the current row of a server's scan, filled in place for each row.
package final class ScanCells {
  package var cells: [ScanCell] = []
  package init() {}
}

/// One row of `StoreReader.scan`: read in place from SQLite's statement, or from the cells a
/// server sent. Valid only inside the scan's body. Both give the same answers: a date is text
/// that `date` reads, a yes/no an integer.
public struct ScanRow {
  let statement: OpaquePointer?
  let server: ScanCells?

  init(statement: OpaquePointer) {
    self.statement = statement
    server = nil
  }

  package init(cells: ScanCells) {
    statement = nil
    server = cells
  }

  private func cell(_ column: Int) -> ScanCell { server!.cells[column] }

  public func isNull(_ column: Int) -> Bool {
    guard let statement else {
      if case .null = cell(column) { return true }
      return false
    }
    return sqlite3_column_type(statement, Int32(column)) == SQLITE_NULL
  }

  public func int(_ column: Int) -> Int64 {
    guard let statement else {
      switch cell(column) {
      case .int(let i): return i
      case .double(let d): return Int64(exactly: d.rounded(.towardZero)) ?? 0
      case .day(let d): return Int64(d)
      default: return 0
      }
    }
    return sqlite3_column_int64(statement, Int32(column))
  }

  public func text(_ column: Int) -> String {
    guard let statement else {
      switch cell(column) {
      case .text(let s): return s
      case .int(let i): return String(i)
      case .double(let d): return String(d)
      case .day(let d): return ISODate.text(d)
      case .null: return ""
      }
    }
    guard let bytes = sqlite3_column_text(statement, Int32(column)) else { return "" }
    let count = Int(sqlite3_column_bytes(statement, Int32(column)))
    return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
  }

  /// Days since 1970-01-01 of a `YYYY-MM-DD` text, or nil for anything else.
  public func date(_ column: Int) -> Int32? {
    guard let statement else {
      switch cell(column) {
      case .day(let d): return d
      case .text(let s): return ISODate.days(s)
      default: return nil
      }
    }
    guard sqlite3_column_type(statement, Int32(column)) == SQLITE_TEXT,
      let bytes = sqlite3_column_text(statement, Int32(column))
    else { return nil }
    let count = Int(sqlite3_column_bytes(statement, Int32(column)))
    return ISODate.days(bytes: UnsafeBufferPointer(start: bytes, count: count))
  }

  /// The column as a field of `type`, exactly as `StoreReader.select` reads it.
  public func field(_ column: Int, _ type: FieldType) -> FieldValue {
    guard let statement else {
      switch cell(column) {
      case .null: return .null
      case .int(let i):
        switch type {
        case .bool: return .bool(i != 0)
        case .double: return .double(Double(i))
        default: return .int(Int(i))
        }
      case .double(let d): return .double(d)
      case .day(let d): return .date(d)
      case .text(let s):
        if type == .date, let d = ISODate.days(s) { return .date(d) }
        if type == .list { return .list(JSONText.decodeList(s) ?? [s]) }
        return .text(s)
      }
    }
    let c = Int32(column)
    switch sqlite3_column_type(statement, c) {
    case SQLITE_NULL: return .null
    case SQLITE_INTEGER:
      let i = sqlite3_column_int64(statement, c)
      switch type {
      case .bool: return .bool(i != 0)
      case .double: return .double(Double(i))
      default: return .int(Int(i))
      }
    case SQLITE_FLOAT: return .double(sqlite3_column_double(statement, c))
    case SQLITE_TEXT:
      if type == .date, let d = date(column) { return .date(d) }
      let s = text(column)
      if type == .list { return .list(JSONText.decodeList(s) ?? [s]) }
      return .text(s)
    default: return .null
    }
  }

  /// The project's own fields of record `code` from the `extra` column, as `select` reads
  /// them (an error naming the record when they cannot be read).
  public func ownFields(_ column: Int, of kind: RecordKind, code: @autoclosure () -> String) throws
    -> [String: FieldValue]
  {
    guard isText(column) else { return [:] }
    if let statement {
      let c = Int32(column)
      // "{}" (no own fields) is the common case: no String is made for it.
      if sqlite3_column_bytes(statement, c) == 2, let bytes = sqlite3_column_text(statement, c),
        bytes[0] == 123,
        bytes[1] == 125
      {
        return [:]
      }
    }
    let text = text(column)
    if text == "{}" { return [:] }
    guard let fields = JSONText.decodeObject(text) else {
      throw StoreError(StoredRecord.unreadableOwnFields(kind, code()))
    }
    return fields
  }

  /// Whether the column holds text (a date or a choice), as SQLite stored it.
  public func isText(_ column: Int) -> Bool {
    guard let statement else {
      switch cell(column) {
      case .text, .day: return true
      default: return false
      }
    }
    return sqlite3_column_type(statement, Int32(column)) == SQLITE_TEXT
  }

  /// Whether the column holds a whole number (a count, a yes/no, a reference).
  public func isInteger(_ column: Int) -> Bool {
    guard let statement else {
      if case .int = cell(column) { return true }
      return false
    }
    return sqlite3_column_type(statement, Int32(column)) == SQLITE_INTEGER
  }
}
