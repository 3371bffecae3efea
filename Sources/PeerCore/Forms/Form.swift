import PeerScript
import PeerStore

/// A form declared in Peer script (`form referral "Referral to Bump Buddies" { ... }`): its
/// questions in order, the kind of record it creates, and the one way answers are checked.
/// In a script: `referral.submit({...})`, `referral.check({...})`, `referral.questions`,
/// `referral.markdown`, `referral.html`.
final class Form: HostObject {
  let name: String
  let title: String
  let kind: RecordKind
  /// Every question, sections flattened, in the order they are asked.
  let fields: [FormField]
  /// Saves the answers as a new record (the session's checked `create`).
  let create: (RecordKind, MapObject) throws -> Value
  /// The session's machine, which runs the form's functions (checks, `when`, choices).
  unowned let vm: VM

  init(
    name: String, title: String, kind: RecordKind, fields: [FormField], vm: VM,
    create: @escaping (RecordKind, MapObject) throws -> Value
  ) {
    self.vm = vm
    self.name = name
    self.title = title
    self.kind = kind
    self.fields = fields
    self.create = create
  }

  override var typeName: String { "form" }
  override var description: String {
    "<form \(name) \"\(title)\": \(fields.count) questions, creates a \(kind.rawValue)>"
  }

  override var fieldNames: [String] {
    ["name", "title", "creates", "questions", "submit", "update", "check", "markdown", "html"]
  }

  override func field(_ field: String) throws -> Value? {
    switch field {
    case "name": return .text(name)
    case "title": return .text(title)
    case "creates": return .text(kind.rawValue)
    case "questions": return .list(fields.map { .text($0.name) })
    case "markdown": return .text(try FormDocument.markdown(self))
    case "html": return .text(try FormDocument.html(self))
    case "submit":
      return .native(
        NativeFunction(
          "\(name).submit", arity: 1...1,
          doc: "\(name).submit(answers) - the new record, or the list of problems, each naming its question"
        ) { [unowned self] args in
          let result = try self.validate(try args.map(0), vm: args.vm)
          if !result.problems.isEmpty { return Form.problemList(result.problems) }
          return try self.save(result.answers)
        })
    case "update":
      return .native(
        NativeFunction(
          "\(name).update", arity: 2...2,
          doc:
            "\(name).update(record, answers) - the record with these answers saved, or the list of problems"
        ) { [unowned self] args in
          guard case .record(let r) = args[0], r.type.name == self.kind.rawValue else {
            let got =
              if case .record(let other) = args[0] { other.values[0].description } else { args[0].typeName }
            throw RuntimeError(
              "\(self.name).update needs a \(self.kind.rawValue) to update, got \(got)",
              hint: "the form \(self.name) creates and updates \(self.kind.plural)")
          }
          let result = try self.validate(try args.map(1), vm: args.vm)
          if !result.problems.isEmpty { return Form.problemList(result.problems) }
          for (target, value) in self.fieldsToSave(result.answers).entries {
            guard case .string(let field) = target else { continue }
            try setRecordField(r, field.value, value)
          }
          return .record(r)
        })
    case "check":
      return .native(
        NativeFunction(
          "\(name).check", arity: 1...1,
          doc:
            "\(name).check(answers) - the problems with these answers (empty when they are fine); saves nothing"
        ) { [unowned self] args in
          Form.problemList(try self.validate(try args.map(0), vm: args.vm).problems)
        })
    default: return nil
    }
  }

  static func problemList(_ problems: [FormRules.Problem]) -> Value {
    .list(
      problems.map { p in
        let m = MapObject()
        m["field"] = .text(p.field)
        m["message"] = .text(p.message)
        return .map(m)
      })
  }

  // MARK: - Answers

  /// Checks every answer in order (skipping questions whose `when` is false, working out
  /// computed fields) and returns the answers read, or every problem found.
  func validate(_ input: MapObject, vm: VM) throws -> (answers: MapObject, problems: [FormRules.Problem]) {
    var problems: [FormRules.Problem] = []
    let known = Set(fields.map(\.name))
    for key in input.textKeys where !known.contains(key) {
      problems.append(
        FormRules.Problem(
          field: key,
          message: "the form \(name) has no question \"\(key)\""
            + (closestMatch(to: key, in: known).map { " (did you mean \"\($0)\"?)" } ?? "")))
    }
    let answers = MapObject()
    try Form.answer(fields, input, into: answers, context: nil, prefix: "", problems: &problems, vm: vm)
    return (answers, problems)
  }

  /// Answers `fields` from `input` into `answers`. In a repeated group, `context` holds the
  /// answers outside the group, which its `when` and checks also see.
  private static func answer(
    _ fields: [FormField], _ input: MapObject, into answers: MapObject, context: MapObject?, prefix: String,
    problems: inout [FormRules.Problem], vm: VM
  ) throws {
    func visible() -> MapObject {
      guard let context else { return answers }
      let m = MapObject(context.entries)
      for (k, v) in answers.entries { m.entries[k] = v }
      return m
    }
    for field in fields {
      do {
        if let when = field.when {
          // Whether to ask it cannot be known from an answer that is wrong (and reported).
          if field.whenRefs.contains(where: { ref in problems.contains { $0.field == prefix + ref } }) {
            continue
          }
          let asked: Bool
          do { asked = try vm.call(when, [.map(visible())]).isTruthy } catch let e as RuntimeError {
            // Usually an earlier answer is missing because it has a problem, already reported.
            if !problems.isEmpty { continue }
            throw FormRules.Problem(
              field: field.name, message: "could not tell whether to ask it: \(e.message)")
          }
          if !asked { continue }
        }
        switch field.kind {
        case .computed:
          // Worked out only from answers that are all right: a missing one is already reported.
          if !problems.isEmpty { continue }
          answers[field.name] = try vm.call(field.compute!, [.map(visible())])
        case .repeated:
          var items: [Value] = []
          switch input[field.name] ?? .null {
          case .null: break
          case .list(let l): items = Array(l.items)
          case let other:
            throw FormRules.Problem(
              field: field.name, message: "must be a list of answers, got \(other.typeName)")
          }
          if items.isEmpty, field.required {
            throw FormRules.Problem(field: field.name, message: "at least one is required")
          }
          var out: [Value] = []
          for (i, item) in items.enumerated() {
            guard case .map(let m) = item else {
              problems.append(
                FormRules.Problem(field: "\(field.name)[\(i + 1)]", message: "must be a map of answers"))
              continue
            }
            let itemAnswers = MapObject()
            try answer(
              field.group, m, into: itemAnswers, context: visible(),
              prefix: "\(prefix)\(field.name)[\(i + 1)].",
              problems: &problems, vm: vm)
            out.append(.map(itemAnswers))
          }
          answers[field.name] = .list(out)
        default:
          let raw = input[field.name] ?? field.defaultValue ?? .null
          if let v = try FormRules.answer(field, raw, answers: visible(), vm: vm) { answers[field.name] = v }
        }
      } catch var p as FormRules.Problem {
        p.field = prefix + p.field
        problems.append(p)
      } catch let e as RuntimeError where field.kind == .computed {
        problems.append(
          FormRules.Problem(field: prefix + field.name, message: "could not be worked out: \(e.message)"))
      }
    }
  }

  /// Creates the record from checked answers, each in its question's target field.
  func save(_ answers: MapObject) throws -> Value {
    try create(kind, fieldsToSave(answers))
  }

  /// The record's fields from checked answers: each in its question's target field.
  func fieldsToSave(_ answers: MapObject) -> MapObject {
    let record = MapObject()
    for field in fields {
      guard let v = answers[field.name], !v.isNull else { continue }
      if field.kind == .repeated, case .list(let items) = v {
        // The store keeps a project's own fields as plain values or lists of texts: each item
        // of a group is kept as one line, "name: Sam; born: 2024-05-01".
        record[field.target] = .list(
          items.items.map { item in
            guard case .map(let m) = item else { return .text(item.description) }
            return .text(
              m.entries.compactMap { k, v in
                v.isNull ? nil : "\(FormRules.label(of: k)): \(FormRules.label(of: v))"
              }.joined(separator: "; "))
          })
      } else {
        record[field.target] = v
      }
    }
    return record
  }
}
