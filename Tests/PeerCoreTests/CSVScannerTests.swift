import CSV
import Testing

@testable import PeerCore

/// The import's own CSV reader agrees with CSV.swift (a maintained library) on awkward files.
@Suite("CSV reader")
struct CSVScannerTests {
  func scan(_ text: String, in folder: String) throws -> (rows: [[String]], lines: [Int]) {
    let path = folder + "/t.csv"
    writeFile(path, text)
    let scanner = try CSVScanner(path: path)
    var rows: [[String]] = []
    var lines: [Int] = []
    while try scanner.nextRow() {
      rows.append(scanner.row())
      lines.append(scanner.rowLine)
    }
    return (rows, lines)
  }

  func reference(_ text: String) throws -> [[String]] {
    let reader = try CSVReader(string: text)
    var rows: [[String]] = []
    while let row = reader.next() { if row != [""] { rows.append(row) } }
    return rows
  }

  @Test func agreesWithCSVSwiftOnRandomFiles() throws {
    let folder = makeTempFolder()
    defer { removeTree(folder) }
    var rng = SplitMix64(seed: 99)
    let pieces = ["a", "bc", " ", "Zoë", "🙂", ",", "\"", "\n", "\r\n", "1", "x y"]
    for _ in 0..<300 {
      var text = ""
      for _ in 0..<rng.int(1...6) {
        var cells: [String] = []
        for _ in 0..<rng.int(1...5) {
          var cell = ""
          for _ in 0..<rng.int(0...4) { cell += rng.pick(pieces) }
          cells.append(CellFormat.csvCell(cell))
        }
        // Rows that read as blank lines are skipped by the import; keep them out of the comparison.
        if cells.allSatisfy(\.isEmpty) { cells[0] = "q" }
        text += cells.joined(separator: ",") + (rng.chance(0.5) ? "\n" : "\r\n")
      }
      let ours = try scan(text, in: folder).rows
      #expect(ours == (try reference(text)), "\(text.debugDescription)")
    }
  }

  /// Files of several read chunks (1 MiB each): fields that run across a chunk's end, long
  /// unquoted fields, and quoted ones, come out whole.
  @Test func fieldsAcrossChunkBoundaries() throws {
    let folder = makeTempFolder()
    defer { removeTree(folder) }
    var rng = SplitMix64(seed: 5)
    var text = ""
    var expected: [[String]] = []
    while text.utf8.count < 3 << 20 {
      let long = String(repeating: "x", count: rng.int(0...3000))
      let cells = [
        "\(expected.count)", long + "Zoë", rng.chance(0.3) ? "a \"q\" b" : "plain, \n quoted", "é" + long,
      ]
      expected.append(cells)
      text += cells.map(CellFormat.csvCell).joined(separator: ",") + (rng.chance(0.5) ? "\n" : "\r\n")
    }
    let ours = try scan(text, in: folder).rows
    #expect(ours.count == expected.count)
    #expect(ours == expected)
  }

  @Test func countsPhysicalLines() throws {
    let folder = makeTempFolder()
    defer { removeTree(folder) }
    let (rows, lines) = try scan("h1,h2\n\"a\nb\",c\r\n\n\"x\"\"\",\"\"\nlast,\"\"\"\n\"\"\"", in: folder)
    #expect(rows == [["h1", "h2"], ["a\nb", "c"], ["x\"", ""], ["last", "\"\n\""]])
    #expect(lines == [1, 2, 5, 6])
  }

  @Test func anUnclosedQuoteIsAnError() throws {
    let folder = makeTempFolder()
    defer { removeTree(folder) }
    #expect(throws: ImportError.self) { try scan("a,b\n\"open,c\n", in: folder) }
  }

  @Test func byteOrderMarkIsSkipped() throws {
    let folder = makeTempFolder()
    defer { removeTree(folder) }
    writeBytes(folder + "/b.csv", [0xEF, 0xBB, 0xBF] + Array("id,name\n1,A\n".utf8))
    let scanner = try CSVScanner(path: folder + "/b.csv")
    #expect(try scanner.nextRow())
    #expect(scanner.row() == ["id", "name"])
  }
}
