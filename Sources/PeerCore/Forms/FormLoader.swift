import PeerCalendar
import PeerScript
import PeerStore

/// Turns a `form` declaration (the map the parser builds, see FormGrammar.swift) into a Form,
/// checking it as it loads: a problem is reported at its line and column with a hint, never
/// found by a coordinator halfway through a referral.
enum FormLoader {
  static func register(in interpreter: Interpreter, bridge: RecordBridge) {
    interpreter.define("|declare_form", arity: 1...1, doc: "") { [unowned interpreter] args in
      try DeclaredNames.check(args[0], in: interpreter)
      guard case .map(let decl) = args[0] else { return .null }
      let createFunction = interpreter.global("create") ?? .null
      let form = try load(decl, vm: args.vm, today: interpreter.today) { kind, fields in
        try args.vm.call(createFunction, [.text(kind.rawValue), .map(fields)])
      }
      for f in form.fields where form.kind.field(f.target) == nil {
        bridge.formFields[form.kind, default: []].insert(f.target)
      }
      for f in form.fields {
        guard let values = f.fixedChoices else { continue }
        bridge.formChoices[form.kind, default: [:]][f.target] = (form.name, values)
      }
      return .host(form)
    }
  }

  static func load(
    _ decl: MapObject, vm: VM, today: CivilDate, create: @escaping (RecordKind, MapObject) throws -> Value
  ) throws -> Form {
    let name = text(decl["name"]) ?? "form"
    var kind = RecordKind.mother
    var fields: [FormField] = []
    for entry in list(decl["entries"]) {
      guard case .map(let e) = entry, text(e["clause"]) == "creates" else { continue }
      let word = text(e["kind"]) ?? ""
      guard let k = RecordKind.named(word) else {
        throw RuntimeError.declaration(
          "a form cannot create a \"\(word)\"", at: e["place"] ?? entry,
          hint: "it creates one of: " + RecordKind.allCases.map(\.rawValue).joined(separator: ", "))
      }
      kind = k
    }
    try collect(list(decl["entries"]), section: nil, into: &fields, vm: vm)
    try checkNames(fields, outer: [], kind: kind, topLevel: true)
    try checkComputed(fields, vm: vm, today: today)
    return Form(
      name: name, title: text(decl["title"]) ?? name, kind: kind, fields: fields, vm: vm, create: create)
  }

  // MARK: - Reading the entries

  private static func collect(_ entries: [Value], section: String?, into fields: inout [FormField], vm: VM)
    throws
  {
    for entry in entries {
      guard case .map(let e) = entry else { continue }
      switch text(e["clause"]) {
      case "section":
        try collect(list(e["entries"]), section: text(e["title"]), into: &fields, vm: vm)
      case "computed":
        let f = FormField(name: text(e["name"]) ?? "", kind: .computed, place: entry)
        f.section = section
        f.compute = e["value"]
        fields.append(f)
      case "field":
        fields.append(try field(e, entry, section: section, vm: vm))
      default: break
      }
    }
  }

  private static func field(_ e: MapObject, _ entry: Value, section: String?, vm: VM) throws -> FormField {
    let typeName = text(e["type"]) ?? "text"
    let f = FormField(
      name: text(e["name"]) ?? "", kind: FormField.Kind(rawValue: typeName) ?? .text, place: entry)
    f.section = section
    f.required = e["required"]?.isTruthy ?? false
    f.help = text(e["help"])
    f.target = text(e["to"]) ?? f.name
    f.when = e["when"]
    f.whenRefs = list(e["when_refs"]).compactMap { ref in
      guard case .list(let pair) = ref else { return nil }
      return text(pair.items.first)
    }
    f.filter = e["filter"]
    f.groupTitle = text(e["title"])
    for sub in list(e["entries"]) {
      guard case .map(let c) = sub, text(c["clause"]) == "check", let test = c["test"] else { continue }
      f.checks.append(
        FormField.Check(test: test, message: text(c["message"]) ?? "this answer is not accepted"))
    }
    if case .range(let r)? = e["range"] {
      guard let lo = r.lower.asDouble, let hi = r.upper.asDouble else {
        throw RuntimeError.declaration(
          "the range of \"\(f.name)\" must be numbers", at: entry,
          hint: "write it like: minutes number 0..600")
      }
      f.range = (lo, hi)
    } else if let r = e["range"] {
      throw RuntimeError.declaration(
        "the range of \"\(f.name)\" must be a range, got \(r.kindAndValue)", at: entry,
        hint: "write it like: minutes number 0..600")
    }
    f.choiceSource = e["choices"]
    if case .list(let l)? = e["fixed_choices"] { f.fixedChoices = l.items.compactMap { text($0) } }
    if f.kind == .repeated {
      try collect(list(e["entries"]), section: nil, into: &f.group, vm: vm)
    }
    if let d = e["default"] {
      f.defaultValue = d
      if f.isChoice {
        let choices = try FormRules.allChoices(f, vm: vm)
        let labels = choices.map { $0.label.lowercased() }
        let ds: [Value] = if case .list(let l) = d { Array(l.items) } else { [d] }
        for x in ds where !labels.contains(FormRules.label(of: x).lowercased()) {
          throw RuntimeError.declaration(
            "the default of \"\(f.name)\", \(x.shortDescription), is not one of its choices", at: entry,
            hint: "the choices are " + choices.map { "\"\($0.label)\"" }.joined(separator: ", "))
        }
      } else {
        let probe = FormField(name: f.name, kind: f.kind, place: entry)
        probe.range = f.range
        do { _ = try FormRules.answer(probe, d, answers: MapObject(), vm: vm) } catch let p
          as FormRules.Problem
        {
          throw RuntimeError.declaration(
            "the default of \"\(f.name)\" \(p.message)", at: entry,
            hint: "\"\(f.name)\" is \(f.typeDescription)")
        }
      }
    }
    return f
  }

  // MARK: - Load-time checks

  /// Names used by `when`, `where` and `check` must be earlier questions; names must be unique;
  /// an answer saved in one of the record's own fields must fit it.
  private static func checkNames(_ fields: [FormField], outer: [String], kind: RecordKind, topLevel: Bool)
    throws
  {
    var earlier = outer
    let all = outer + fields.map(\.name)
    for f in fields {
      guard case .map(let e) = f.place else { continue }
      if earlier.contains(f.name) {
        throw RuntimeError.declaration(
          "the question \"\(f.name)\" appears twice", at: f.place, hint: "give each question its own name")
      }
      var refs = list(e["when_refs"]) + list(e["filter_refs"])
      if f.kind == .computed { refs += list(e["refs"]) }
      for sub in list(e["entries"]) {
        if case .map(let c) = sub, text(c["clause"]) == "check" { refs += list(c["refs"]) }
      }
      for ref in refs {
        guard case .list(let pair) = ref, pair.items.count == 2, let used = text(pair.items[0]) else {
          continue
        }
        let place = pair.items[1]
        if earlier.contains(used) || (used == f.name && f.kind != .computed) { continue }
        if all.contains(used) {
          throw RuntimeError.declaration(
            "\"\(f.name)\" depends on \"\(used)\", which is asked later", at: place,
            hint: "move \"\(used)\" above \"\(f.name)\", so it is answered first")
        }
        throw RuntimeError.declaration(
          "the form has no question \"\(used)\"", at: place,
          hint: closestMatch(to: used, in: all).map { "did you mean \"\($0)\"?" }
            ?? (earlier.isEmpty
              ? "it is the first question, so it cannot depend on another"
              : "the questions before it are " + earlier.joined(separator: ", ")))
      }
      if topLevel { try checkTarget(f, kind: kind) }
      if f.kind == .repeated { try checkNames(f.group, outer: earlier, kind: kind, topLevel: false) }
      earlier.append(f.name)
    }
  }

  /// An answer saved in a core field must be of the field's type; a name a letter away from a
  /// core field is taken for a typo rather than a new field of the project's own.
  private static func checkTarget(_ f: FormField, kind: RecordKind) throws {
    guard let spec = kind.field(f.target) else {
      let core = kind.fields.map(\.name)
      if let near = closestMatch(to: f.target, in: core), near != f.target {
        throw RuntimeError.declaration(
          "\(kind.rawValue) has no field \"\(f.target)\"", at: f.place,
          hint: "did you mean \"\(near)\"? (or give it another name to make it the project's own field)")
      }
      return
    }
    let fits: Bool
    switch spec.type {
    case .text: fits = [.text, .longText, .choice, .phone, .email, .postcode, .computed].contains(f.kind)
    case .int, .double: fits = [.number, .computed].contains(f.kind)
    case .bool: fits = [.yesno, .computed].contains(f.kind)
    case .date: fits = [.date, .computed].contains(f.kind)
    case .list: fits = [.choices, .repeated, .computed].contains(f.kind)
    case .reference: fits = [.choice, .computed].contains(f.kind)
    }
    if !fits {
      throw RuntimeError.declaration(
        "\"\(f.name)\" is \(f.typeDescription), but it is saved in \(kind.rawValue).\(spec.name), which holds \(describe(spec.type))",
        at: f.place, hint: "change its type, or save it in another field with: to OTHER_NAME")
    }
  }

  private static func describe(_ t: FieldType) -> String {
    switch t {
    case .text: return "text"
    case .int: return "a whole number"
    case .double: return "a number"
    case .bool: return "yes or no"
    case .date: return "a date"
    case .list: return "a list"
    case .reference(let k): return "a \(k.rawValue)"
    }
  }

  /// Works out each computed field from sample answers, so a type mismatch (a date where a
  /// number is needed, say) is found when the form loads.
  private static func checkComputed(_ fields: [FormField], vm: VM, today: CivilDate) throws {
    let sample = MapObject()
    for f in fields {
      if f.kind == .computed, let compute = f.compute {
        do {
          sample[f.name] = try vm.call(compute, [.map(sample)])
        } catch let e as RuntimeError {
          throw RuntimeError.declaration(
            "\"\(f.name)\" cannot be worked out: \(e.message)", at: f.place,
            hint: "it was tried with a sample answer to every question above it")
        }
      } else {
        sample[f.name] = sampleAnswer(f, today: today)
      }
    }
  }

  /// A plausible answer to `f`; a date question is answered with the session's today.
  private static func sampleAnswer(_ f: FormField, today: CivilDate) -> Value {
    switch f.kind {
    case .text, .longText: return .text("text")
    case .number: return .int(Int(f.range?.lower ?? 1))
    case .yesno: return .bool(true)
    case .date: return .date(today.days)
    case .choice: return .text("choice")
    case .choices: return .list([.text("choice")])
    case .phone: return .text("07700 900123")
    case .email: return .text("name@example.org")
    case .postcode: return .text("SW1A 1AA")
    case .repeated, .computed: return .list([])
    }
  }

  // MARK: - Reading the map

  static func text(_ v: Value?) -> String? {
    if case .string(let s)? = v { return s.value }
    return nil
  }

  static func list(_ v: Value?) -> [Value] {
    if case .list(let l)? = v { return Array(l.items) }
    return []
  }
}
