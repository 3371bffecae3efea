import Foundation
import PeerScript
import PeerStore

/// Filling a form from data: every row of a CSV file or every object of a JSON list goes through
/// the form's own rules (the same as `referral.submit` and the interactive questions), all or
/// nothing, with each problem at its place: `file.csv:ROW:COLUMN: message`.
public enum FormSubmission {
  /// One set of answers and where it came from, for messages.
  struct Row {
    var answers: MapObject
    /// "referrals.csv:3" (with `column` naming the columns) or "referrals.json: item 3".
    var place: String
    var columns: [String: Int] = [:]
    /// The row's cells as they were in a CSV file, for a reject file.
    var cells: [String] = []
    /// The object as it was in a JSON file, for a reject file.
    var original: Any?
  }

  /// The names of the forms the scripts declared, in order.
  public static func formNames(in session: Session) -> [String] {
    session.interpreter.globalNames.filter {
      if case .host(let h)? = session.interpreter.global($0) { return h is Form }
      return false
    }.sorted()
  }

  /// The kind of record the form `name` creates, or nil when there is no such form.
  public static func kind(ofForm name: String, in session: Session) -> RecordKind? {
    if case .host(let f as Form)? = session.interpreter.global(name) { return f.kind }
    return nil
  }

  /// The form a script declared, or an error naming the forms there are.
  public static func form(named name: String, in session: Session) throws -> HostObject {
    if case .host(let f as Form)? = session.interpreter.global(name) { return f }
    let forms = formNames(in: session)
    throw ImportError(
      problems: [
        "there is no form called \"\(name)\""
          + (forms.isEmpty
            ? " (the project's scripts declare no forms)"
            : "; the forms are: " + forms.joined(separator: ", "))
      ])
  }

  /// Imports `path` (CSV with a header row naming the questions, or a JSON list of objects) as
  /// records through the form `formName`. All or nothing: when any row has a problem nothing is
  /// written (an `ImportError` lists them), unless `skipBad`: then the good rows are saved and
  /// the bad ones are written, as they were with an `error` column (or key) added, to
  /// `rejectPath` (default `FILE-rejects.csv`, or `.json`), as the plain import does.
  public static func importFile(
    path: String, formName: String, kind: RecordKind, session: Session, skipBad: Bool = false,
    rejectPath: String? = nil
  ) throws -> ImportReport {
    guard let form = try form(named: formName, in: session) as? Form, let bridge = session.bridge else {
      return ImportReport(imported: 0, rejected: 0, problems: [], moreProblems: 0, rejectPath: nil)
    }
    guard form.kind == kind else {
      throw ImportError(
        problems: [
          "the form \(formName) creates \(form.kind.plural), not \(kind.plural): use peer import \(form.kind.plural) --form \(formName)"
        ])
    }
    let fileName = path.split(separator: "/").last.map(String.init) ?? path
    let json = path.lowercased().hasSuffix(".json")
    let (header, rows) = json ? ([], try jsonRows(path, fileName)) : try csvRows(path, fileName)
    let rejects = RejectFile(
      path: skipBad ? (rejectPath ?? defaultRejectPath(path, json: json)) : nil, header: header, json: json)
    let limit = Importer.problemLimit
    var problems: [String] = []
    var moreProblems = 0
    func note(_ problem: String) {
      if problems.count < limit { problems.append(problem) } else { moreProblems += 1 }
    }
    let imported: Int = try bridge.inTransaction {
      var badRows = 0
      var accepted: [(row: Row, answers: MapObject)] = []
      for row in rows {
        let result = try form.validate(row.answers, vm: session.interpreter.vm)
        if result.problems.isEmpty {
          accepted.append((row, result.answers))
          continue
        }
        badRows += 1
        var reasons: [String] = []
        for p in result.problems {
          let question = String(p.field.prefix { $0 != "[" })
          reasons.append("\(p.field): \(p.message)")
          if row.columns.isEmpty {
            note("\(row.place): \(p.field): \(p.message)")
          } else if let column = row.columns[question] {
            note("\(row.place):\(column): \(p.field): \(p.message)")
          } else {
            note("\(row.place): \(p.field) (no such column): \(p.message)")
          }
        }
        try rejects.add(row, reasons.joined(separator: "; "))
      }
      if badRows > 0 && !skipBad {
        throw ImportError(problems: problems, moreProblems: moreProblems, badRows: badRows)
      }
      var saved = 0
      for (row, answers) in accepted {
        do {
          _ = try form.save(answers)
          saved += 1
        } catch let e as RuntimeError {
          // The record's own rules refused it (they run before anything is written).
          let reason = "a record could not be saved: " + (e.hint.map { "\(e.message); \($0)" } ?? e.message)
          guard skipBad else { throw ImportError(problems: ["\(row.place): \(reason)"]) }
          note("\(row.place): \(reason)")
          try rejects.add(row, reason)
        }
      }
      return saved
    }
    try rejects.close()
    return ImportReport(
      imported: imported, rejected: rejects.count, problems: problems, moreProblems: moreProblems,
      rejectPath: rejects.count > 0 ? rejects.path : nil)
  }

  /// `referrals.csv` → `referrals-rejects.csv` (and `.json` → `-rejects.json`), beside it.
  static func defaultRejectPath(_ path: String, json: Bool) -> String {
    guard json else { return Importer.defaultRejectPath(path) }
    return String(path.dropLast(5)) + "-rejects.json"
  }

  /// The bad rows of a `--skip-bad` import, as they were in the file with what was wrong added
  /// (a last `error` column of a CSV file; an `error` key of each JSON object).
  final class RejectFile {
    let path: String?
    let header: [String]
    let json: Bool
    private(set) var count = 0
    private var csv: TextOutput?
    private var objects: [Any] = []

    init(path: String?, header: [String], json: Bool) {
      self.path = path
      self.header = header
      self.json = json
    }

    func add(_ row: Row, _ error: String) throws {
      count += 1
      if json {
        var object = row.original as? [String: Any] ?? [:]
        object["error"] = error
        objects.append(object)
        return
      }
      guard let path else { return }
      if csv == nil {
        let out = try TextOutput.file(path)
        out.write((header + ["error"]).map(CellFormat.csvCell).joined(separator: ",") + "\n")
        csv = out
      }
      csv?.write((row.cells + [error]).map(CellFormat.csvCell).joined(separator: ",") + "\n")
    }

    func close() throws {
      if let csv { try csv.close() }
      guard json, count > 0, let path else { return }
      let data = try JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys])
      // The rows hold personal data: written like every file peer writes (OutputFile), whole,
      // owner-only and never through a link.
      try OutputFile.write(String(decoding: data, as: UTF8.self) + "\n", to: path)
    }
  }

  static func csvRows(_ path: String, _ fileName: String) throws -> (header: [String], rows: [Row]) {
    let scanner = try CSVScanner(path: path)
    guard try scanner.nextRow() else {
      throw ImportError(problems: ["\(fileName) is empty: it needs a header row naming the questions"])
    }
    let rawHeader = scanner.row()
    let header = rawHeader.map { $0.trimmingSpaces }
    var columns: [String: Int] = [:]
    for (i, name) in header.enumerated() { columns[name] = i + 1 }
    var rows: [Row] = []
    while try scanner.nextRow() {
      let cells = scanner.row()
      if cells.allSatisfy({ $0.trimmingSpaces.isEmpty }) { continue }
      let answers = MapObject()
      for (i, cell) in cells.enumerated() where i < header.count && !cell.trimmingSpaces.isEmpty {
        answers[header[i]] = .text(CellFormat.unguarded(cell))
      }
      rows.append(
        Row(answers: answers, place: "\(fileName):\(scanner.rowLine)", columns: columns, cells: cells))
    }
    return (rawHeader, rows)
  }

  static func jsonRows(_ path: String, _ fileName: String) throws -> [Row] {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ImportError(problems: ["\(fileName) cannot be read"])
    }
    let parsed: Any
    do { parsed = try JSONSerialization.jsonObject(with: data) } catch {
      throw ImportError(problems: ["\(fileName) is not valid JSON"])
    }
    guard let list = parsed as? [Any] else {
      throw ImportError(problems: ["\(fileName) must hold a list of answers: [{\"name\": ...}, ...]"])
    }
    return try list.enumerated().map { i, item in
      guard case .map(let m) = value(item) else {
        throw ImportError(problems: ["\(fileName): item \(i + 1) is not an object of answers"])
      }
      return Row(answers: m, place: "\(fileName): item \(i + 1)", original: item)
    }
  }

  /// JSON as the language's values; texts stay texts and are read by the form's rules.
  static func value(_ any: Any) -> Value {
    switch any {
    case let s as String: return .text(s)
    case let n as NSNumber:
      if String(cString: n.objCType) == "c" { return .bool(n.boolValue) }
      let d = n.doubleValue
      return d == d.rounded() && abs(d) < 9e15 ? .int(Int(d)) : .float(d)
    case let l as [Any]: return .list(l.map(value))
    case let m as [String: Any]:
      let out = MapObject()
      for (k, v) in m.sorted(by: { $0.key < $1.key }) { out[k] = value(v) }
      return .map(out)
    default: return .null
    }
  }
}
