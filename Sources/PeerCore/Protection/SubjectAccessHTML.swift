import PeerStore

extension SubjectAccess {
  /// The export as one self-contained web page a coordinator can hand over as it is: inline
  /// CSS, no scripts, nothing fetched, every text from the records escaped.
  public func html() -> String {
    func e(_ s: String) -> String { SVGWriter.escape(s) }
    func cell(_ value: FieldValue, _ type: FieldType?) -> String { e(CellFormat.text(value, type: type)) }
    let who = subjectKind == .mother ? "mother" : "volunteer"
    var out = HTMLRenderer.head(
      title: "What the project holds about \(subject)",
      moreStyle: "td.withheld { color: #777; font-style: italic; }")
    out += """
      <p class="meta">A copy of the personal data the project keeps about this \(who), produced on \(e(producedOn.iso)) in answer to a subject access request (UK GDPR, Article 15). The same content is in the JSON file beside this page.</p>
      <section>
      <h2>What was left out, and why</h2>
      <p>Other people's personal data is redacted, as the Information Commissioner's guidance expects unless they agree to its release.</p>
      <ul>

      """
    for line in redactions { out += "<li>\(e(line))</li>\n" }
    out += "</ul>\n</section>\n"

    for record in records {
      out +=
        "<section>\n<h2>\(e(record.kind.rawValue.prefix(1).uppercased() + record.kind.rawValue.dropFirst())) \(e(record.code))</h2>\n<table>\n"
      out += "<tr><th>Field</th><th>Value</th></tr>\n"
      for field in record.fields {
        out += "<tr><td>\(e(field.name))</td><td>\(cell(field.value, field.type))</td></tr>\n"
      }
      for name in record.withheld {
        out += "<tr><td>\(e(name))</td><td class=\"withheld\">withheld: \(e(redactionReason))</td></tr>\n"
      }
      out += "</table>\n</section>\n"
    }

    out += "<section>\n<h2>Tasks and flags</h2>\n"
    if workItems.isEmpty {
      out += "<p>None.</p>\n"
    } else {
      out +=
        "<table>\n<tr><th>Kind</th><th>About</th><th>Title</th><th>Due</th><th>Created</th><th>Closed</th></tr>\n"
      for item in workItems {
        let closed =
          item.closedOn.map { CellFormat.text(.date($0), type: .date) + " (\(item.closedHow ?? ""))" } ?? ""
        out +=
          "<tr><td>\(e(item.kind.rawValue))</td><td>\(e(item.record))</td><td>\(e(item.title))</td>"
          + "<td>\(cell(.date(item.due), .date))</td><td>\(cell(.date(item.createdOn), .date))</td>"
          + "<td>\(e(closed))</td></tr>\n"
      }
      out += "</table>\n"
    }
    out += "</section>\n"

    out += "<section>\n<h2>Every change to these records (the audit trail)</h2>\n"
    out +=
      "<p class=\"note\">Who made each change, when (UTC), and each field's value before and after.</p>\n"
    out +=
      "<table>\n<tr><th>When</th><th>Who</th><th>Record</th><th>What</th><th>Field</th><th>Before</th><th>After</th></tr>\n"
    for change in changes {
      let head =
        "<td>\(e(change.at))</td><td>\(e(change.user))</td><td>\(e(change.record))</td><td>\(e(change.action))</td>"
      if change.fields.isEmpty && change.withheld.isEmpty {
        out += "<tr>\(head)<td></td><td></td><td></td></tr>\n"
      }
      for field in change.fields {
        out +=
          "<tr>\(head)<td>\(e(field.name))</td><td>\(cell(field.before, field.type))</td>"
          + "<td>\(cell(field.after, field.type))</td></tr>\n"
      }
      for name in change.withheld {
        out +=
          "<tr>\(head)<td>\(e(name))</td><td class=\"withheld\" colspan=\"2\">withheld: \(e(redactionReason))</td></tr>\n"
      }
    }
    out += "</table>\n</section>\n</body>\n</html>\n"
    return out
  }

  /// Why a withheld field is withheld, in a few words.
  private var redactionReason: String {
    subjectKind == .mother ? "another person's data" : "it describes the mother"
  }
}
