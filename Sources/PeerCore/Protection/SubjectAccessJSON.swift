import PeerCalendar
import PeerStore

extension SubjectAccess {
  /// The export as one JSON object, for the person to keep or take to another service: the same
  /// content as the page, values typed as `peer export --format json` writes them.
  public func json() -> String {
    func quoted(_ s: String) -> String { CellFormat.quoted(s) }
    func list(_ items: [String], indent: String) -> String {
      items.isEmpty
        ? "[]" : "[\n" + items.map { indent + "  " + $0 }.joined(separator: ",\n") + "\n\(indent)]"
    }
    func object(_ pairs: [(String, String)]) -> String {
      "{" + pairs.map { quoted($0.0) + ": " + $0.1 }.joined(separator: ", ") + "}"
    }

    let recordsJSON = records.map { r in
      object([
        ("kind", quoted(r.kind.rawValue)), ("id", quoted(r.code)),
        ("fields", object(r.fields.map { ($0.name, CellFormat.json($0.value, type: $0.type)) })),
        ("withheld", "[" + r.withheld.map(quoted).joined(separator: ", ") + "]"),
      ])
    }
    let itemsJSON = workItems.map { item in
      object([
        ("kind", quoted(item.kind.rawValue)), ("record", quoted(item.record)), ("title", quoted(item.title)),
        ("rule", quoted(item.rule)), ("due", quoted(ISODate.text(item.due))),
        ("created_on", quoted(ISODate.text(item.createdOn))),
        ("closed_on", item.closedOn.map { quoted(ISODate.text($0)) } ?? "null"),
        ("closed_how", item.closedHow.map(quoted) ?? "null"),
      ])
    }
    let changesJSON = changes.map { c in
      object([
        ("seq", String(c.sequence)), ("at", quoted(c.at)), ("by", quoted(c.user)),
        ("record", quoted(c.record)),
        ("action", quoted(c.action)),
        (
          "changes",
          object(
            c.fields.map {
              (
                $0.name,
                object([
                  ("before", CellFormat.json($0.before, type: $0.type)),
                  ("after", CellFormat.json($0.after, type: $0.type)),
                ])
              )
            })
        ),
        ("withheld", "[" + c.withheld.map(quoted).joined(separator: ", ") + "]"),
      ])
    }
    return """
      {
        "subject": \(quoted(subject)),
        "kind": \(quoted(subjectKind.rawValue)),
        "produced_on": \(quoted(producedOn.iso)),
        "redacted": \(list(redactions.map(quoted), indent: "  ")),
        "records": \(list(recordsJSON, indent: "  ")),
        "tasks_and_flags": \(list(itemsJSON, indent: "  ")),
        "audit": \(list(changesJSON, indent: "  "))
      }

      """
  }
}
