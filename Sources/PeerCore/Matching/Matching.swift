import PeerScript
import PeerStore

/// The matching built-ins: `|declare_match` (a `match score(m, v) { }` declaration), `suggest`,
/// `suggest_all`, `accept`, `distance` and `postcode_district`. Nothing is matched until the
/// coordinator accepts, and accepting goes through `match(...)`, so every integrity rule holds.
enum Matching {
  /// What the session remembers: the score declared last (the project's) and the districts.
  final class State {
    var score: MatchScore?
    let districts = PostcodeDistricts()
    /// Postcode -> its district's centre, so scoring two thousand pairs parses each once.
    var places: [String: PostcodeDistricts.Place?] = [:]
  }

  static func register(in interpreter: Interpreter, bridge: RecordBridge) {
    let state = State()
    // The lifecycle's own `match`, kept even if a script later uses the name for something else.
    let matchOperation = interpreter.global("match") ?? .null

    interpreter.define("|declare_match", arity: 1...1, doc: "") { [unowned interpreter] args in
      try DeclaredNames.check(args[0], in: interpreter)
      let score = try MatchScore.make(from: try args.map(0))
      state.score = score
      return .host(score)
    }

    func score(_ args: Arguments, from index: Int) throws -> MatchScore {
      for i in index..<args.count {
        if case .host(let h) = args[i], let s = h as? MatchScore { return s }
      }
      guard let s = state.score else {
        throw RuntimeError(
          "no match score is declared yet",
          hint:
            "declare one in a project script, such as: match score(m, v) { +3 \"speaks {m.language}\" if m.language in v.languages }"
        )
      }
      return s
    }

    interpreter.define(
      "suggest", arity: 1...3,
      doc:
        "suggest(mother, n = 10) - the n volunteers who suit her best, with each criterion's points side by side"
    ) { args in
      try bridge.permit(.match)
      let mother = try recordArgument(args, 0, .mother)
      if case .record(let r) = mother { try bridge.refuseRestricted(r, "suggest volunteers for") }
      var limit = 10
      for i in 1..<max(1, args.count) where args[i].asDouble != nil { limit = max(0, try args.int(i)) }
      let pool = try Pool.active(bridge)
      return try Suggestions.forMother(
        mother, pool: pool, score: try score(args, from: 1), limit: limit, vm: args.vm)
    }

    interpreter.define(
      "suggest_all", arity: 0...2,
      doc:
        "suggest_all(mothers = the waiting list) - the matches that give the most mothers a volunteer and then the highest total score, compared with greedy; accept(plan) makes them"
    ) { args in
      try bridge.permit(.match)
      var waiting: [Value]
      if args.count > 0, !(args[0].isScore) {
        waiting = try list(args[0], "suggest_all")
      } else {
        let restricted = try bridge.restrictedIDs(.mother)
        waiting = try bridge.writer().find(.mother, where: "status", equals: .text("waiting"))
          .filter { restricted[$0.id] == nil }.map(bridge.value)
      }
      waiting = try waiting.map { m in
        guard case .record(let r) = m, bridge.kind(of: r) == .mother else {
          throw RuntimeError("suggest_all needs mothers, but the list holds \(m.shortDescription)")
        }
        return .record(r)
      }
      let pool = try Pool.active(bridge)
      return .host(
        try Suggestions.plan(for: waiting, pool: pool, score: try score(args, from: 0), vm: args.vm))
    }

    interpreter.define(
      "explain", arity: 2...3,
      doc:
        "explain(mother, volunteer) - each criterion's points and reason for the pair, any requirement it fails, and the total"
    ) { args in
      let m = try recordArgument(args, 0, .mother)
      let v = try recordArgument(args, 1, .volunteer)
      return try score(args, from: 2).explanationRows(m, v, vm: args.vm)
    }

    interpreter.define(
      "accept", arity: 1...1,
      doc:
        "accept(suggestions) - make the matches of a plan from suggest_all, or of one row (or a list of rows) of suggest"
    ) { args in
      let rows: [Value]
      switch args[0] {
      case .host(let h as MatchPlan): rows = h.rows
      case .map: rows = [args[0]]
      case .list(let l): rows = Array(l.items)
      default: throw args.typeError(0, expected: "a plan from suggest_all or rows from suggest")
      }
      var made = ContiguousArray<Value>()
      for row in rows {
        guard case .map(let r) = row, let m = r["mother"], let v = r["volunteer"] else {
          throw RuntimeError(
            "accept needs rows with a mother and a volunteer, such as those of suggest(M-0042), but got \(row.shortDescription)"
          )
        }
        made.append(try args.vm.call(matchOperation, [m, v, r["why"] ?? .null]))
      }
      return .list(ListObject(made))
    }

    interpreter.define(
      "distance", arity: 2...2,
      doc:
        "distance(a, b) - km in a straight line between the centres of two postcode districts (records or postcodes); nil if unknown"
    ) { args in
      func place(_ i: Int) throws -> PostcodeDistricts.Place? {
        var postcode: Value = args[i]
        if case .record(let r) = postcode { postcode = r["postcode"] ?? .null }
        guard case .string(let s) = postcode else {
          if case .null = postcode { return nil }
          throw args.typeError(i, expected: "a mother, a volunteer or a postcode")
        }
        if let cached = state.places[s.value] { return cached }
        let found = state.districts.place(of: s.value)
        state.places[s.value] = found
        return found
      }
      guard let a = try place(0), let b = try place(1) else { return .null }
      return .float((PostcodeDistricts.kilometres(a, b) * 10).rounded() / 10)
    }

    interpreter.define(
      "postcode_district", arity: 3...3,
      doc:
        "postcode_district(\"LS6\", latitude, longitude) - where a postcode district's centre is, for distance()"
    ) { args in
      let code = try args.string(0)
      guard let district = PostcodeDistricts.district(of: code), district.count <= 4 else {
        throw RuntimeError(
          "\"\(code)\" is not a postcode district", hint: "a district is the first part, such as \"LS6\"")
      }
      let latitude = try args.number(1)
      let longitude = try args.number(2)
      guard (49...61).contains(latitude), (-9...2).contains(longitude) else {
        throw RuntimeError(
          "\(latitude), \(longitude) is not in the UK",
          hint: "give the latitude first, then the longitude (west is negative)")
      }
      state.districts.centres[district] = PostcodeDistricts.Place(latitude: latitude, longitude: longitude)
      state.places = [:]
      return .null
    }
  }

  // MARK: - Helpers shared by the matching files

  static func recordArgument(_ args: Arguments, _ i: Int, _ kind: RecordKind) throws -> Value {
    let v = args[i]
    guard case .record(let r) = v, r.type.name == kind.rawValue else {
      throw args.typeError(i, expected: "a \(kind.rawValue) (like \(kind.code(for: 42)))")
    }
    return v
  }

  static func list(_ value: Value, _ what: String) throws -> [Value] {
    switch value {
    case .list(let l): return Array(l.items)
    case .host(let h):
      if let items = try h.items() { return Array(items) }
    default: break
    }
    throw RuntimeError("\(what) needs a list of mothers, but got \(value.shortDescription)")
  }

  /// A whole number shows as one (3, not 3.0).
  static func number(_ x: Double) -> Value {
    x == x.rounded() && abs(x) < 1e15 ? .int(Int(x)) : .float(x)
  }

  static func roundedText(_ x: Double) -> String { number((x * 10).rounded() / 10).description }

  static func row(_ cells: [(String, Value)]) -> Value {
    let m = MapObject()
    for (k, v) in cells { m[k] = v }
    return .map(m)
  }
}

extension Value {
  fileprivate var isScore: Bool {
    if case .host(let h) = self { return h is MatchScore }
    return false
  }
}
