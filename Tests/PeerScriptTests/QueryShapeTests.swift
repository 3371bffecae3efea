import Testing

@testable import PeerScript

/// The query shapes the compiler works out (QueryShape.swift): each form of `ItemCondition`
/// and `ItemValue` from the source a script writes. Hosts test what they make of them
/// (PushdownTests compares the store's answers with the VM's).
@Suite("Query shapes")
struct QueryShapeTests {
  /// The first stage's function of the pipeline `text`.
  func stageFunction(_ text: String) -> FunctionDecl? {
    let (main, diagnostics) = Parser.parse(Source(name: "t", text: text))
    guard diagnostics.isEmpty, case .expression(let e)? = main.body.first?.kind,
      case .pipeline(_, let stages) = e.kind, let key = stages.first?.keys.first
    else { return nil }
    return key.0
  }

  /// The shape of `xs | where CONDITION`.
  func condition(_ text: String) -> ItemCondition? {
    stageFunction("xs | where " + text).flatMap { QueryShape.analyse($0)?.shape }
  }

  /// The shape of `xs | group VALUE | count`.
  func value(_ text: String) -> ItemValue? {
    stageFunction("xs | group " + text + " | count").flatMap { QueryShape.analyseValue($0)?.shape }
  }

  @Test func comparisonsTakeTheConstantsSideAndFlip() {
    #expect(condition(".minutes > 30") == .compare(.greater, .path(["minutes"]), constant: 0))
    #expect(condition("30 < .minutes") == .compare(.greater, .path(["minutes"]), constant: 0))
    #expect(condition(".match.kind == k") == .compare(.equal, .path(["match", "kind"]), constant: 0))
    #expect(condition(".a < .b") == nil)
  }

  @Test func membershipOffsetsAndTruth() {
    #expect(condition(".date in this_quarter") == .isIn(path: ["date"], constant: 0))
    #expect(condition("\"practical\" in .support") == .has(path: ["support"], constant: 0))
    #expect(
      condition("today - .referral_date > 28 days")
        == .offset(.greater, path: ["referral_date"], .constantMinusField, by: 0, constant: 1))
    #expect(
      condition("d <= .due_date + 2 weeks")
        == .offset(.greaterOrEqual, path: ["due_date"], .fieldPlusConstant, by: 0, constant: 1))
    #expect(
      condition(".date - 1 day < d")
        == .offset(.less, path: ["date"], .fieldMinusConstant, by: 0, constant: 1))
    #expect(condition(".planned") == .truthy(path: ["planned"]))
    #expect(
      condition(".a == 1 and not (.b or .c)")
        == .and(
          .compare(.equal, .path(["a"]), constant: 0), .not(.or(.truthy(path: ["b"]), .truthy(path: ["c"])))))
  }

  @Test func countsOfRelatedItems() {
    #expect(
      condition("(.visits | where .minutes > 30 | count) == 0")
        == .compare(
          .equal,
          .count(
            path: ["visits"], where: .compare(.greater, .path(["minutes"]), constant: 0), lenFunction: nil),
          constant: 1))
    #expect(
      condition("len(.visits) > 2")
        == .compare(.greater, .count(path: ["visits"], where: nil, lenFunction: 0), constant: 1))
  }

  @Test func valuesOfItems() {
    #expect(value(".match.mother.site") == .path(["match", "mother", "site"]))
    #expect(value("month(.date)") == .period(.month, .path(["date"]), function: 0))
    #expect(
      value("[.site, financial_year(.date)]")
        == .list([.path(["site"]), .period(.financialYear, .path(["date"]), function: 0)]))
    #expect(
      value("days_between(.date, today)")
        == .call("days_between", [.path(["date"]), .constant(0)], function: 1))
    #expect(value(".minutes / 60") == .arithmetic(.divide, .path(["minutes"]), .constant(0)))
    // A call of one argument may be a function of the script's own: the host is given its
    // body in its place when it has one (below), and refuses the call otherwise.
    #expect(value("upper(.name)") == .applied(function: 0, to: ["name"]))
    #expect(value("outcome(it)") == .applied(function: 0, to: []))
    #expect(value("pad_left(.name, 3)") == nil)
    #expect(
      value("(if .a == 1 { \"one\" } else if .planned { 2 } else { nil })")
        == .choose(
          [
            ItemBranch(condition: .compare(.equal, .path(["a"]), constant: 0), value: .constant(1)),
            ItemBranch(condition: .truthy(path: ["planned"]), value: .constant(2)),
          ], otherwise: .constant(3)))
  }

  /// The shape of the first function declared in `text`.
  func body(_ text: String) -> FunctionShape? {
    let (main, diagnostics) = Parser.parse(Source(name: "t", text: text))
    guard diagnostics.isEmpty, case .function(let decl)? = main.body.first?.kind else { return nil }
    return QueryShape.functionShape(decl)
  }

  @Test func aFunctionsBodyOverItsParameter() {
    let outcome = body("fn outcome(m) { if m.status == \"declined\" { \"no\" } else { m.site } }")
    #expect(
      outcome?.value
        == .choose(
          [ItemBranch(condition: .compare(.equal, .path(["status"]), constant: 0), value: .constant(1))],
          otherwise: .path(["site"])))
    #expect(outcome?.constants.map(\.description) == ["declined", "no"])
    // An `if` without `else` at the end gives nil; negative numbers and lists are literals.
    let bands = body("fn band(v) { if v.minutes in [-1, 2] { -3 } }")
    #expect(
      bands?.value
        == .choose(
          [ItemBranch(condition: .isIn(path: ["minutes"], constant: 0), value: .constant(1))],
          otherwise: .constant(2)))
    #expect(bands?.constants.map(\.description) == ["[-1, 2]", "-3", "nil"])
    // Any other name, a call, two statements or two parameters: no shape.
    #expect(body("fn f(v) { v.minutes < cut }") == nil)
    #expect(body("fn f(v) { month(v.date) }") == nil)
    #expect(body("fn f(v) {\n  let x = v.minutes\n  x\n}") == nil)
    #expect(body("fn f(v, w) { v.minutes }") == nil)
    #expect(body("fn f(it) { it.minutes }") == nil)
  }
}
