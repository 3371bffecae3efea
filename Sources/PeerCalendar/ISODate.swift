/// Dates as ISO text (`2027-03-14`), the form SQLite sorts and compares correctly and
/// PostgreSQL reads: written and read byte by byte, the store's hot path, with CivilDate's
/// calendar.
package enum ISODate {
  package static func text(_ days: Int32) -> String {
    let c = CivilDate(days: days)
    func pad(_ n: Int, _ w: Int) -> String {
      let s = String(n)
      return String(repeating: "0", count: max(0, w - s.count)) + s
    }
    return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))"
  }

  /// `text(days)` appended as bytes.
  package static func append(_ days: Int32, to out: inout [UInt8]) {
    let c = CivilDate(days: days)
    guard (0...9999).contains(c.year) else {
      out.append(contentsOf: text(days).utf8)
      return
    }
    func digit(_ n: Int) -> UInt8 { UInt8(48 + n) }
    let (y, m, d) = (c.year, c.month, c.day)
    out.append(contentsOf: [
      digit(y / 1000), digit(y / 100 % 10), digit(y / 10 % 10), digit(y % 10), UInt8(ascii: "-"),
      digit(m / 10), digit(m % 10), UInt8(ascii: "-"), digit(d / 10), digit(d % 10),
    ])
  }

  /// Days since 1970-01-01 for `YYYY-MM-DD`, or nil.
  package static func days(_ s: String) -> Int32? {
    var s = s
    return s.withUTF8 { days(bytes: $0) }
  }

  /// `days(_:)` for UTF-8 bytes (a column read straight from SQLite).
  package static func days(bytes u: UnsafeBufferPointer<UInt8>) -> Int32? {
    guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-") else { return nil }
    func num(_ r: Range<Int>) -> Int? {
      var n = 0
      for i in r {
        guard u[i] >= 48, u[i] <= 57 else { return nil }
        n = n * 10 + Int(u[i] - 48)
      }
      return n
    }
    guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10), (1...12).contains(m), d >= 1,
      d <= CivilDate.daysInMonth(year: y, month: m)
    else { return nil }
    return CivilDate(year: y, month: m, day: d).days
  }
}
