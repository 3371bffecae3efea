import PeerCalendar

/// The small JSON the store needs: objects of field values (the `extra` column, audit entries)
/// and arrays of texts (list fields). Written by hand to keep Foundation out of the hot path
/// of imports; a date travels as its ISO text.
public enum JSONText {
  /// An object of fields, keys sorted, as the `extra` column keeps it.
  public static func encode(_ fields: [String: FieldValue]) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(64 * fields.count)
    out.append(UInt8(ascii: "{"))
    var first = true
    for key in fields.keys.sorted() {
      if !first { out.append(UInt8(ascii: ",")) }
      first = false
      append(key, to: &out)
      out.append(UInt8(ascii: ":"))
      append(fields[key]!, to: &out)
    }
    out.append(UInt8(ascii: "}"))
    return String(decoding: out, as: UTF8.self)
  }

  package static func encode(_ v: FieldValue) -> String {
    var out: [UInt8] = []
    append(v, to: &out)
    return String(decoding: out, as: UTF8.self)
  }

  package static func encodeList(_ items: [String]) -> String {
    var out: [UInt8] = []
    appendList(items, to: &out)
    return String(decoding: out, as: UTF8.self)
  }

  public static func quote(_ s: String) -> String {
    var out: [UInt8] = []
    append(s, to: &out)
    return String(decoding: out, as: UTF8.self)
  }

  // Built as bytes: appending to a String one scalar at a time was a third of an import's time.

  package static func append(_ v: FieldValue, to out: inout [UInt8]) {
    switch v {
    case .null: out.append(contentsOf: "null".utf8)
    case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
    case .int(let i): out.append(contentsOf: String(i).utf8)
    case .double(let d): out.append(contentsOf: (d.isFinite ? "\(d)" : "null").utf8)
    case .text(let s): append(s, to: &out)
    case .date(let d): append(ISODate.text(d), to: &out)
    case .list(let items): appendList(items, to: &out)
    }
  }

  /// The cell `a; b; c` (items trimmed of spaces and tabs, empty ones dropped) as the JSON array
  /// a list field is stored as: the bytes of `encodeList` of its items, without making them.
  public static func appendList(_ cell: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "["))
    var first = true
    var start = 0
    while start <= cell.count {
      var end = start
      while end < cell.count, cell[end] != 0x3B { end += 1 }
      var lo = start
      var hi = end
      while lo < hi, cell[lo] == 0x20 || cell[lo] == 0x09 { lo += 1 }
      while hi > lo, cell[hi - 1] == 0x20 || cell[hi - 1] == 0x09 { hi -= 1 }
      if hi > lo {
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        appendBytes(UnsafeBufferPointer(rebasing: cell[lo..<hi]), to: &out)
      }
      start = end + 1
    }
    out.append(UInt8(ascii: "]"))
  }

  /// A date as its ISO text (no quotes), as a date field is stored.
  public static func appendDate(_ days: Int32, to out: inout [UInt8]) {
    ISODate.append(days, to: &out)
  }

  static func appendList(_ items: [String], to out: inout [UInt8]) {
    out.append(UInt8(ascii: "["))
    for (i, item) in items.enumerated() {
      if i > 0 { out.append(UInt8(ascii: ",")) }
      append(item, to: &out)
    }
    out.append(UInt8(ascii: "]"))
  }

  package static func append(_ s: String, to out: inout [UInt8]) {
    var s = s
    s.withUTF8 { appendBytes($0, to: &out) }
  }

  /// UTF-8 text as a JSON string literal.
  static func appendBytes(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    // Most texts need no escape: copy them whole.
    var plain = true
    for b in bytes where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
      plain = false
      break
    }
    if plain {
      out.append(contentsOf: bytes)
      out.append(UInt8(ascii: "\""))
      return
    }
    for b in bytes {
      switch b {
      case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
      case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
      case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
      case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
      case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
      case 0..<0x20:
        let hex = String(b, radix: 16)
        out.append(contentsOf: ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
      default: out.append(b)
      }
    }
    out.append(UInt8(ascii: "\""))
  }

  /// Decodes an object whose values are scalars or arrays of texts; nil if it is not one.
  package static func decodeObject(_ text: String) -> [String: FieldValue]? {
    var p = Parser(Array(text.utf8))
    guard let v = p.object(), p.atEnd else { return nil }
    return v
  }

  package static func decodeList(_ text: String) -> [String]? {
    var p = Parser(Array(text.utf8))
    p.skipSpace()
    guard case .list(let items)? = p.value(), p.atEnd else { return nil }
    return items
  }

  struct Parser {
    let bytes: [UInt8]
    var i = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool {
      mutating get {
        skipSpace()
        return i == bytes.count
      }
    }

    mutating func skipSpace() {
      while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 {
        i += 1
      }
    }

    mutating func take(_ c: UInt8) -> Bool {
      skipSpace()
      if i < bytes.count, bytes[i] == c {
        i += 1
        return true
      }
      return false
    }

    mutating func object() -> [String: FieldValue]? {
      guard take(UInt8(ascii: "{")) else { return nil }
      var out: [String: FieldValue] = [:]
      if take(UInt8(ascii: "}")) { return out }
      repeat {
        skipSpace()
        guard let key = string(), take(UInt8(ascii: ":")) else { return nil }
        skipSpace()
        guard let v = value() else { return nil }
        out[key] = v
      } while take(UInt8(ascii: ","))
      return take(UInt8(ascii: "}")) ? out : nil
    }

    mutating func value() -> FieldValue? {
      skipSpace()
      guard i < bytes.count else { return nil }
      switch bytes[i] {
      case UInt8(ascii: "\""):
        guard let s = string() else { return nil }
        if let d = ISODate.days(s) { return .date(d) }
        return .text(s)
      case UInt8(ascii: "["):
        i += 1
        var items: [String] = []
        if take(UInt8(ascii: "]")) { return .list(items) }
        repeat {
          // Lists hold texts; a number or boolean put there by hand becomes its text.
          guard let item = value() else { return nil }
          switch item {
          case .text(let s): items.append(s)
          case .date(let d): items.append(ISODate.text(d))
          case .int(let n): items.append(String(n))
          case .double(let x): items.append(String(x))
          case .bool(let b): items.append(b ? "true" : "false")
          case .null, .list: return nil
          }
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "]")) ? .list(items) : nil
      case UInt8(ascii: "t"): return word("true") ? .bool(true) : nil
      case UInt8(ascii: "f"): return word("false") ? .bool(false) : nil
      case UInt8(ascii: "n"): return word("null") ? .null : nil
      default: return number()
      }
    }

    mutating func word(_ w: String) -> Bool {
      let u = Array(w.utf8)
      guard i + u.count <= bytes.count, Array(bytes[i..<(i + u.count)]) == u else { return false }
      i += u.count
      return true
    }

    mutating func number() -> FieldValue? {
      let start = i
      while i < bytes.count, "+-.eE0123456789".utf8.contains(bytes[i]) { i += 1 }
      let s = String(decoding: bytes[start..<i], as: UTF8.self)
      if let n = Int(s) { return .int(n) }
      if let d = Double(s) { return .double(d) }
      return nil
    }

    mutating func hex4() -> UInt32? {
      guard i + 4 <= bytes.count,
        let code = UInt32(String(decoding: bytes[i..<(i + 4)], as: UTF8.self), radix: 16)
      else { return nil }
      i += 4
      return code
    }

    mutating func string() -> String? {
      guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return nil }
      i += 1
      var out: [UInt8] = []
      while i < bytes.count {
        let c = bytes[i]
        i += 1
        if c == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
        if c == UInt8(ascii: "\\") {
          guard i < bytes.count else { return nil }
          let e = bytes[i]
          i += 1
          switch e {
          case UInt8(ascii: "n"): out.append(0x0A)
          case UInt8(ascii: "r"): out.append(0x0D)
          case UInt8(ascii: "t"): out.append(0x09)
          case UInt8(ascii: "b"): out.append(0x08)
          case UInt8(ascii: "f"): out.append(0x0C)
          case UInt8(ascii: "u"):
            guard var code = hex4() else { return nil }
            // A character beyond the first plane comes as two escapes (a surrogate pair).
            if (0xD800..<0xDC00).contains(code), bytes[i...].starts(with: Array("\\u".utf8)) {
              i += 2
              guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
              code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(code) else { return nil }
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
          default: out.append(e)
          }
        } else {
          out.append(c)
        }
      }
      return nil
    }
  }
}
