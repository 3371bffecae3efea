import PeerStore

/// Writes every record of a kind as CSV or JSON, in id order, in the form the importer reads
/// back: `id` (the human id), the core fields, then the project's own fields (the union of
/// every record's, by name); dates ISO, lists `a; b; c`, yes/no, references as human ids.
public enum Exporter {
  /// Writes every record of `kind` as CSV with a header row to `output` (not closed).
  public static func csv(kind: RecordKind, store: RecordStore, to output: TextOutput) throws {
    try store.read { r in
      let records = try r.all(kind)
      let extras = extraNames(records)
      let specs = kind.fields
      output.write(
        (["id"] + specs.map(\.name) + extras).map(CellFormat.csvCell).joined(separator: ",") + "\n")
      var line = ""
      for record in records {
        line.removeAll(keepingCapacity: true)
        line += record.code
        for spec in specs {
          line += ","
          line += CellFormat.csvCell(CellFormat.text(record.fields[spec.name] ?? .null, type: spec.type))
        }
        for name in extras {
          line += ","
          line += CellFormat.csvCell(CellFormat.text(record.extra[name] ?? .null, type: nil))
        }
        line += "\n"
        output.write(line)
      }
    }
    output.flush()
  }

  /// Writes every record of `kind` to `output` as a JSON array of objects, one per line (not closed).
  public static func json(kind: RecordKind, store: RecordStore, to output: TextOutput) throws {
    try store.read { r in
      let records = try r.all(kind)
      let specs = kind.fields
      output.write("[")
      var first = true
      for record in records {
        var line = first ? "\n  {" : ",\n  {"
        first = false
        line += "\"id\": " + CellFormat.quoted(record.code)
        for spec in specs {
          line +=
            ", " + CellFormat.quoted(spec.name) + ": "
            + CellFormat.json(record.fields[spec.name] ?? .null, type: spec.type)
        }
        for (name, value) in record.extra.sorted(by: { $0.key < $1.key })
        where kind.field(name) == nil && name != "id" {
          line += ", " + CellFormat.quoted(name) + ": " + CellFormat.json(value, type: nil)
        }
        output.write(line + "}")
      }
      output.write(first ? "]\n" : "\n]\n")
    }
    output.flush()
  }

  /// The CSV export of `kind` as text (small projects and tests).
  public static func csvText(kind: RecordKind, store: RecordStore) throws -> String {
    let out = TextOutput.memory()
    try csv(kind: kind, store: store, to: out)
    return out.text
  }

  /// The JSON export of `kind` as text.
  public static func jsonText(kind: RecordKind, store: RecordStore) throws -> String {
    let out = TextOutput.memory()
    try json(kind: kind, store: store, to: out)
    return out.text
  }

  /// The project's own field names across `records`, sorted (those that clash with a core
  /// field or `id` are left out: they could not be read back).
  static func extraNames(_ records: [StoredRecord]) -> [String] {
    var names = Set<String>()
    for r in records { for k in r.extra.keys { names.insert(k) } }
    return names.filter { $0 != "id" && ($0.isEmpty == false) }.sorted().filter { name in
      records.first.map { $0.kind.field(name) == nil } ?? true
    }
  }
}
