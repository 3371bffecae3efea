/// `report quarterly(q = this_quarter) { ... }`: a named report with parameters. One clause a line:
///
///     title "Activity, {q}"
///     table "Contacts by kind" [with total] = visits | where .date in q | group .kind | count
///     chart bar|stacked|line "Referrals by source" = mothers | group .referrer | count
///     text "{mothers | where .referral_date in q | count} referrals this quarter"
///     suppress under 5 [except median_days, avg_weeks] [keep capacity] [round to 5]
///     let year_visits = visits | where .date in financial_year(q.start)
///
/// Titles, tables, charts and texts become functions of the report's parameters, so they are
/// worked out each time the report runs; the host (PeerCore's Reports) gives them meaning. A
/// `let` is worked out once per run and is then an extra argument of every later line's function,
/// so several tables can share one pass over the records.
extension Parser {
  static let reportChartStyles = ["bar", "stacked", "line"]

  mutating func reportGrammar(_ decl: Declaration) throws {
    var lets: [String] = []
    decl.entries = try declarationBody("report") { p in
      if p.isKeyword("let") {
        let at = p.advance()
        let nameToken = p.token
        let name = try p.identifier("a name after \"let\"")
        if decl.parameters.contains(name) || lets.contains(name) {
          throw p.error(
            "\"\(name)\" is already a name in this report", at: nameToken, hint: "choose another name")
        }
        try p.expect("=", "\"=\" after the name, as in let year_visits = visits | where .date in q")
        p.skipNewlines()
        var entry = DeclarationEntry(clause: "let", position: at.position, length: 3)
        entry.set("name", .text(name))
        entry.set("value", .function(try p.expressionFunction(of: decl.parameters + lets, name: name)))
        lets.append(name)
        return entry
      }
      let at = p.token
      let clause = try p.identifier("a report line (title, table, chart, text, suppress or let)")
      var entry = DeclarationEntry(clause: clause, position: at.position, length: clause.count)
      let parameters = decl.parameters + lets
      switch clause {
      case "title":
        entry.set("value", .function(try p.expressionFunction(of: parameters, name: clause)))
      case "text":
        let f = try p.expressionFunction(of: parameters, name: clause)
        Parser.markFigures(in: f)
        entry.set("value", .function(f))
      case "table", "chart":
        if clause == "chart" {
          let styleToken = p.token
          let style = try p.identifier("the kind of chart (bar, stacked or line)")
          guard Parser.reportChartStyles.contains(style) else {
            throw p.error(
              "there is no \"\(style)\" chart", at: styleToken,
              hint: "the charts are bar, stacked bar and line")
          }
          // `stacked bar` reads better than `stacked`; both are accepted.
          if style == "stacked", p.isIdentifier("bar") { _ = p.advance() }
          entry.set("style", .text(style))
        }
        entry.set("title", .function(try p.expressionFunction(of: parameters, name: "\(clause) title")))
        var total = false
        if p.isIdentifier("with") {
          _ = p.advance()
          let word = p.token
          guard p.isIdentifier("total") else {
            throw p.error("expected \"total\" after \"with\", found \(p.describe(word))")
          }
          _ = p.advance()
          total = true
        }
        entry.set("total", .bool(total))
        try p.expect("=", "\"=\" and the \(clause)'s pipeline, as in \(clause) \"Title\" = visits | count")
        p.skipNewlines()  // a long pipeline may start on the next line
        entry.set("value", .function(try p.expressionFunction(of: parameters, name: clause)))
      case "suppress":
        guard p.isIdentifier("under") else {
          throw p.error("expected \"under\" and a number, as in suppress under 5")
        }
        _ = p.advance()
        guard case .int(let n) = p.token.kind, n >= 2 else {
          throw p.error(
            "expected a whole number of at least 2 after \"suppress under\", found \(p.describe(p.token))")
        }
        _ = p.advance()
        entry.set("under", .int(n))
        // `except`: figures about people that are not counts; `keep`: figures not about people.
        for word in ["except", "keep"] {
          var names: [DeclarationValue] = []
          if p.isIdentifier(word) {
            _ = p.advance()
            repeat {
              names.append(.text(try p.identifier("a column name")))
            } while p.accept(",")
          }
          entry.set(word, .list(names))
        }
        if p.isIdentifier("round") {
          _ = p.advance()
          guard p.isIdentifier("to") else {
            throw p.error("expected \"to\" and a number after \"round\", as in suppress under 5 round to 5")
          }
          _ = p.advance()
          guard case .int(let step) = p.token.kind, step >= 2 else {
            throw p.error(
              "expected a whole number of at least 2 after \"round to\", found \(p.describe(p.token))")
          }
          _ = p.advance()
          entry.set("round", .int(step))
        }
      default:
        throw p.error(
          "a report has no \"\(clause)\" line", at: at,
          hint: closestMatch(to: clause, in: ["title", "table", "chart", "text", "suppress", "let"]).map {
            "did you mean \"\($0)\"?"
          } ?? "a report's lines are title, table, chart, text, suppress and let")
      }
      return entry
    }
  }

  /// `text "{n} referrals"`: each interpolated value goes through `|report_figure`, so that the
  /// host can suppress a small count in the text as it does in the tables.
  static func markFigures(in f: FunctionDecl) {
    guard case .expression(let e)? = f.body.first?.kind, case .interpolation(let parts) = e.kind else {
      return
    }
    let marked = parts.map { part -> InterpolationPart in
      guard case .expr(let x) = part else { return part }
      return .expr(Expr(.call(Expr(.name("|report_figure"), x.position), [x]), x.position, length: x.length))
    }
    f.body = [
      Stmt(
        .expression(Expr(.interpolation(marked), e.position, length: e.length)), e.position, length: e.length)
    ]
  }
}
