/// Text functions.
extension Library {
  func registerText() {
    define(
      "join", 1...2, "join(list, separator) - the items as text, separated: join([1, 2], \", \") is \"1, 2\""
    ) { args in
      let separator = args.count > 1 ? try args.string(1) : ""
      // Gather the bytes once and make one string: far cheaper than appending piece by piece.
      let items = try Library.materialize(args[0], vm: args.vm)
      // The size is charged to the memory budget before the text is made.
      var size = separator.utf8.count * max(0, items.count - 1)
      var allText = true
      for item in items {
        if case .string(let s) = item { size += s.value.utf8.count } else { allText = false }
      }
      try args.vm.charge(size)
      if allText { return .text(Library.joined(items, separator, size: size)) }
      let sep = Array(separator.utf8)
      var bytes: [UInt8] = []
      bytes.reserveCapacity(size)
      var first = true
      for item in items {
        if !first { bytes.append(contentsOf: sep) }
        first = false
        if case .string(let s) = item {
          bytes.append(contentsOf: s.value.utf8)
        } else {
          bytes.append(contentsOf: item.description.utf8)
        }
      }
      return .text(String(decoding: bytes, as: UTF8.self))
    }
    define(
      "split", 1...2,
      "split(text, separator) - the pieces between separators (spaces when no separator is given)"
    ) { args in
      let s = try args.string(0)
      // At most one piece per byte (fewer with a longer separator): charged before splitting.
      let bytes = s.utf8.count
      let sepBytes = args.count > 1 ? max(1, try args.string(1).utf8.count) : 2
      try args.vm.charge(Library.bytes(ofPieces: bytes / sepBytes + 1, text: bytes))
      let shape = try args.text(0).shape
      if args.count == 1 {
        if shape == .oneByte { return .list(ListObject(Library.splitOnSpaces(s))) }
        return .list(s.split(whereSeparator: { $0.isWhitespace }).map { Value.text(String($0)) })
      }
      let sep = try args.string(1)
      guard !sep.isEmpty else {
        if shape != .other { return .list(ListObject(Library.characters(s, shape))) }
        return .list(s.map { Value.text(String($0)) })
      }
      return .list(ListObject(Library.split(s, on: sep, shape: shape)))
    }
    define(
      "count", 2,
      "count(text, part) - how many times part occurs in text (not overlapping); count(list, x) for lists"
    ) { args in
      if case .list(let l) = args[0] { return .int(l.items.filter { $0 == args[1] }.count) }
      let s = try args.string(0)
      let part = try args.string(1)
      guard !part.isEmpty else { return .int(try args.text(0).characterCount + 1) }
      return .int(s.occurrences(of: part))
    }
    define("upper", 1, "upper(text) - in capitals") { args in
      let s = try args.string(0)
      if try args.text(0).shape == .oneByte {
        return .string(StringObject(TextBytes.mapASCII(s, upper: true), shape: .oneByte))
      }
      return .text(TextBytes.mapScalars(s, upper: true))
    }
    define("lower", 1, "lower(text) - in small letters") { args in
      let s = try args.string(0)
      if try args.text(0).shape == .oneByte {
        return .string(StringObject(TextBytes.mapASCII(s, upper: false), shape: .oneByte))
      }
      return .text(TextBytes.mapScalars(s, upper: false))
    }
    define("trim", 1, "trim(text) - without spaces at either end") { args in
      let s = try args.string(0)
      guard try args.text(0).shape == .oneByte else {
        let t = s.trimmingSpaces()
        return t.utf8.count == s.utf8.count ? args[0] : .text(t)
      }
      return TextBytes.withBytes(s) { b in
        let range = TextBytes.trimmed(b)
        if range.count == b.count { return args[0] }
        return .string(StringObject(TextBytes.string(b, range), shape: .oneByte))
      }
    }
    define("starts_with", 2, "starts_with(text, prefix) - whether text begins with prefix") { args in
      let (s, part) = (try args.string(0), try args.string(1))
      // Characters equal as bytes: a prefix of the bytes is a prefix of the characters.
      guard try args.text(0).isOneScalarPerCharacter, try args.text(1).isOneScalarPerCharacter else {
        return .bool(s.hasPrefix(part))
      }
      return .bool(TextBytes.withBytes(s) { b in TextBytes.withBytes(part) { TextBytes.hasPrefix(b, $0) } })
    }
    define("ends_with", 2, "ends_with(text, suffix) - whether text ends with suffix") { args in
      let (s, part) = (try args.string(0), try args.string(1))
      guard try args.text(0).isOneScalarPerCharacter, try args.text(1).isOneScalarPerCharacter else {
        return .bool(s.hasSuffix(part))
      }
      return .bool(TextBytes.withBytes(s) { b in TextBytes.withBytes(part) { TextBytes.hasSuffix(b, $0) } })
    }
    define("replace", 3, "replace(text, old, new) - every old replaced by new") { args in
      let old = try args.string(1)
      guard !old.isEmpty else { return args[0] }
      let text = try args.string(0)
      let new = try args.string(2)
      // The copy of the text and the result are charged to the memory budget first.
      let n = text.occurrences(of: old)
      var grow = 0
      if new.utf8.count > old.utf8.count {
        let (g, o) = n.multipliedReportingOverflow(by: new.utf8.count - old.utf8.count)
        grow = o ? Int.max / 4 : g
      }
      try args.vm.charge(2 * text.utf8.count + grow)
      if n == 0 { return args[0] }
      // Byte by byte into one string of the exact size: no list of pieces in between.
      let size = text.utf8.count + n * (new.utf8.count - old.utf8.count)
      return .text(
        TextBytes.withBytes(text) { t in
          TextBytes.withBytes(old) { o in
            TextBytes.withBytes(new) { nw in
              String(unsafeUninitializedCapacity: size) { out in
                var done = 0
                var i = 0
                func copy(_ b: UnsafeBufferPointer<UInt8>) {
                  for j in 0..<b.count { out[i + j] = b[j] }
                  i += b.count
                }
                while let at = TextBytes.firstIndex(of: o, in: t, from: done) {
                  copy(UnsafeBufferPointer(rebasing: t[done..<at]))
                  copy(nw)
                  done = at + o.count
                }
                copy(UnsafeBufferPointer(rebasing: t[done...]))
                return i
              }
            }
          }
        })
    }
    define("find", 2, "find(text, part) - the position of the first part in text, or nil") { args in
      let (text, part) = (try args.string(0), try args.string(1))
      let shape = try args.text(0).shape
      if shape != .other, try args.text(1).isOneScalarPerCharacter {
        // Characters equal as bytes, each a byte or a scalar: the bytes are searched, and the
        // position counted in characters.
        return TextBytes.withBytes(text) { t in
          guard let at = TextBytes.withBytes(part, { TextBytes.firstIndex(of: $0, in: t) }) else {
            return .null
          }
          return .int(shape == .oneByte ? at : TextBytes.scalarCount(t, upTo: at))
        }
      }
      let s = Array(try args.string(0))
      let p = Array(try args.string(1))
      if p.isEmpty { return .int(0) }
      if p.count <= s.count {
        for i in 0...(s.count - p.count) where s[i..<(i + p.count)].elementsEqual(p) { return .int(i) }
      }
      return .null
    }
    define("pad_left", 2...3, "pad_left(x, width, fill) - x as text, padded on the left to width") { args in
      let s = args[0].description
      let w = try args.int(1)
      let fill = args.count > 2 ? try args.string(2) : " "
      let padded = try Library.padded(s, args[0], to: w, with: fill, left: true, vm: args.vm)
      // Wide enough already: the text itself.
      if case .string = args[0], padded.utf8.count == s.utf8.count { return args[0] }
      return .text(padded)
    }
    define("pad_right", 2...3, "pad_right(x, width, fill) - x as text, padded on the right to width") {
      args in
      let s = args[0].description
      let w = try args.int(1)
      let fill = args.count > 2 ? try args.string(2) : " "
      let padded = try Library.padded(s, args[0], to: w, with: fill, left: false, vm: args.vm)
      if case .string = args[0], padded.utf8.count == s.utf8.count { return args[0] }
      return .text(padded)
    }
  }

  /// `s` (the text of `value`) padded on the left or right to `width` characters with copies
  /// of `fill` (the last copy cut short if need be); the padding is charged to the memory
  /// budget first.
  static func padded(_ s: String, _ value: Value, to width: Int, with fill: String, left: Bool, vm: VM) throws
    -> String
  {
    let fill = fill.isEmpty ? " " : fill
    let length: Int
    if case .string(let t) = value { length = t.characterCount } else { length = s.count }
    let count = width > length ? width - length : 0
    let fillLength = fill.count
    if fillLength > 1 {
      // A fill of several characters is repeated and cut, so the result is exactly `width`
      // wide, as PostgreSQL's lpad does: pad_left("x", 4, "ab") is "abax".
      let copies = (count + fillLength - 1) / fillLength
      let (size, o) = copies.multipliedReportingOverflow(by: fill.utf8.count)
      try vm.charge(o ? Int.max / 2 : size)
      if count == 0 { return s }
      let cut = String(String(repeating: fill, count: copies).prefix(count))
      return left ? cut + s : s + cut
    }
    let (size, o) = count.multipliedReportingOverflow(by: fill.utf8.count)
    try vm.charge(o ? Int.max / 2 : size)
    if count == 0 { return s }
    // One string of the exact size, the copies of the fill and the text written into it.
    return TextBytes.withBytes(s) { b in
      TextBytes.withBytes(fill) { f in
        String(unsafeUninitializedCapacity: size + b.count) { out in
          var i = left ? 0 : b.count
          for _ in 0..<count {
            for j in 0..<f.count { out[i + j] = f[j] }
            i += f.count
          }
          let at = left ? size : 0
          for j in 0..<b.count { out[at + j] = b[j] }
          return size + b.count
        }
      }
    }
  }

  /// The texts of `items` (all text) joined with `separator`: `size` bytes in all.
  static func joined(_ items: ContiguousArray<Value>, _ separator: String, size: Int) -> String {
    TextBytes.withBytes(separator) { sep in
      String(unsafeUninitializedCapacity: size) { out in
        var i = 0
        for (n, item) in items.enumerated() {
          if n > 0, sep.count > 0 {
            _ = UnsafeMutableBufferPointer(rebasing: out[i..<(i + sep.count)]).initialize(from: sep)
            i += sep.count
          }
          guard case .string(let s) = item else { continue }
          i = TextBytes.withBytes(s.value) { b in
            if b.count > 0 {
              _ = UnsafeMutableBufferPointer(rebasing: out[i..<(i + b.count)]).initialize(from: b)
            }
            return i + b.count
          }
        }
        return i
      }
    }
  }

  /// The pieces of `s` between occurrences of a non-empty `separator`, by bytes; each byte of
  /// a piece is a character when each of `s` is.
  static func split(_ s: String, on separator: String, shape: TextBytes.Shape) -> ContiguousArray<Value> {
    TextBytes.withBytes(s) { b in
      TextBytes.withBytes(separator) { sep in
        var pieces = ContiguousArray<Value>()
        pieces.reserveCapacity(TextBytes.occurrences(of: sep, in: b) + 1)
        var start = 0
        while let at = TextBytes.firstIndex(of: sep, in: b, from: start) {
          pieces.append(piece(b, start..<at, shape))
          start = at + sep.count
        }
        pieces.append(piece(b, start..<b.count, shape))
        return pieces
      }
    }
  }

  /// Text of one byte per character split on runs of spaces (tabs, new lines...), empty
  /// pieces left out.
  static func splitOnSpaces(_ s: String) -> ContiguousArray<Value> {
    TextBytes.withBytes(s) { b in
      var pieces = ContiguousArray<Value>()
      var i = 0
      while i < b.count {
        while i < b.count, TextBytes.isSpace(b[i]) { i += 1 }
        let start = i
        while i < b.count, !TextBytes.isSpace(b[i]) { i += 1 }
        if i > start { pieces.append(piece(b, start..<i, .oneByte)) }
      }
      return pieces
    }
  }

  /// Text of one byte or one scalar per character as the list of its characters.
  static func characters(_ s: String, _ shape: TextBytes.Shape) -> ContiguousArray<Value> {
    TextBytes.withBytes(s) { b in
      var pieces = ContiguousArray<Value>()
      if shape == .oneByte {
        pieces.reserveCapacity(b.count)
        for i in 0..<b.count { pieces.append(piece(b, i..<(i + 1), .oneByte)) }
        return pieces
      }
      var start = 0
      for i in 1..<(b.count + 1) where i == b.count || b[i] & 0xC0 != 0x80 {
        pieces.append(piece(b, start..<i, shape))
        start = i
      }
      return pieces
    }
  }

  /// A piece of a text of this shape: ASCII stays ASCII; a piece of a text of one scalar per
  /// character may be ASCII, so its shape is worked out when asked.
  @inline(__always)
  static func piece(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ shape: TextBytes.Shape) -> Value {
    let text = TextBytes.string(b, range)
    return .string(shape == .oneByte ? StringObject(text, shape: .oneByte) : StringObject(text))
  }
}

extension String {
  /// Non-overlapping occurrences of a non-empty `part`, byte for byte.
  func occurrences(of part: String) -> Int {
    TextBytes.withBytes(self) { hay in
      TextBytes.withBytes(part) { TextBytes.occurrences(of: $0, in: hay) }
    }
  }
}
