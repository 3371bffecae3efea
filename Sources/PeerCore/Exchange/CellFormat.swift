import PeerCalendar
import PeerScript
import PeerStore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// How field values are written in CSV and JSON, and read back from spreadsheet cells:
/// dates ISO (`2027-03-14`; UK `14/03/2027` read too), lists `a; b; c`, yes/no, references
/// as human ids (`M-0042`; a plain number read too).
enum CellFormat {
  // MARK: - Writing

  /// A field's value as a CSV cell ("" for no value).
  static func text(_ value: FieldValue, type: FieldType?) -> String {
    switch value {
    case .null: return ""
    case .bool(let b): return b ? "yes" : "no"
    case .int(let i):
      if case .reference(let target)? = type { return target.code(for: Int64(i)) }
      return String(i)
    case .double(let d): return number(d)
    case .text(let s): return s
    case .date(let d): return CivilDate(days: d).iso
    case .list(let items): return items.joined(separator: "; ")
    }
  }

  /// A field's value as JSON.
  static func json(_ value: FieldValue, type: FieldType?) -> String {
    switch value {
    case .null: return "null"
    case .bool(let b): return b ? "true" : "false"
    case .int(let i):
      if case .reference(let target)? = type { return quoted(target.code(for: Int64(i))) }
      return String(i)
    case .double(let d): return d.isFinite ? number(d) : "null"
    case .text(let s): return quoted(s)
    case .date(let d): return quoted(CivilDate(days: d).iso)
    case .list(let items): return "[" + items.map(quoted).joined(separator: ", ") + "]"
    }
  }

  static func number(_ d: Double) -> String {
    if d == d.rounded(), abs(d) < 1e15 { return String(Int(d)) + ".0" }
    return String(d)
  }

  /// A JSON string literal (the store's JSON writer, so both escape alike).
  static func quoted(_ s: String) -> String { JSONText.quote(s) }

  /// A cell as every CSV writer writes it (exports, reports, `save`): a text a spreadsheet
  /// would run as a formula (starting with = + - @, a tab or a carriage return) is guarded by a
  /// leading `'`; then quoted when it holds a comma, a quote or a line break. `peer import`
  /// takes the guard off again (`unguarded`), so an export imports back as it was; JSON
  /// (`--format json`) carries the raw values.
  static func csvCell(_ s: String) -> String {
    let s = needsGuard(s.utf8) ? "'" + s : s
    var needsQuotes = false
    for b in s.utf8 where b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D {
      needsQuotes = true
      break
    }
    guard needsQuotes else { return s }
    var out = "\""
    for ch in s.unicodeScalars {
      if ch == "\"" { out += "\"\"" } else { out.unicodeScalars.append(ch) }
    }
    return out + "\""
  }

  /// Whether a cell would be read by a spreadsheet as a formula, or is a guard's look-alike (a
  /// `'` before such a start, or before another `'`), which must be guarded too so that
  /// `unguarded` gives every text back exactly. Numbers such as -5 or +1.5 are left alone.
  static func needsGuard<C: Collection<UInt8>>(_ bytes: C) -> Bool {
    guard let first = bytes.first else { return false }
    switch first {
    case UInt8(ascii: "="), UInt8(ascii: "@"), 0x09, 0x0D: return true
    case UInt8(ascii: "+"), UInt8(ascii: "-"): return Double(String(decoding: bytes, as: UTF8.self)) == nil
    case UInt8(ascii: "'"):
      let rest = bytes.dropFirst()
      return rest.first == UInt8(ascii: "'") || needsGuard(rest)
    default: return false
    }
  }

  /// A cell read from CSV with the guard `csvCell` adds taken off.
  static func unguarded(_ cell: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    guard cell.first == UInt8(ascii: "'"), needsGuard(cell.dropFirst()) else { return cell }
    return UnsafeBufferPointer(rebasing: cell.dropFirst())
  }

  static func unguarded(_ s: String) -> String {
    guard s.utf8.first == UInt8(ascii: "'"), needsGuard(s.utf8.dropFirst()) else { return s }
    return String(s.dropFirst())
  }

  // MARK: - Reading

  /// A cell's bytes without the spaces around them.
  @inline(__always) static func trimmed(_ cell: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    var lo = 0
    var hi = cell.count
    while lo < hi, cell[lo] == 0x20 || cell[lo] == 0x09 { lo += 1 }
    while hi > lo, cell[hi - 1] == 0x20 || cell[hi - 1] == 0x09 { hi -= 1 }
    return UnsafeBufferPointer(rebasing: cell[lo..<hi])
  }

  @inline(__always) private static func digits(_ c: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int)
    -> Int?
  {
    guard from < to else { return nil }
    var n = 0
    for i in from..<to {
      let d = Int(c[i]) &- 48
      guard d >= 0 && d <= 9 else { return nil }
      n = n * 10 + d
    }
    return n
  }

  /// `2027-03-14`, `14/03/2027` or `14/3/2027`; nil unless a real date.
  static func date(_ c: UnsafeBufferPointer<UInt8>) -> Int32? {
    var y = 0
    var m = 0
    var d = 0
    if c.count == 10, c[4] == 0x2D, c[7] == 0x2D {
      guard let yy = digits(c, 0, 4), let mm = digits(c, 5, 7), let dd = digits(c, 8, 10) else { return nil }
      (y, m, d) = (yy, mm, dd)
    } else {
      guard let s1 = c.firstIndex(of: 0x2F) else { return nil }
      guard let s2 = c[(s1 + 1)...].firstIndex(of: 0x2F), c.count - s2 - 1 == 4, s1 <= 2, s2 - s1 - 1 <= 2,
        let dd = digits(c, 0, s1), let mm = digits(c, s1 + 1, s2), let yy = digits(c, s2 + 1, c.count)
      else { return nil }
      (y, m, d) = (yy, mm, dd)
    }
    let civil = CivilDate(year: y, month: m, day: d)
    return civil.isValid ? civil.days : nil
  }

  /// A whole number (an optional sign, then digits).
  static func int(_ c: UnsafeBufferPointer<UInt8>) -> Int? {
    guard !c.isEmpty else { return nil }
    var i = 0
    var negative = false
    if c[0] == 0x2D || c[0] == 0x2B {
      negative = c[0] == 0x2D
      i = 1
    }
    guard c.count - i <= 18, let n = digits(c, i, c.count) else { return nil }
    return negative ? -n : n
  }

  /// The id in a human id (`X-0042`, `x-42`) or a plain number (`42`); nil if it names no record of `kind`.
  static func id(_ c: UnsafeBufferPointer<UInt8>, kind: RecordKind) -> Int64? {
    var i = 0
    if c.count >= 3, c[1] == 0x2D {
      guard c[0] | 0x20 == kind.idPrefix.utf8.first! | 0x20 else { return nil }
      i = 2
    }
    guard c.count - i <= 18, let n = digits(c, i, c.count), n > 0 else { return nil }
    return Int64(n)
  }

  /// yes/no, true/false, y/n, 1/0 in any case.
  static func bool(_ c: UnsafeBufferPointer<UInt8>) -> Bool? {
    guard c.count <= 5 else { return nil }
    var lower: UInt64 = 0
    for b in c { lower = lower << 8 | UInt64(b | (b >= 0x41 && b <= 0x5A ? 0x20 : 0)) }
    switch lower {
    case 0x79_6573, 0x74_7275_65, 0x79, 0x31: return true  // yes true y 1
    case 0x6E_6F, 0x66_616C_7365, 0x6E, 0x30: return false  // no false n 0
    default: return nil
    }
  }

  /// `a; b; c` as a list (items trimmed, empty ones dropped).
  static func list(_ c: UnsafeBufferPointer<UInt8>) -> [String] {
    var items: [String] = []
    var start = 0
    while start <= c.count {
      var end = start
      while end < c.count, c[end] != 0x3B { end += 1 }
      var lo = start
      var hi = end
      while lo < hi, c[lo] == 0x20 || c[lo] == 0x09 { lo += 1 }
      while hi > lo, c[hi - 1] == 0x20 || c[hi - 1] == 0x09 { hi -= 1 }
      if hi > lo { items.append(String(decoding: UnsafeBufferPointer(rebasing: c[lo..<hi]), as: UTF8.self)) }
      start = end + 1
    }
    return items
  }

  /// Whether `a; b; c` has no item (only semicolons and spaces).
  static func listIsEmpty(_ c: UnsafeBufferPointer<UInt8>) -> Bool {
    for b in c where b != 0x3B && b != 0x20 && b != 0x09 { return false }
    return true
  }

  /// Whether the cell's bytes are exactly `s`.
  @inline(__always) static func equal(_ c: UnsafeBufferPointer<UInt8>, _ s: String) -> Bool {
    var s = s
    return s.withUTF8 { u in
      u.count == c.count && (c.count == 0 || memcmp(u.baseAddress!, c.baseAddress!, c.count) == 0)
    }
  }

  /// `a; b; c` as a list (items trimmed, empty ones dropped).
  static func list(_ s: String) -> [String] {
    s.split(separator: ";").compactMap {
      let item = trim(Substring($0))
      return item.isEmpty ? nil : item
    }
  }

  static func trim(_ s: Substring) -> String {
    var t = s
    while let f = t.first, f == " " || f == "\t" { t.removeFirst() }
    while let l = t.last, l == " " || l == "\t" { t.removeLast() }
    return String(t)
  }

  /// A project's own field read from a cell: kept as text, except a value whose text is exactly
  /// how a number, a date or yes/no is written (so exporting it again gives the same cell).
  static func extra(_ s: String) -> FieldValue {
    if s.isEmpty { return .null }
    if s == "yes" { return .bool(true) }
    if s == "no" { return .bool(false) }
    guard let first = s.utf8.first, first == 0x2D || (first >= 0x30 && first <= 0x39) else { return .text(s) }
    if let i = Int(s), String(i) == s, s.utf8.count <= 15 { return .int(i) }
    if s.utf8.count == 10, let d = s.utf8.withContiguousStorageIfAvailable({ date($0) }) ?? nil,
      CivilDate(days: d).iso == s
    {
      return .date(d)
    }
    if s.contains("."), let d = Double(s), d.isFinite, number(d) == s { return .double(d) }
    return .text(s)
  }
}
