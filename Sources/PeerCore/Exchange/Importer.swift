import PeerScript
import PeerStore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Brings a spreadsheet's rows in as records of one kind, under the same integrity rules as a
/// script, in one transaction.
public enum Importer {
  /// Called as rows are read, for a progress bar: rows so far, bytes so far, the file's size.
  public typealias Progress = (_ rowsDone: Int, _ bytesDone: Int, _ totalBytes: Int) -> Void

  /// At most this many problems are listed; the rest are counted.
  public static let problemLimit = 100
  /// Rows written per `insertMany`.
  static let batchSize = 2000

  /// Imports `path` (UTF-8 CSV with a header row) as records of `kind`, all or nothing unless `skipBad` (then bad rows go to `rejectPath`, default `FILE-rejects.csv`).
  public static func importCSV(
    kind: RecordKind, path: String, store: RecordStore, mapping: [String: String] = [:],
    skipBad: Bool = false, rejectPath: String? = nil, statuses: WorkflowStatuses? = nil,
    progress: Progress? = nil
  ) throws -> ImportReport {
    let scanner = try CSVScanner(path: path)
    let fileName = path.split(separator: "/").last.map(String.init) ?? path
    guard try scanner.nextRow() else {
      throw ImportError(problems: ["\(fileName) is empty: it needs a header row naming the columns"])
    }
    let header = scanner.row()
    let plan = try ColumnPlan(kind: kind, header: header, mapping: mapping, fileName: fileName)
    let rejects = skipBad ? (rejectPath ?? defaultRejectPath(path)) : nil

    // Visits are checked against the matches by the import itself (`VisitRuleTable`).
    let write: ((any StoreWriter) throws -> ImportReport) throws -> ImportReport =
      kind == .visit ? store.writeCheckingReferencesItself : store.write
    return try write { w in
      var run = try ImportRun(
        kind: kind, plan: plan, scanner: scanner, fileName: fileName, writer: w, header: header,
        rejectPath: rejects, skipBad: skipBad, statuses: statuses)
      return try run.go(progress: progress)
    }
  }

  /// `visits.csv` → `visits-rejects.csv`, beside it.
  static func defaultRejectPath(_ path: String) -> String {
    (path.hasSuffix(".csv") ? String(path.dropLast(4)) : path) + "-rejects.csv"
  }
}

/// Which field each column of the file fills.
struct ColumnPlan {
  enum Target: Equatable {
    case id
    case core(Int)  // index into kind.fields
    case extra(String)
    case skip
  }

  var targets: [Target]
  /// The header name of each column (for `file.csv:ROW:COLUMN`).
  var names: [String]
  /// The column a field is read from.
  var columnOfField: [String: Int] = [:]

  init(kind: RecordKind, header: [String], mapping: [String: String], fileName: String) throws {
    names = header.map { CellFormat.trim(Substring($0)) }
    targets = []
    var problems: [String] = []
    let fieldNames = kind.fields.map(\.name)
    func normal(_ s: String) -> String {
      String(s.lowercased().map { $0 == " " || $0 == "-" ? "_" : $0 })
    }
    // Mapping keys name columns; match them exactly, then ignoring case and spaces.
    var mapped: [Int: String] = [:]
    for (column, field) in mapping.sorted(by: { $0.key < $1.key }) {
      guard let i = names.firstIndex(of: column) ?? names.firstIndex(where: { normal($0) == normal(column) })
      else {
        problems.append(
          "\(fileName):1: the mapping names a column \"\(column)\" that the file does not have (its columns are: \(names.joined(separator: ", ")))"
        )
        continue
      }
      mapped[i] = field
    }
    var seen: [String: Int] = [:]
    for (i, name) in names.enumerated() {
      let wanted = mapped[i] ?? name
      let target: Target
      if wanted.isEmpty || wanted == "-" {
        target = .skip
      } else if normal(wanted) == "id" {
        target = .id
      } else if let f = fieldNames.firstIndex(of: wanted) ?? fieldNames.firstIndex(of: normal(wanted)) {
        target = .core(f)
      } else {
        target = .extra(wanted)
      }
      let key: String
      switch target {
      case .id: key = "id"
      case .core(let f): key = fieldNames[f]
      case .extra(let e): key = e
      case .skip: key = ""
      }
      if !key.isEmpty {
        if let other = seen[key] {
          problems.append("\(fileName):1:\(name): column \(other + 1) (\(names[other])) already gives \(key)")
        } else {
          seen[key] = i
          columnOfField[key] = i
        }
      }
      targets.append(target)
    }
    for spec in kind.fields where spec.required && seen[spec.name] == nil {
      var line = "\(fileName):1: no column gives the required field \(spec.name)"
      if let near = closestMatch(to: spec.name, in: names) {
        line += " (is \"\(near)\" it? map it with \"\(near)\": \"\(spec.name)\")"
      }
      problems.append(line)
    }
    if !problems.isEmpty { throw ImportError(problems: problems) }
  }
}

/// The statuses a project's workflow allows for the kind being imported: a new record must
/// start in one of them, as it must when a script creates it (`create` checks the same).
public struct WorkflowStatuses: Sendable {
  public var workflow: String
  public var names: [String]
  /// Statuses with a guard: a plain import cannot run a guard (it runs no script), so a record
  /// starting in one is refused rather than let in unchecked.
  public var guarded: Set<String>

  public init(workflow: String, names: [String], guarded: Set<String> = []) {
    self.workflow = workflow
    self.names = names
    self.guarded = guarded
  }

  func problem(_ status: String) -> String? {
    if !names.contains(status) {
      return
        "\"\(status)\" is not a status of workflow \(workflow); its statuses are \(names.joined(separator: ", "))"
    }
    if guarded.contains(status) {
      return
        "\"\(status)\" has a guard in workflow \(workflow), which a plain import cannot check: import through a form (--form NAME), or in a status without a guard"
    }
    return nil
  }
}

/// One import in its transaction.
struct ImportRun {
  let kind: RecordKind
  let plan: ColumnPlan
  let scanner: CSVScanner
  let fileName: String
  let writer: any StoreWriter
  let header: [String]
  let rejectPath: String?
  let skipBad: Bool
  let statuses: WorkflowStatuses?

  private let reader: ImportReader
  /// Endings taken in: each ends its match once the rows are in (Rules.endMatch).
  private var endings: [StoredRecord] = []
  private var problems: [String] = []
  private var moreProblems = 0
  private var badRows = 0
  private var imported = 0
  private var rejectOutput: TextOutput?
  /// Ids given in the file, and the line each is on.
  private var idsSeen = IDLines()
  private let storeHadRecords: Bool

  init(
    kind: RecordKind, plan: ColumnPlan, scanner: CSVScanner, fileName: String, writer: any StoreWriter,
    header: [String], rejectPath: String?, skipBad: Bool, statuses: WorkflowStatuses? = nil
  ) throws {
    self.statuses = statuses
    self.kind = kind
    self.plan = plan
    self.scanner = scanner
    self.fileName = fileName
    self.writer = writer
    self.header = header
    self.rejectPath = rejectPath
    self.skipBad = skipBad
    reader = ImportReader(base: writer, kind: kind)
    storeHadRecords = try writer.count(kind) > 0
  }

  mutating func go(progress: Importer.Progress?) throws -> ImportReport {
    var fields = kind.fields
    // A workflow's statuses replace the standard ones; they are checked below with its name.
    if statuses != nil, let i = fields.firstIndex(where: { $0.name == "status" }) {
      fields[i].choices = []
    }
    var rows = 0
    var errors: [(column: Int, message: String)] = []
    let columns = plan.targets.count
    var cells = [Cell](repeating: .null, count: fields.count)
    var extra: [String: FieldValue] = [:]
    // Visits, the many rows, take the typed path: no rule reads visits, so each row is checked
    // against the matches and endings read once and written at once, field by field.
    var fast: (rules: VisitRuleTable, insert: any BulkInsert)?
    if kind == .visit {
      // Rebuilding the indexes after the rows is faster than keeping them up to date row by row
      // when the file is big beside the table (a visit is about 80 bytes of CSV).
      let estimatedRows = scanner.totalBytes / 80
      let rebuild = try estimatedRows >= 20_000 && estimatedRows * 2 >= writer.count(kind)
      fast = (try VisitRuleTable(store: writer), try writer.bulkInsert(kind, rebuildIndexes: rebuild))
    }
    var scratch = BindScratch()
    while try scanner.nextRow() {
      rows += 1
      errors.removeAll(keepingCapacity: true)
      for f in cells.indices { cells[f] = .null }
      if !extra.isEmpty { extra.removeAll(keepingCapacity: true) }
      var rowID: Int64 = 0
      for c in 0..<columns {
        let target = plan.targets[c]
        if target == .skip { continue }
        let cell = c < scanner.fieldCount ? scanner.field(c) : UnsafeBufferPointer(start: nil, count: 0)
        if scanner.hasHighBytes, c < scanner.fieldCount, !scanner.isValidUTF8(c) {
          errors.append((c, "the cell is not UTF-8 text (save the spreadsheet as \"CSV UTF-8\")"))
          continue
        }
        switch target {
        case .skip: break
        case .id:
          let t = CellFormat.trimmed(cell)
          if t.isEmpty { break }
          guard let id = CellFormat.id(t, kind: kind) else {
            let text = String(decoding: t, as: UTF8.self)
            errors.append((c, "\"\(text)\" is not a \(kind.rawValue) id (like \(kind.code(for: 42)))"))
            break
          }
          if let line = idsSeen.line(of: id) {
            errors.append((c, "\(kind.code(for: id)) is on line \(line) too"))
          } else if storeHadRecords, try writer.get(kind, id: id) != nil {
            errors.append((c, "\(kind.code(for: id)) is already in the project"))
          } else {
            idsSeen.set(id, line: scanner.rowLine)
            rowID = id
          }
        case .core(let f):
          switch convert(cell, fields[f]) {
          case .success(let v): cells[f] = v
          case .failure(let e): errors.append((c, e.message))
          }
        case .extra(let name):
          let v = CellFormat.extra(CellFormat.unguarded(String(decoding: cell, as: UTF8.self)))
          if v != .null { extra[name] = v }
        }
      }
      if scanner.fieldCount > columns {
        for c in columns..<scanner.fieldCount where !CellFormat.trimmed(scanner.field(c)).isEmpty {
          errors.append((c, "the header has \(columns) columns; this row has \(scanner.fieldCount) cells"))
          break
        }
      }
      if let (rules, insert) = fast {
        if errors.isEmpty, case .int(let match) = cells[VisitRuleTable.match],
          case .date(let date) = cells[VisitRuleTable.date]
        {
          var minutes: Int?
          if case .int(let m) = cells[VisitRuleTable.minutes] { minutes = m }
          if let v = rules.violation(match: Int64(match), date: date, minutes: minutes) {
            errors.append((plan.columnOfField[v.field] ?? -1, message(v.error)))
          }
        }
        if errors.isEmpty {
          if skipBad || badRows == 0 {  // else nothing will be kept: only look for more problems
            try scratch.insert(cells, extra: extra, id: rowID, kind: kind, into: insert)
            imported += 1
          }
        } else {
          try reject(errors)
        }
      } else {
        var record = StoredRecord(kind: kind, id: rowID)
        if errors.isEmpty {
          record.fields.reserveCapacity(fields.count)
          for (f, spec) in fields.enumerated() {
            let v = cells[f].value
            if v != .null { record.fields[spec.name] = v }
          }
          record.extra = extra
          Rules.completeEnding(&record)
          do {
            try Rules.validate(record, in: reader, isNew: true, workflowChecksStatus: statuses != nil)
          } catch let v as Rules.Violation {
            errors.append((plan.columnOfField[v.field] ?? -1, message(v.error)))
          }
          if let statuses, let status = record.fields["status"]?.text, let problem = statuses.problem(status)
          {
            errors.append((plan.columnOfField["status"] ?? -1, problem))
          }
        }
        if errors.isEmpty {
          if kind == .ending { endings.append(record) }
          reader.accept(record)
          if reader.pending.count >= Importer.batchSize { try flush() }
        } else {
          try reject(errors)
        }
      }
      if rows & 4095 == 0 { progress?(rows, scanner.bytesDone, scanner.totalBytes) }
    }
    try flush()
    if let fast, skipBad || badRows == 0 { try fast.insert.finish() }
    // An imported ending ends its match as end_match does (the workflow's actions do not run
    // in an import; its statuses are checked as for any imported record).
    if skipBad || badRows == 0 {
      for ending in endings { _ = try Rules.endMatch(ofEnding: ending, in: writer) }
    }
    progress?(rows, scanner.bytesDone, scanner.totalBytes)
    try rejectOutput?.close()
    if !skipBad && badRows > 0 {
      throw ImportError(problems: problems, moreProblems: moreProblems, badRows: badRows)
    }
    return ImportReport(
      imported: imported, rejected: badRows, problems: problems, moreProblems: moreProblems,
      rejectPath: rejectOutput == nil ? nil : rejectPath)
  }

  private func message(_ e: RuntimeError) -> String {
    e.hint.map { "\(e.message); \($0)" } ?? e.message
  }

  private mutating func flush() throws {
    let batch = reader.takeBatch()
    if batch.isEmpty { return }
    if !skipBad && badRows > 0 { return }  // nothing will be kept: only look for more problems
    _ = try writer.insertMany(batch)
    imported += batch.count
  }

  private mutating func reject(_ errors: [(column: Int, message: String)]) throws {
    badRows += 1
    var cells: [String] = []
    for (column, message) in errors {
      let name = column < 0 ? "" : column < plan.names.count ? plan.names[column] : "column \(column + 1)"
      cells.append(name.isEmpty ? message : "\(name): \(message)")
      if problems.count < Importer.problemLimit {
        problems.append("\(fileName):\(scanner.rowLine):\(name): \(message)")
      } else {
        moreProblems += 1
      }
    }
    guard skipBad, let rejectPath else { return }
    if rejectOutput == nil {
      let out = try TextOutput.file(rejectPath)
      out.write((header + ["error"]).map(CellFormat.csvCell).joined(separator: ",") + "\n")
      rejectOutput = out
    }
    let row = scanner.row() + [cells.joined(separator: "; ")]
    rejectOutput!.write(row.map(CellFormat.csvCell).joined(separator: ",") + "\n")
  }

  private struct CellProblem: Error {
    var message: String
  }

  /// A cell as a value of the field's type, or what is wrong with it.
  private func convert(_ raw: UnsafeBufferPointer<UInt8>, _ spec: FieldSpec) -> Result<Cell, CellProblem> {
    let raw = CellFormat.unguarded(raw)
    if raw.contains(0) {
      // SQLite and every C tool would cut the text at it: refuse rather than lose the rest.
      return .failure(
        CellProblem(message: "\(kind.rawValue).\(spec.name) holds a NUL byte (is the file text?)"))
    }
    let cell = CellFormat.trimmed(raw)
    if cell.isEmpty {
      return spec.required
        ? .failure(CellProblem(message: "\(kind.rawValue).\(spec.name) is required")) : .success(.null)
    }
    func shown() -> String { String(decoding: cell, as: UTF8.self) }
    switch spec.type {
    case .text:
      if spec.choices.isEmpty { return .success(.text(raw)) }
      if let i = spec.choices.firstIndex(where: { CellFormat.equal(cell, $0) }) {
        return .success(.choice(spec.choices[i]))
      }
      let s = shown()
      if let choice = spec.choices.first(where: { $0.lowercased() == s.lowercased() }) {
        return .success(.choice(choice))
      }
      return .failure(
        CellProblem(
          message: "\(kind.rawValue).\(spec.name) cannot be \"\(s)\"; it must be one of: "
            + spec.choices.map { "\"\($0)\"" }.joined(separator: ", ")))
    case .int:
      if let i = CellFormat.int(cell) { return .success(.int(i)) }
      return .failure(CellProblem(message: "\"\(shown())\" is not a whole number"))
    case .double:
      if let d = Double(shown()), d.isFinite { return .success(.double(d)) }
      return .failure(CellProblem(message: "\"\(shown())\" is not a number"))
    case .bool:
      if let b = CellFormat.bool(cell) { return .success(.bool(b)) }
      return .failure(CellProblem(message: "\"\(shown())\" is not yes or no"))
    case .date:
      if let d = CellFormat.date(cell) { return .success(.date(d)) }
      return .failure(CellProblem(message: "\"\(shown())\" is not a date (like 2027-03-14 or 14/03/2027)"))
    case .list:
      return .success(CellFormat.listIsEmpty(cell) ? .null : .list(cell))
    case .reference(let target):
      if let id = CellFormat.id(cell, kind: target) { return .success(.int(Int(id))) }
      return .failure(
        CellProblem(message: "\"\(shown())\" is not a \(target.rawValue) id (like \(target.code(for: 42)))"))
    }
  }
}

/// A cell read as a value of its field, still pointing into the scanner's row where it can
/// (valid until the next row is read).
enum Cell {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case date(Int32)
  /// Text as in the file.
  case text(UnsafeBufferPointer<UInt8>)
  /// One of the field's allowed values, as the field spells it.
  case choice(String)
  /// `a; b; c`, trimmed, with at least one item.
  case list(UnsafeBufferPointer<UInt8>)

  /// The cell as a field value for a `StoredRecord`.
  var value: FieldValue {
    switch self {
    case .null: return .null
    case .bool(let b): return .bool(b)
    case .int(let i): return .int(i)
    case .double(let d): return .double(d)
    case .date(let d): return .date(d)
    case .text(let t): return .text(String(decoding: t, as: UTF8.self))
    case .choice(let s): return .text(s)
    case .list(let l): return .list(CellFormat.list(l))
    }
  }
}

/// Turns a row's cells into the store's bound values: dates as ISO text and lists as JSON
/// arrays are written into one reused buffer, texts are bound where they are.
struct BindScratch {
  private var bytes: [UInt8] = []
  private var ranges: [Range<Int>?] = []

  init() { bytes.reserveCapacity(1024) }

  mutating func insert(
    _ cells: [Cell], extra: [String: FieldValue], id: Int64, kind: RecordKind, into insert: any BulkInsert
  ) throws {
    bytes.removeAll(keepingCapacity: true)
    ranges.removeAll(keepingCapacity: true)
    for cell in cells {
      let lo = bytes.count
      switch cell {
      case .date(let d): JSONText.appendDate(d, to: &bytes)
      case .choice(let s): bytes.append(contentsOf: s.utf8)
      case .list(let l): JSONText.appendList(l, to: &bytes)
      default:
        ranges.append(nil)
        continue
      }
      ranges.append(lo..<bytes.count)
    }
    var extraRange: Range<Int>?
    if !extra.isEmpty {
      let lo = bytes.count
      bytes.append(contentsOf: JSONText.encode(extra).utf8)
      extraRange = lo..<bytes.count
    }
    try bytes.withUnsafeBufferPointer { buffer in
      for (f, cell) in cells.enumerated() {
        if let r = ranges[f] {
          insert.set(f, .text(UnsafeBufferPointer(rebasing: buffer[r])))
          continue
        }
        switch cell {
        case .null: break
        case .bool(let b): insert.set(f, .int(b ? 1 : 0))
        case .int(let i): insert.set(f, .int(Int64(i)))
        case .double(let d): insert.set(f, .double(d))
        case .text(let t): insert.set(f, .text(t))
        case .date, .choice, .list: break
        }
      }
      if let extraRange { insert.set(cells.count, .text(UnsafeBufferPointer(rebasing: buffer[extraRange]))) }
      _ = try insert.insertRow(id: id)
    }
  }
}

/// The line each id given in a file is on: an array indexed by id while the ids are small
/// (exported files number their records 1, 2, 3...), a dictionary beyond.
struct IDLines {
  private var dense: [Int32] = []
  private var sparse: [Int64: Int] = [:]
  static let denseLimit: Int64 = 1 << 24

  func line(of id: Int64) -> Int? {
    if id < Int64(dense.count), dense[Int(id)] != 0 { return Int(dense[Int(id)]) }
    return sparse[id]
  }

  mutating func set(_ id: Int64, line: Int) {
    if id < IDLines.denseLimit, line < Int(Int32.max) {
      if id >= Int64(dense.count) {
        dense.append(contentsOf: repeatElement(0, count: max(Int(id) + 1, dense.count * 2) - dense.count))
      }
      dense[Int(id)] = Int32(line)
    } else {
      sparse[id] = line
    }
  }
}
