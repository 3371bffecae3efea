import PeerCalendar

// How values look: `description` is what `print` shows (text as is), `repr` is what the REPL
// shows for a result (text quoted, so "3" and 3 look different).

extension Value: CustomStringConvertible {
  public var description: String { format(quoted: false) }

  public var repr: String { format(quoted: true) }

  /// A short form for error messages: long values are cut.
  public var shortDescription: String {
    let s = repr
    return s.count > 40 ? String(s.prefix(37)) + "..." : s
  }

  /// The kind and the short form, for error messages: `number 3`, `text "a"`; nil alone (never
  /// "nil nil").
  public var kindAndValue: String {
    isNull ? "nil" : "\(typeName) \(shortDescription)"
  }

  func format(quoted: Bool, depth: Int = 0) -> String {
    if depth > 8 { return "..." }
    switch self {
    case .null: return "nil"
    case .bool(let b): return b ? "true" : "false"
    case .int(let i): return String(i)
    case .float(let d): return formatFloat(d)
    case .date(let d): return CivilDate(days: d).iso
    case .duration(let d): return formatDuration(d)
    case .string(let s): return quoted ? quote(s.value) : s.value
    case .list(let l):
      // A list that holds itself shows as [...] where it comes round again.
      return "["
        + l.items.map {
          if case .list(let inner) = $0, inner === l { return "[...]" }
          return $0.format(quoted: true, depth: depth + 1)
        }.joined(separator: ", ") + "]"
    case .map(let m):
      if m.entries.isEmpty { return "{}" }
      return "{"
        + m.entries.map { k, v in
          formatKey(k) + ": " + v.format(quoted: true, depth: depth + 1)
        }.joined(separator: ", ") + "}"
    case .record(let r):
      return r.type.name + "("
        + r.shownFields.map { "\($0): \($1.format(quoted: true, depth: depth + 1))" }
        .joined(separator: ", ") + ")"
    case .closure(let c): return "<fn \(c.proto.name)>"
    case .native(let n): return "<built-in fn \(n.name)>"
    case .range(let r):
      if let label = r.label { return label }
      return "\(r.lower.format(quoted: true))..\(r.upper.format(quoted: true))"
    case .host(let h): return h.description
    case .groups(let g):
      return "<\(g.keys.count) groups by \(g.keyName)>"
    case .cell(let c): return c.value.format(quoted: quoted, depth: depth)
    }
  }
}

private func formatKey(_ k: Value) -> String {
  if case .string(let s) = k, isPlainIdentifier(s.value) { return s.value }
  return k.repr
}

func isPlainIdentifier(_ s: String) -> Bool {
  guard let f = s.unicodeScalars.first, f == "_" || f.properties.isAlphabetic else { return false }
  return s.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
}

func quote(_ s: String) -> String {
  var out = "\""
  for ch in s.unicodeScalars {
    switch ch {
    case "\"": out += "\\\""
    case "\\": out += "\\\\"
    case "\n": out += "\\n"
    case "\t": out += "\\t"
    case "\r": out += "\\r"
    case "{": out += "\\{"
    default:
      if TerminalText.isControl(ch) { out += TerminalText.escape(ch) } else { out.unicodeScalars.append(ch) }
    }
  }
  return out + "\""
}

/// Shortest text that reads back as the same float, always with a point or exponent so that
/// 2.0 is not mistaken for the integer 2.
func formatFloat(_ d: Double) -> String {
  if d.isNaN { return "nan" }
  if d.isInfinite { return d < 0 ? "-inf" : "inf" }
  var s = "\(d)"
  if s.hasSuffix(".0") && s.count > 17 { s = String(s.dropLast(2)) + ".0" }
  return s
}

func formatDuration(_ d: Duration) -> String {
  var parts: [String] = []
  func unit(_ n: Int32, _ one: String) -> String { "\(n) \(one)\(n == 1 || n == -1 ? "" : "s")" }
  if d.months != 0 {
    if d.months % 12 == 0 {
      parts.append(unit(d.months / 12, "year"))
    } else {
      parts.append(unit(d.months, "month"))
    }
  }
  if d.days != 0 || parts.isEmpty {
    if d.days % 7 == 0 && d.days != 0 {
      parts.append(unit(d.days / 7, "week"))
    } else {
      parts.append(unit(d.days, "day"))
    }
  }
  return parts.joined(separator: " ")
}
