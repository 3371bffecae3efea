import PeerCalendar
import PeerStore

/// Records as the text format of `COPY table FROM STDIN` (one line a row, tab between
/// columns, `\N` for null, backslash escapes): the fastest way rows reach the server, with no
/// statement to parse per row or per batch. Texts, lists (JSON) and own fields (a JSON object)
/// go as they are, escaped; dates as ISO text; yes/no as t or f.
struct CopyRows {
  let kind: RecordKind
  /// `id`, the kind's columns, then `extra`: the order of each line.
  let columns: [String]
  private(set) var bytes: [UInt8] = []
  private(set) var count = 0

  init(kind: RecordKind) {
    self.kind = kind
    columns = ["id"] + kind.fields.map(\.column) + ["extra"]
    bytes.reserveCapacity(1 << 20)
  }

  mutating func append(_ record: StoredRecord, id: Int64) {
    bytes.append(contentsOf: String(id).utf8)
    for spec in kind.fields {
      bytes.append(UInt8(ascii: "\t"))
      append(record.fields[spec.name] ?? .null)
    }
    bytes.append(UInt8(ascii: "\t"))
    let extra = record.extra.filter { $0.value != .null }
    escaped(extra.isEmpty ? "{}" : JSONText.encode(extra))
    bytes.append(UInt8(ascii: "\n"))
    count += 1
  }

  mutating func removeAll() {
    bytes.removeAll(keepingCapacity: true)
    count = 0
  }

  private mutating func append(_ value: FieldValue) {
    switch value {
    case .null: bytes.append(contentsOf: #"\N"#.utf8)
    case .bool(let b): bytes.append(UInt8(ascii: b ? "t" : "f"))
    case .int(let i): bytes.append(contentsOf: String(i).utf8)
    case .double(let d):
      // As the JSON rows did: a number that is not finite is stored as nothing.
      if d.isFinite { bytes.append(contentsOf: "\(d)".utf8) } else { bytes.append(contentsOf: #"\N"#.utf8) }
    case .text(let s): escaped(s)
    case .date(let d): ISODate.append(d, to: &bytes)
    case .list(let items): escaped(JSONText.encodeList(items))
    }
  }

  /// A text with COPY's escapes: backslash, and the tab, newline and carriage return that
  /// would end a column or a row. (NUL never gets here: records refuse it.)
  private mutating func escaped(_ s: String) {
    for byte in s.utf8 {
      switch byte {
      case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
      case UInt8(ascii: "\t"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
      case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
      case UInt8(ascii: "\r"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
      default: bytes.append(byte)
      }
    }
  }
}
