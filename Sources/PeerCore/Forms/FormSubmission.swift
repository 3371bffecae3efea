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
  }

  /// The form a script declared, or an error naming the forms there are.
  public static func form(named name: String, in session: Session) throws -> HostObject {
    if case .host(let f as Form)? = session.interpreter.global(name) { return f }
    let forms = session.interpreter.globalNames.filter {
      if case .host(let h)? = session.interpreter.global($0) { return h is Form }
      return false
    }.sorted()
    throw ImportError(
      problems: [
        "there is no form called \"\(name)\""
          + (forms.isEmpty
            ? " (the project's scripts declare no forms)"
            : "; the forms are: " + forms.joined(separator: ", "))
      ])
  }

  /// Imports `path` (CSV with a header row naming the questions, or a JSON list of objects) as
  /// records through the form `formName`; returns how many were made. Nothing is written when
  /// any row has a problem.
  public static func importFile(path: String, formName: String, kind: RecordKind, session: Session) throws
    -> Int
  {
    guard let form = try form(named: formName, in: session) as? Form, let bridge = session.bridge else {
      return 0
    }
    guard form.kind == kind else {
      throw ImportError(
        problems: [
          "the form \(formName) creates \(form.kind.plural), not \(kind.plural): use peer import \(form.kind.plural) --form \(formName)"
        ])
    }
    let fileName = path.split(separator: "/").last.map(String.init) ?? path
    let rows =
      path.lowercased().hasSuffix(".json") ? try jsonRows(path, fileName) : try csvRows(path, fileName)
    return try bridge.inTransaction {
      var problems: [String] = []
      var badRows = 0
      var accepted: [MapObject] = []
      for row in rows {
        let result = try form.validate(row.answers, vm: session.interpreter.vm)
        if result.problems.isEmpty {
          accepted.append(result.answers)
          continue
        }
        badRows += 1
        for p in result.problems {
          let question = String(p.field.prefix { $0 != "[" })
          if row.columns.isEmpty {
            problems.append("\(row.place): \(p.field): \(p.message)")
          } else if let column = row.columns[question] {
            problems.append("\(row.place):\(column): \(p.field): \(p.message)")
          } else {
            problems.append("\(row.place): \(p.field) (no such column): \(p.message)")
          }
        }
      }
      if badRows > 0 {
        let limit = Importer.problemLimit
        var error = ImportError(
          problems: Array(problems.prefix(limit)), moreProblems: max(0, problems.count - limit))
        error.problems.append(
          "nothing was imported: \(badRows) bad row\(badRows == 1 ? "" : "s") (fix \(badRows == 1 ? "it" : "them") and import the file again)"
        )
        throw error
      }
      for answers in accepted {
        do { _ = try form.save(answers) } catch let e as RuntimeError {
          throw ImportError(problems: ["\(fileName): a record could not be saved: \(e.message)"])
        }
      }
      return accepted.count
    }
  }

  static func csvRows(_ path: String, _ fileName: String) throws -> [Row] {
    let scanner = try CSVScanner(path: path)
    guard try scanner.nextRow() else {
      throw ImportError(problems: ["\(fileName) is empty: it needs a header row naming the questions"])
    }
    let header = scanner.row().map { $0.trimmingSpaces }
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
      rows.append(Row(answers: answers, place: "\(fileName):\(scanner.rowLine)", columns: columns))
    }
    return rows
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
      return Row(answers: m, place: "\(fileName): item \(i + 1)")
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
