import PeerScript

/// A blank form to send to referrers: every question with its help, its choices, whether it is
/// required and when it is asked. Markdown, or self-contained HTML.
public enum FormDocument {
  /// The blank form a script declared as `name`, as Markdown or HTML (`peer form NAME --print`).
  public static func render(formNamed name: String, session: Session, html: Bool) throws -> String {
    guard let form = try FormSubmission.form(named: name, in: session) as? Form else { return "" }
    return try html ? Self.html(form) : markdown(form)
  }

  static func markdown(_ form: Form) throws -> String {
    var out = "# \(form.title)\n"
    var section: String?
    var number = 0
    func write(_ f: FormField, indent: String) throws {
      if f.kind == .computed { return }
      number += indent.isEmpty ? 1 : 0
      let lead = indent.isEmpty ? "\(number). " : "\(indent)- "
      out += "\n\(lead)**\(question(f))**" + (f.required ? " (required)" : "") + " - \(f.typeDescription)\n"
      let more = indent + "   "
      if let help = f.help { out += "\(more)_\(help)_\n" }
      if let when = condition(f) { out += "\(more)Only if: \(when)\n" }
      for c in f.checks { out += "\(more)Must hold: \(c.message)\n" }
      if f.isChoice {
        let labels = try choices(f, form.vm).map(\.label)
        if labels.count > longList {
          out +=
            "\(more)Write \(f.kind == .choice ? "one" : "any") of \(labels.count) choices, such as "
            + FormRules.listed(labels, limit: 5) + "\n"
        } else {
          out +=
            "\(more)" + (f.kind == .choice ? "Choose one: " : "Choose any: ")
            + labels.map { "☐ \($0)" }.joined(separator: "  ") + "\n"
        }
      }
      if f.kind == .repeated {
        out += "\(more)For each one:\n"
        for g in f.group { try write(g, indent: more) }
      }
    }
    for f in form.fields {
      if f.section != section, let s = f.section { out += "\n## \(s)\n" }
      section = f.section
      try write(f, indent: "")
    }
    return out
  }

  static func html(_ form: Form) throws -> String {
    var body = ""
    var section: String?
    func write(_ f: FormField) throws {
      if f.kind == .computed { return }
      body +=
        "<li><p><b>\(escape(question(f)))</b>" + (f.required ? " <em>(required)</em>" : "")
        + " <span class=\"type\">\(escape(f.typeDescription))</span></p>\n"
      if let help = f.help { body += "<p class=\"help\">\(escape(help))</p>\n" }
      if let when = condition(f) { body += "<p class=\"when\">Only if: \(escape(when))</p>\n" }
      for c in f.checks { body += "<p class=\"check\">Must hold: \(escape(c.message))</p>\n" }
      if f.isChoice, try choices(f, form.vm).count > longList {
        let labels = try choices(f, form.vm).map(\.label)
        body +=
          "<p class=\"help\">Write \(f.kind == .choice ? "one" : "any") of \(labels.count) choices, such as \(escape(FormRules.listed(labels, limit: 5)))</p><div class=\"answer\"></div>\n"
      } else if f.isChoice {
        let items = try choices(f, form.vm).map { "<li>☐ \(escape($0.label))</li>" }
        body += "<ul class=\"choices\">" + items.joined() + "</ul>\n"
      } else if f.kind == .repeated {
        body += "<ol>\n"
        for g in f.group { try write(g) }
        body += "</ol>\n"
      } else {
        body += "<div class=\"answer\"></div>\n"
      }
      body += "</li>\n"
    }
    for f in form.fields {
      if f.section != section {
        if section != nil || f.section != nil { body += "</ol>\n" }
        if let s = f.section { body += "<h2>\(escape(s))</h2>\n" }
        body += "<ol>\n"
      } else if body.isEmpty {
        body += "<ol>\n"
      }
      section = f.section
      try write(f)
    }
    body += "</ol>\n"
    return """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8"><title>\(escape(form.title))</title>
      <style>body{font-family:sans-serif;max-width:40em;margin:2em auto}.help,.when,.check{color:#555;margin:.2em 0}
      .type{color:#777;font-size:.9em}.answer{border-bottom:1px solid #999;height:1.6em;margin-bottom:1em}
      .choices{list-style:none;padding-left:1em}</style></head>
      <body><h1>\(escape(form.title))</h1>
      \(body)</body></html>

      """
  }

  /// More choices than a page can tick (matches, services): the page asks for one to be written.
  static let longList = 30

  /// Every choice (before filters), read when the document is made.
  static func choices(_ f: FormField, _ vm: VM) throws -> [(label: String, value: Value)] {
    try FormRules.allChoices(f, vm: vm)
  }

  /// "due date" for due_date.
  static func question(_ f: FormField) -> String {
    let words = f.name.replacingAll("_", with: " ")
    return words.prefix(1).uppercased() + words.dropFirst()
  }

  /// When the question is asked, in words: a simple `when` as the form's grammar described it
  /// (FormCondition), or else the questions it depends on.
  static func condition(_ f: FormField) -> String? {
    guard f.when != nil, case .map(let e) = f.place, case .list(let refs)? = e["when_refs"] else {
      return nil
    }
    if let shape = QueryShapeConstant<ItemCondition>.shape(of: e["when_shape"]),
      case .list(let constants)? = e["when_constants"],
      let words = FormCondition.words(shape, constants: constants.items, question: label)
    {
      return words
    }
    let names = refs.items.compactMap { r -> String? in
      guard case .list(let pair) = r, let n = FormLoader.text(pair.items.first) else { return nil }
      return "\"\(label(n))\""
    }
    return names.isEmpty ? "in some cases" : "depending on the answer to " + names.joined(separator: " and ")
  }

  /// A question's name as the page shows it: "Due date" for due_date.
  static func label(_ name: String) -> String { question(FormField(name: name, kind: .text, place: .null)) }

  static func escape(_ s: String) -> String { SVGWriter.escape(s) }
}
