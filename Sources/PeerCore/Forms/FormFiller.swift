import PeerScript

/// Filling a form question by question (`peer form referral`, `fill referral` in the REPL). It
/// holds the answers given so far; each step works out the next question from them (skipping
/// those whose `when` is false), so going back one question is forgetting the last answer.
/// Answers are read and checked by FormRules, and the final answers go once more through the
/// form's `validate` before `save`: the same rules as a CSV row or `referral.submit`.
public final class FormFiller {
  public struct Question {
    /// Where in the form: "name", or "children[2].born" in a repeated group.
    public let key: String
    public let prompt: String
    public let help: String?
    /// Numbered choices to show (already filtered by earlier answers).
    public let choices: [String]
    public let multiple: Bool
    public let required: Bool
    public let expects: String
    /// Shown in brackets; an empty answer takes it.
    public let defaultText: String?
    public let section: String?
  }

  let form: Form
  let vm: VM
  /// Answers by key, in the order given (the last is the one "back" forgets).
  private var given: [(key: String, value: Value?)] = []

  init(form: Form, vm: VM) {
    self.form = form
    self.vm = vm
  }

  /// A filler for the form a script declared as `name`.
  public convenience init(formNamed name: String, session: Session) throws {
    guard let form = try FormSubmission.form(named: name, in: session) as? Form else {
      throw RuntimeError("there is no form called \"\(name)\"")
    }
    self.init(form: form, vm: session.interpreter.vm)
  }

  public var title: String { form.title }
  public var canGoBack: Bool { !given.isEmpty }

  public func back() {
    if !given.isEmpty { given.removeLast() }
    replacing = nil
  }

  /// Where the answer being changed (`change`) goes back in, so the summary keeps its order.
  private var replacing: (key: String, index: Int)?

  /// Forgets the answer on line `number` (from 1) of the summary, so that the next question is
  /// that one again; every other answer is kept. False when there is no such line.
  public func change(_ number: Int) -> Bool {
    let lines = summaryEntries()
    guard number >= 1, number <= lines.count else { return false }
    let index = lines[number - 1]
    replacing = (given[index].key, index)
    given.remove(at: index)
    return true
  }

  private func record(_ key: String, _ value: Value?) {
    if let r = replacing, r.key == key, r.index <= given.count {
      given.insert((key, value), at: r.index)
    } else {
      given.append((key, value))
    }
    replacing = nil
  }

  private func value(_ key: String) -> Value?? {
    given.last(where: { $0.key == key }).map { $0.value }
  }

  // MARK: - The next question

  /// The next question to ask, or nil when every question has an answer.
  public func next() throws -> Question? {
    let answers = MapObject()
    asked = []
    return try next(in: form.fields, answers: answers, context: nil, prefix: "")
  }

  /// The keys of the questions the last `next()` went through (those whose `when` holds): an
  /// answer to a question no longer asked (its `when` changed) is not shown or kept.
  private var asked: Set<String> = []

  private func next(in fields: [FormField], answers: MapObject, context: MapObject?, prefix: String) throws
    -> Question?
  {
    func visible() -> MapObject {
      guard let context else { return answers }
      let m = MapObject(context.entries)
      for (k, v) in answers.entries { m.entries[k] = v }
      return m
    }
    for f in fields {
      if let when = f.when, !(try vm.call(when, [.map(visible())]).isTruthy) { continue }
      let key = prefix + f.name
      asked.insert(key)
      switch f.kind {
      case .computed:
        answers[f.name] = try vm.call(f.compute!, [.map(visible())])
      case .repeated:
        guard case .some(let count) = value(key + "#count") else {
          return Question(
            key: key + "#count", prompt: "How many: \(f.groupTitle ?? FormDocument.question(f))?",
            help: f.help,
            choices: [], multiple: false, required: true, expects: "a number", defaultText: "0",
            section: f.section)
        }
        var items: [Value] = []
        let n: Int = if case .int(let i)? = count { i } else { 0 }
        for i in 0..<n {
          let item = MapObject()
          if let q = try next(in: f.group, answers: item, context: visible(), prefix: "\(key)[\(i + 1)].") {
            return q
          }
          items.append(.map(item))
        }
        answers[f.name] = .list(items)
      default:
        guard case .some(let v) = value(key) else { return try question(f, key: key, answers: visible()) }
        if let v { answers[f.name] = v }
      }
    }
    return nil
  }

  private func question(_ f: FormField, key: String, answers: MapObject) throws -> Question {
    let choices = f.isChoice ? try FormRules.choices(f, answers: answers, vm: vm) : []
    var prompt = FormDocument.question(f)
    if key.contains("[") { prompt += " (" + String(key.prefix { $0 != "." }) + ")" }
    return Question(
      key: key, prompt: prompt, help: f.help, choices: choices.map(\.label), multiple: f.kind == .choices,
      required: f.required, expects: f.typeDescription,
      defaultText: f.defaultValue.map { FormRules.label(of: $0) }, section: f.section)
  }

  // MARK: - Answering

  /// Takes the typed answer to `question`; returns the message to re-ask with, or nil when it
  /// was accepted. A number picks a numbered choice; an empty line takes the default.
  public func answer(_ question: Question, _ typed: String) throws -> String? {
    var text = typed.trimmingSpaces
    if text.isEmpty, let d = question.defaultText { text = d }
    if question.key.hasSuffix("#count") {
      guard let n = Int(text), n >= 0, n <= 20 else { return "please give a number from 0 to 20" }
      record(question.key, .int(n))
      return nil
    }
    guard let (field, answers) = try locate(question.key) else { return nil }
    var raw: Value = .text(text)
    if !question.choices.isEmpty && question.choices.count <= 30 {
      let picks = text.split(whereSeparator: { $0 == "," || $0 == ";" || (question.multiple && $0 == " ") })
      if !picks.isEmpty, picks.allSatisfy({ Int($0) != nil }) {
        var labels: [Value] = []
        for p in picks {
          guard let i = Int(p), i >= 1, i <= question.choices.count else {
            return "please pick a number from 1 to \(question.choices.count)"
          }
          labels.append(.text(question.choices[i - 1]))
        }
        raw = question.multiple ? .list(labels) : labels[0]
      }
    }
    do {
      let v = try FormRules.answer(field, raw, answers: answers, vm: vm)
      record(question.key, v)
      return nil
    } catch let p as FormRules.Problem {
      return p.message
    }
  }

  /// The field a key names and the answers it sees.
  private func locate(_ key: String) throws -> (FormField, MapObject)? {
    let answers = self.answers()
    guard case .map(let all) = answers else { return nil }
    let parts = key.split(separator: ".")
    if parts.count == 1 { return form.fields.first { $0.name == key }.map { ($0, all) } }
    // children[2].born: the group's field, seeing the form's answers and the item's.
    let head = String(parts[0].prefix { $0 != "[" })
    guard let group = form.fields.first(where: { $0.name == head }),
      let sub = group.group.first(where: { $0.name == String(parts[1]) })
    else { return nil }
    let visible = MapObject(all.entries)
    let prefix = parts[0] + "."
    for (k, v) in given where k.hasPrefix(prefix) {
      if let v { visible[String(k.dropFirst(prefix.count))] = v }
    }
    return (sub, visible)
  }

  /// The answers so far as the map `submit` takes (repeated groups as lists of maps).
  public func answers() -> Value {
    let m = MapObject()
    for f in form.fields {
      if f.kind == .repeated {
        guard case .some(.int(let n)?) = value(f.name + "#count") else { continue }
        var items: [Value] = []
        for i in 0..<n {
          let item = MapObject()
          let prefix = "\(f.name)[\(i + 1)]."
          for (k, v) in given where k.hasPrefix(prefix) {
            if let v { item[String(k.dropFirst(prefix.count))] = v }
          }
          items.append(.map(item))
        }
        m[f.name] = .list(items)
      } else if case .some(let v?) = value(f.name) {
        m[f.name] = v
      }
    }
    return .map(m)
  }

  /// The positions in `given` of the answers the summary shows, in its order.
  private func summaryEntries() -> [Int] {
    given.indices.filter { !given[$0].key.hasSuffix("#count") && asked.contains(given[$0].key) }
  }

  /// "Name: Ann" for every question answered (or left empty), for the summary before saving;
  /// `change(n)` asks the n-th again.
  public func summary() -> [String] {
    summaryEntries().map { i in
      let (key, v) = given[i]
      let shown: String
      if case .bool(let b)? = v {
        shown = b ? "yes" : "no"
      } else if case .list(let l)? = v {
        shown = l.items.map { FormRules.label(of: $0) }.joined(separator: ", ")
      } else if let v {
        shown = FormRules.label(of: v)
      } else {
        shown = "(no answer)"
      }
      let name = key.split(separator: ".").last.map(String.init) ?? key
      return "\(FormDocument.question(FormField(name: name, kind: .text, place: .null)))"
        + (key.contains("[") ? " (\(key.prefix { $0 != "." }))" : "") + ": \(shown)"
    }
  }

  /// Checks the answers once more with the form's own rules and saves the record; returns its
  /// id, or throws the problems. Runs in the caller's transaction.
  public func save() throws -> String {
    guard case .map(let input) = answers() else { return "" }
    let result = try form.validate(input, vm: vm)
    if !result.problems.isEmpty {
      throw RuntimeError(result.problems.map { "\($0.field): \($0.message)" }.joined(separator: "; "))
    }
    let record = try form.save(result.answers)
    if case .record(let r) = record, case .string(let code) = r.values[0] { return code.value }
    return record.description
  }
}
