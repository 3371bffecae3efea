/// Text functions.
extension Library {
  func registerText() {
    define(
      "join", 1...2, "join(list, separator) - the items as text, separated: join([1, 2], \", \") is \"1, 2\""
    ) { args in
      let sep = Array((args.count > 1 ? try args.string(1) : "").utf8)
      // Gather the bytes once and make one string: far cheaper than appending piece by piece.
      let items = try Library.materialize(args[0], vm: args.vm)
      // The size is charged to the memory budget before the text is made.
      var size = sep.count * max(0, items.count - 1)
      for item in items { if case .string(let s) = item { size += s.value.utf8.count } }
      try args.vm.charge(size)
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
      if args.count == 1 {
        return .list(s.split(whereSeparator: { $0.isWhitespace }).map { Value.text(String($0)) })
      }
      let sep = try args.string(1)
      guard !sep.isEmpty else { return .list(s.map { Value.text(String($0)) }) }
      return .list(s.splitting(by: sep).map { Value.text($0) })
    }
    define(
      "count", 2,
      "count(text, part) - how many times part occurs in text (not overlapping); count(list, x) for lists"
    ) { args in
      if case .list(let l) = args[0] { return .int(l.items.filter { $0 == args[1] }.count) }
      let s = try args.string(0)
      let part = try args.string(1)
      guard !part.isEmpty else { return .int(s.count + 1) }
      return .int(s.utf8.occurrences(of: part.utf8))
    }
    define("upper", 1, "upper(text) - in capitals") { args in .text(try args.string(0).uppercased()) }
    define("lower", 1, "lower(text) - in small letters") { args in .text(try args.string(0).lowercased()) }
    define("trim", 1, "trim(text) - without spaces at either end") { args in
      .text(try args.string(0).trimmingSpaces())
    }
    define("starts_with", 2, "starts_with(text, prefix) - whether text begins with prefix") { args in
      .bool(try args.string(0).hasPrefix(try args.string(1)))
    }
    define("ends_with", 2, "ends_with(text, suffix) - whether text ends with suffix") { args in
      .bool(try args.string(0).hasSuffix(try args.string(1)))
    }
    define("replace", 3, "replace(text, old, new) - every old replaced by new") { args in
      let old = try args.string(1)
      guard !old.isEmpty else { return args[0] }
      let text = try args.string(0)
      let new = try args.string(2)
      // The copy of the text and the result are charged to the memory budget first.
      var grow = 0
      if new.utf8.count > old.utf8.count {
        let n = text.utf8.occurrences(of: old.utf8)
        let (g, o) = n.multipliedReportingOverflow(by: new.utf8.count - old.utf8.count)
        grow = o ? Int.max / 4 : g
      }
      try args.vm.charge(2 * text.utf8.count + grow)
      // Byte by byte into one buffer (as `splitting` matches): no list of pieces in between.
      let t = Array(text.utf8)
      let o = Array(old.utf8)
      let nw = Array(new.utf8)
      var out: [UInt8] = []
      out.reserveCapacity(t.count)
      var i = 0
      while i < t.count {
        if t[i] == o[0], i + o.count <= t.count, t[i..<(i + o.count)].elementsEqual(o) {
          out.append(contentsOf: nw)
          i += o.count
        } else {
          out.append(t[i])
          i += 1
        }
      }
      return .text(String(decoding: out, as: UTF8.self))
    }
    define("find", 2, "find(text, part) - the position of the first part in text, or nil") { args in
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
      return .text(try Library.padding(fill, s, to: w, vm: args.vm) + s)
    }
    define("pad_right", 2...3, "pad_right(x, width, fill) - x as text, padded on the right to width") {
      args in
      let s = args[0].description
      let w = try args.int(1)
      let fill = args.count > 2 ? try args.string(2) : " "
      return .text(s + (try Library.padding(fill, s, to: w, vm: args.vm)))
    }
  }

  /// The fill that pads `s` to `width` characters, charged to the memory budget first.
  static func padding(_ fill: String, _ s: String, to width: Int, vm: VM) throws -> String {
    let fill = fill.isEmpty ? " " : fill
    let count = width > s.count ? width - s.count : 0
    let (size, o) = count.multipliedReportingOverflow(by: fill.utf8.count)
    try vm.charge(o ? Int.max / 2 : size)
    return String(repeating: fill, count: count)
  }
}

extension String {
  /// Splits on a separator of any length (the standard library's split takes one character).
  func splitting(by separator: String) -> [String] {
    var pieces: [String] = []
    var rest = Substring(self)
    let sep = Array(separator.utf8)
    var current = rest.utf8.startIndex
    var start = current
    let u = rest.utf8
    while current != u.endIndex {
      if u[current...].starts(with: sep) {
        pieces.append(String(rest[start..<current]))
        current = u.index(current, offsetBy: sep.count)
        start = current
      } else {
        current = u.index(after: current)
      }
    }
    pieces.append(String(rest[start...]))
    rest = ""
    return pieces
  }
}

extension String.UTF8View {
  /// Non-overlapping occurrences of `part`.
  func occurrences(of part: String.UTF8View) -> Int {
    let hay = Array(self)
    let needle = Array(part)
    guard needle.count <= hay.count else { return 0 }
    var n = 0
    var i = 0
    let first = needle[0]
    while i <= hay.count - needle.count {
      if hay[i] == first && hay[i..<(i + needle.count)].elementsEqual(needle) {
        n += 1
        i += needle.count
      } else {
        i += 1
      }
    }
    return n
  }
}
