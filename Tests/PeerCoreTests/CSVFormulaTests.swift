import PeerScript
import PeerStore
import Testing

@testable import PeerCore

/// Every CSV peer writes is safe to open in a spreadsheet: a cell that would run as a formula
/// is guarded by a leading `'`, the same way in exports, reports and `save`, and `peer import`
/// takes the guard off so an export still imports back exactly.
@Suite("CSV cells cannot run as formulas")
struct CSVFormulaTests {
  static let hostile = [
    "=cmd|' /C calc'!A0", "+SUM(A1)", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", "'=already", "''x", "'plain",
    "-5", "+1.5", "ordinary",
  ]

  @Test func theOneCellRule() {
    #expect(CellFormat.csvCell("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0")
    #expect(CellFormat.csvCell("\t=1+1") == "'\t=1+1")
    #expect(CellFormat.csvCell("\r=1+1") == "\"'\r=1+1\"")
    #expect(CellFormat.csvCell("-5") == "-5")
    #expect(CellFormat.csvCell("'plain") == "'plain")
    for s in Self.hostile {
      let cell = CellFormat.csvCell(s)
      let unquoted = cell.hasPrefix("\"") ? String(cell.dropFirst().dropLast()) : cell
      #expect(CellFormat.unguarded(unquoted) == s, "\(s) does not come back")
      if let first = unquoted.first, "=+-@\t\r".contains(first) {
        #expect(Double(unquoted) != nil, "\(s) is live")
      }
    }
  }

  @Test func anExportIsGuardedAndImportsBackAsItWas() throws {
    let folder = makeTempFolder()
    defer { removeTree(folder) }
    let first = try makeStore()
    try first.write { w in
      // Own fields take a number-like text as a number (a limit of CSV, not of the guard).
      let notes = Self.hostile.filter { Double($0) == nil }
      for (i, name) in Self.hostile.enumerated() {
        _ = try w.insert(
          StoredRecord(
            kind: .service, fields: ["name": .text(name)],
            extra: ["note": .text(notes[(i + 1) % notes.count])]))
      }
    }
    let csv = try Exporter.csvText(kind: .service, store: first)
    #expect(csv.contains("\nS-0001,'=cmd|' /C calc'!A0,"), "\(csv)")
    #expect(
      !csv.split(separator: "\n").contains { $0.contains(",=") || $0.contains(",+S") || $0.contains(",@") })
    let path = folder + "/services.csv"
    let out = try TextOutput.file(path)
    try Exporter.csv(kind: .service, store: first, to: out)
    try out.close()
    let second = try makeStore()
    _ = try Importer.importCSV(kind: .service, path: path, store: second)
    #expect(
      try Exporter.jsonText(kind: .service, store: second)
        == (try Exporter.jsonText(kind: .service, store: first)))
  }

  @Test func reportsAndSaveGuardTabAndCarriageReturnToo() throws {
    let table = ReportTable(
      title: "t", columns: ["name", "n"], rows: [[.text("\t=1+1"), .int(1)], [.text("\r=1"), .int(2)]])
    let csv = CSVRenderer().table(table)
    #expect(csv == "name,n\n'\t=1+1,1\n\"'\r=1\",2\n", "\(csv)")
  }
}
