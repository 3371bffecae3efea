import PeerStore

/// Writes every record of a kind as CSV or JSON, in id order, in the form the importer reads
/// back: `id` (the human id), the core fields, then the project's own fields (the union of
/// every record's, by name); dates ISO, lists `a; b; c`, yes/no, references as human ids.
public enum Exporter {
  /// Records read from the store at a time: an export never holds a whole kind in memory.
  static let batchSize = 2000

  /// How many records of `kind` an export leaves out because their processing is restricted
  /// (docs/data-protection.md, "Restriction").
  public static func leftOut(kind: RecordKind, store: RecordStore) throws -> Int {
    try store.read { try Restriction.restrictedIDs(kind, in: $0).count }
  }

  /// Writes every record of `kind` as CSV with a header row to `output` (not closed).
  public static func csv(kind: RecordKind, store: RecordStore, to output: TextOutput) throws {
    try store.read { r in
      let extras = extraNames(try r.ownFieldNames(kind), kind: kind)
      let specs = kind.fields
      output.write(
        (["id"] + specs.map(\.name) + extras).map(CellFormat.csvCell).joined(separator: ",") + "\n")
      var line = ""
      let restricted = try Restriction.restrictedIDs(kind, in: r)
      try r.forEach(kind, batchSize: batchSize) { records in
        for record in records where !restricted.contains(record.id) {
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
        return true
      }
    }
    output.flush()
  }

  /// Writes every record of `kind` to `output` as a JSON array of objects, one per line (not closed).
  public static func json(kind: RecordKind, store: RecordStore, to output: TextOutput) throws {
    try store.read { r in
      let specs = kind.fields
      output.write("[")
      var first = true
      let restricted = try Restriction.restrictedIDs(kind, in: r)
      try r.forEach(kind, batchSize: batchSize) { records in
        for record in records where !restricted.contains(record.id) {
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
        return true
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

  /// The project's own field names of a kind's records, sorted (those that clash with a core
  /// field or `id` are left out: they could not be read back).
  static func extraNames(_ names: [String], kind: RecordKind) -> [String] {
    Set(names).filter { $0 != "id" && !$0.isEmpty && kind.field($0) == nil }.sorted()
  }
}
