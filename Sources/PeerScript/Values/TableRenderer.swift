/// Shows a list of records or maps as an aligned table: one column per field (the union of all
/// rows' fields, in first-seen order), a header, numbers right-aligned, cut to the terminal's
/// width, and at most `maxRows` rows followed by "... N more rows". In the language, not the
/// command line, so that `show(x)` in a script prints exactly what the REPL shows.
public enum TableRenderer {
  public static let maxRows = 50

  /// A value as the REPL shows it: a table for rows of records or maps (a host's table under its
  /// summary line, a stored collection's items), else `repr`.
  public static func display(_ value: Value, width: Int) throws -> String {
    if case .host(let h as ShownAsTable) = value,
      let rows = rows(of: .list(ListObject(ContiguousArray(h.rows))))
    {
      return h.description + "\n" + render(rows, width: width)
    }
    if let rows = rows(of: value) { return render(rows, width: width) }
    // A collection such as `tasks` shows its items, never "<tasks>"; an empty one what
    // print shows ("<0 open tasks>").
    if case .host(let h) = value, let items = try h.items() {
      return items.isEmpty ? h.description : try display(.list(ListObject(items)), width: width)
    }
    return value.repr
  }

  /// The rows of `value` when it should be shown as a table: a non-empty list whose items are
  /// all records or maps.
  public static func rows(of value: Value) -> [Row]? {
    guard case .list(let list) = value, !list.items.isEmpty else { return nil }
    var rows: [Row] = []
    rows.reserveCapacity(list.items.count)
    for item in list.items {
      switch item {
      case .record(let r):
        rows.append(Row(cells: r.shownFields.map { ($0.name, $0.value) }))
      case .map(let m):
        rows.append(Row(cells: m.entries.map { key, value in (keyName(key), value) }))
      default:
        return nil
      }
    }
    return rows
  }

  public struct Row {
    public var cells: [(String, Value)]
  }

  public static func render(_ rows: [Row], width: Int) -> String {
    var columns: [String] = []
    var seen: Set<String> = []
    for row in rows {
      for (name, _) in row.cells where seen.insert(name).inserted { columns.append(name) }
    }
    let shown = rows.prefix(maxRows)
    var numeric = [Bool](repeating: true, count: columns.count)
    var table: [[String]] = []
    for row in shown {
      var lookup: [String: Value] = [:]
      for (name, value) in row.cells { lookup[name] = value }
      var line: [String] = []
      for (i, column) in columns.enumerated() {
        guard let value = lookup[column] else {
          line.append("")
          continue
        }
        switch value {
        case .int, .float: break
        case .null: break
        default: numeric[i] = false
        }
        line.append(cellText(value))
      }
      table.append(line)
    }
    var widths = columns.map { $0.count }
    for line in table {
      for (i, cell) in line.enumerated() { widths[i] = max(widths[i], cell.count) }
    }
    // Columns empty in every row shown are left out; a column is at most 30 wide; columns that
    // still do not fit are left out from the right and named below the table, rather than
    // squeezing every column into unreadable stubs.
    var keep = columns.indices.filter { i in table.contains { !$0[i].isEmpty } }
    if keep.isEmpty { keep = Array(columns.indices) }
    for i in keep { widths[i] = min(widths[i], 30) }
    var dropped: [String] = []
    while keep.count > 1, keep.map({ widths[$0] }).reduce(0, +) + 2 * (keep.count - 1) > width {
      dropped.insert(columns[keep.removeLast()], at: 0)
    }
    columns = keep.map { columns[$0] }
    numeric = keep.map { numeric[$0] }
    widths = keep.map { widths[$0] }
    table = table.map { line in keep.map { line[$0] } }
    fit(&widths, minimums: columns.map { min($0.count, 3) }, into: width)

    func format(_ cells: [String], header: Bool) -> String {
      var parts: [String] = []
      for (i, cell) in cells.enumerated() {
        let text = cell.count > widths[i] ? String(cell.prefix(max(0, widths[i] - 1))) + "…" : cell
        let pad = String(repeating: " ", count: max(0, widths[i] - text.count))
        parts.append(numeric[i] && !header ? pad + text : text + pad)
      }
      var line = parts.joined(separator: "  ")
      while line.last == " " { line.removeLast() }
      return line
    }
    var out = [format(columns, header: true)]
    out.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
    for line in table { out.append(format(line, header: false)) }
    if rows.count > maxRows {
      let more = rows.count - maxRows
      out.append("... \(more) more row\(more == 1 ? "" : "s")")
    }
    if !dropped.isEmpty {
      out.append("(not shown for width: \(dropped.joined(separator: ", ")))")
    }
    return out.joined(separator: "\n")
  }

  /// Narrows the widest columns, one character at a time, until the table (with two spaces
  /// between columns) fits in `total`, never below each column's minimum.
  static func fit(_ widths: inout [Int], minimums: [Int], into total: Int) {
    func used() -> Int { widths.reduce(0, +) + 2 * max(0, widths.count - 1) }
    while used() > total {
      guard
        let i = widths.indices.filter({ widths[$0] > max(minimums[$0], 3) }).max(by: {
          widths[$0] < widths[$1]
        })
      else { return }
      widths[i] -= 1
    }
  }

  /// A cell shows text without quotes and on one line.
  static func cellText(_ value: Value) -> String {
    let text: String
    switch value {
    case .null: text = ""
    case .string: text = value.description
    default: text = value.description
    }
    return text.replacingNewlines()
  }

  static func keyName(_ key: Value) -> String {
    if case .string(let s) = key { return s.value }
    return key.description
  }
}

extension String {
  func replacingNewlines() -> String {
    guard contains(where: { $0.isNewline || $0 == "\t" }) else { return self }
    return String(map { $0.isNewline || $0 == "\t" ? " " : $0 })
  }
}
