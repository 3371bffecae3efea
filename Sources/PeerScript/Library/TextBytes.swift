/// Text worked on as UTF-8 bytes, for the text built-ins' fast paths. Each is used only where
/// it gives exactly the answer of working by characters (grapheme clusters, compared by
/// canonical equivalence), as the text's `Shape` guarantees, or where the built-in was already
/// defined on bytes (`split`, `count`, `replace`).
enum TextBytes {
  /// How a text's characters are made of bytes.
  enum Shape: UInt8 {
    /// Each byte is one character: ASCII without a carriage return ("\r\n" is one character).
    case oneByte = 1
    /// Each Unicode scalar is one character: every scalar is below U+0300 (ASCII, Latin-1,
    /// Latin Extended-A and -B, IPA; the combining marks start at U+0300), no carriage
    /// return. Between two such scalars there is always a character boundary (the standard
    /// library's own quick test), and none of them is canonically equivalent to another
    /// sequence of them (none decomposes to a single scalar or changes under NFC), so equal
    /// characters are equal bytes.
    case oneScalar = 2
    /// Anything else: worked on by characters.
    case other = 3
  }

  /// The text's UTF-8 bytes, without copying them when the string holds them contiguously
  /// (native strings, small ones included).
  @inline(__always)
  static func withBytes<R>(_ s: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
    if let r = try s.utf8.withContiguousStorageIfAvailable(body) { return r }
    var copy = s
    return try copy.withUTF8(body)
  }

  static func shape(of s: String) -> Shape {
    withBytes(s) { b in
      var all: UInt8 = 0
      var notLatin: UInt8 = 0
      var returns: UInt8 = 0
      for x in b {
        all |= x
        // U+0300 and above start with a byte from 0xCC (continuation bytes are 0x80-0xBF).
        notLatin |= x >= 0xCC ? 1 : 0
        returns |= x == 0x0D ? 1 : 0
      }
      if returns != 0 || notLatin != 0 { return .other }
      return all < 0x80 ? .oneByte : .oneScalar
    }
  }

  /// The number of scalars: the bytes that are not continuation bytes.
  @inline(__always) static func scalarCount(_ b: UnsafeBufferPointer<UInt8>) -> Int {
    var n = 0
    for x in b { n &+= x & 0xC0 == 0x80 ? 0 : 1 }
    return n
  }

  /// The scalars before byte offset `end`.
  @inline(__always) static func scalarCount(_ b: UnsafeBufferPointer<UInt8>, upTo end: Int) -> Int {
    scalarCount(UnsafeBufferPointer(rebasing: b[0..<end]))
  }

  /// The byte offsets of the scalars from the `index`th (counted from 0), `count` of them;
  /// nil when the text has fewer.
  static func scalarRange(_ b: UnsafeBufferPointer<UInt8>, from index: Int, count: Int) -> Range<Int>? {
    var seen = -1
    var start = -1
    for i in 0..<b.count where b[i] & 0xC0 != 0x80 {
      seen += 1
      if seen == index { start = i }
      if seen == index + count { return start..<i }
    }
    return start >= 0 && seen == index + count - 1 ? start..<b.count : nil
  }

  @inline(__always) static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }

  /// A string made of valid UTF-8 (a piece of a text cut where no character is split).
  @inline(__always) static func string(_ b: UnsafeBufferPointer<UInt8>) -> String {
    String(decoding: b, as: UTF8.self)
  }

  @inline(__always) static func string(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
    String(decoding: UnsafeBufferPointer(rebasing: b[range]), as: UTF8.self)
  }

  /// ASCII text in capitals (`upper`) or small letters, byte by byte.
  static func mapASCII(_ s: String, upper: Bool) -> String {
    withBytes(s) { b in
      String(unsafeUninitializedCapacity: b.count) { out in
        if upper {
          for i in 0..<b.count {
            let c = b[i]
            out[i] = c &- 0x61 < 26 ? c &- 0x20 : c
          }
        } else {
          for i in 0..<b.count {
            let c = b[i]
            out[i] = c &- 0x41 < 26 ? c &+ 0x20 : c
          }
        }
        return b.count
      }
    }
  }

  /// Any text in capitals or small letters, as the standard library's `uppercased()` and
  /// `lowercased()` give it (each scalar's full mapping, in order), without making a string
  /// for every ASCII scalar.
  static func mapScalars(_ s: String, upper: Bool) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(s.utf8.count + 8)
    for scalar in s.unicodeScalars {
      let v = scalar.value
      if v < 0x80 {
        let c = UInt8(v)
        if upper {
          out.append(c &- 0x61 < 26 ? c &- 0x20 : c)
        } else {
          out.append(c &- 0x41 < 26 ? c &+ 0x20 : c)
        }
      } else if v < 0x300 {
        out.append(contentsOf: upper ? latinUpper[Int(v) - 0x80] : latinLower[Int(v) - 0x80])
      } else {
        let mapped = upper ? scalar.properties.uppercaseMapping : scalar.properties.lowercaseMapping
        out.append(contentsOf: mapped.utf8)
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// The mappings of U+0080 to U+02FF (accented Latin letters), read once from the standard
  /// library's: the same bytes without a string made for each letter.
  static let latinUpper: [[UInt8]] = (0x80..<0x300).map {
    Array(Unicode.Scalar(UInt32($0))!.properties.uppercaseMapping.utf8)
  }
  static let latinLower: [[UInt8]] = (0x80..<0x300).map {
    Array(Unicode.Scalar(UInt32($0))!.properties.lowercaseMapping.utf8)
  }

  /// The range left when ASCII spaces are taken off both ends.
  @inline(__always) static func trimmed(_ b: UnsafeBufferPointer<UInt8>) -> Range<Int> {
    var lo = 0
    var hi = b.count
    while lo < hi, isSpace(b[lo]) { lo += 1 }
    while hi > lo, isSpace(b[hi - 1]) { hi -= 1 }
    return lo..<hi
  }

  /// A whole number written in ASCII, as `Int(String)` reads it: an optional sign, then one or
  /// more decimal digits; nil when it is not one or does not fit.
  static func parseInt(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
    var i = range.lowerBound
    let end = range.upperBound
    guard i < end else { return nil }
    var negative = false
    if b[i] == 0x2D || b[i] == 0x2B {  // - +
      negative = b[i] == 0x2D
      i += 1
      guard i < end else { return nil }
    }
    // Counted below zero, so that the smallest whole number fits.
    var n = 0
    while i < end {
      let d = b[i] &- 0x30
      guard d < 10 else { return nil }
      let (m, o1) = n.multipliedReportingOverflow(by: 10)
      let (r, o2) = m.subtractingReportingOverflow(Int(d))
      if o1 || o2 { return nil }
      n = r
      i += 1
    }
    if negative { return n }
    return n == Int.min ? nil : -n
  }

  /// Where `needle` first occurs in `hay` at or after `from` (bytes).
  @inline(__always)
  static func firstIndex(
    of needle: UnsafeBufferPointer<UInt8>, in hay: UnsafeBufferPointer<UInt8>, from: Int = 0
  )
    -> Int?
  {
    let m = needle.count
    guard m > 0, m <= hay.count else { return m == 0 ? from : nil }
    let first = needle[0]
    var i = from
    let last = hay.count - m
    while i <= last {
      if hay[i] == first {
        var j = 1
        while j < m, hay[i + j] == needle[j] { j += 1 }
        if j == m { return i }
      }
      i += 1
    }
    return nil
  }

  /// Non-overlapping occurrences of a non-empty `needle`.
  static func occurrences(of needle: UnsafeBufferPointer<UInt8>, in hay: UnsafeBufferPointer<UInt8>) -> Int {
    var n = 0
    var i = 0
    while let at = firstIndex(of: needle, in: hay, from: i) {
      n += 1
      i = at + needle.count
    }
    return n
  }

  /// Whether `hay` starts (or ends) with `part`, byte for byte.
  static func hasPrefix(_ hay: UnsafeBufferPointer<UInt8>, _ part: UnsafeBufferPointer<UInt8>) -> Bool {
    guard part.count <= hay.count else { return false }
    for i in 0..<part.count where hay[i] != part[i] { return false }
    return true
  }

  static func hasSuffix(_ hay: UnsafeBufferPointer<UInt8>, _ part: UnsafeBufferPointer<UInt8>) -> Bool {
    guard part.count <= hay.count else { return false }
    let offset = hay.count - part.count
    for i in 0..<part.count where hay[offset + i] != part[i] { return false }
    return true
  }
}
