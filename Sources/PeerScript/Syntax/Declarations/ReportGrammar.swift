/// `report quarterly(q = this_quarter) { ... }`: a named report with parameters. One clause a line:
///
///     title "Activity, {q}"
///     table "Contacts by kind" [with total] = visits | where .date in q | group .kind | count
///     chart bar|stacked|line "Referrals by source" = mothers | group .referrer | count
///     text "{mothers | where .referral_date in q | count} referrals this quarter"
///     suppress under 5 [except median_days, avg_weeks]
///
/// Titles, tables, charts and texts become functions of the report's parameters, so they are
/// worked out each time the report runs; the host (PeerCore's Reports) gives them meaning.
extension Parser {
  static let reportChartStyles = ["bar", "stacked", "line"]

  mutating func reportGrammar(_ decl: Declaration) throws {
    decl.entries = try declarationBody("report") { p in
      let at = p.token
      let clause = try p.identifier("a report line (title, table, chart, text or suppress)")
      var entry = DeclarationEntry(clause: clause, position: at.position, length: clause.count)
      switch clause {
      case "title", "text":
        entry.set("value", .function(try p.parameterFunction(of: decl, name: clause)))
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
        entry.set("title", .function(try p.parameterFunction(of: decl, name: "\(clause) title")))
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
        entry.set("value", .function(try p.parameterFunction(of: decl, name: clause)))
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
        var except: [DeclarationValue] = []
        if p.isIdentifier("except") {
          _ = p.advance()
          repeat {
            except.append(.text(try p.identifier("a column name")))
          } while p.accept(",")
        }
        entry.set("except", .list(except))
      default:
        throw p.error(
          "a report has no \"\(clause)\" line", at: at,
          hint: closestMatch(to: clause, in: ["title", "table", "chart", "text", "suppress"]).map {
            "did you mean \"\($0)\"?"
          } ?? "a report's lines are title, table, chart, text and suppress")
      }
      return entry
    }
  }
}
