import ArgumentParser
import PeerCore
import PeerScript
import PeerStore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `peer form NAME`: fill in a form the project's scripts declare, question by question; with
/// `--print`, the blank form as a document to send to referrers.
struct FormCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "form",
    abstract: "Fill in a form question by question, or print it blank (--print).",
    discussion: """
      Answer each question and press Enter. For choices, type the number or the words; several \
      choices are separated by commas. An empty answer takes the default shown in brackets. Type \
      < to go back one question. Nothing is saved until you confirm the summary, where a number \
      changes that answer; Ctrl-C, Ctrl-D or no at the summary abandons the form without saving \
      anything.
      """)

  enum Format: String, ExpressibleByArgument { case markdown, md, html }

  @OptionGroup var budget: BudgetOptions
  @OptionGroup var projectOptions: ProjectOptions
  @Argument(help: "The form's name, as declared in the project's scripts (e.g. referral).") var name: String
  @Flag(help: "Print the blank form instead of filling it in.") var print = false
  @Option(help: "markdown or html (with --print).") var format: Format?

  func run() throws {
    if format != nil && !print {
      throw UsageError(
        "--format chooses how --print prints the blank form", hint: "add --print, or leave --format out")
    }
    let session = try projectOptions.session(
      options: budget.interpreterOptions(arguments: [], attended: false),
      transactions: print ? .readingOnly : .writing)
    guard let bridge = session.bridge else {
      Console.writeError("peer: forms need a project; run peer init, or give --project DIR\n")
      throw ExitCode(1)
    }
    try FormCommand.requireForm(name, in: session)
    do {
      if print {
        let text = try bridge.inTransaction {
          try FormDocument.render(formNamed: name, session: session, html: format == .html)
        }
        Console.write(text)
        return
      }
      let filler = try FormFiller(formNamed: name, session: session)
      var readAnswer: (String) -> String? = { prompt in
        Console.write(prompt)
        Console.flush()
        return Swift.readLine(strippingNewline: true)
      }
      if Console.stdinIsTerminal {
        // The REPL's editor: line editing, and Ctrl-C comes back as an answer that abandons.
        let editor = LineEditor(
          historyPath: "/dev/null", completer: Completer(interpreter: session.interpreter))
        readAnswer = { prompt in
          if case .line(let line) = editor.read(prompt: prompt) { return line }
          return nil
        }
      }
      try FormConversation(filler: filler, bridge: bridge, readLine: readAnswer).run()
    } catch let e as ImportError {
      Console.writeError("peer: \(e.description)\n")
      throw ExitCode(1)
    } catch let e as ExitCode {
      throw e
    } catch {
      Console.report(error)
      throw ExitCode(1)
    }
  }
}

extension FormCommand {
  /// A form the project's scripts declare (and, for an import, one that creates `kind`), or a
  /// usage error: the name on the command line is wrong.
  static func requireForm(_ name: String, in session: Session, creating kind: RecordKind? = nil) throws {
    guard let made = FormSubmission.kind(ofForm: name, in: session) else {
      throw UsageError.unknown("form", name, among: FormSubmission.formNames(in: session), plural: "forms")
    }
    if let kind, made != kind {
      throw UsageError(
        "the form \(name) creates \(made.plural), not \(kind.plural)",
        hint: "use peer import \(made.plural) --form \(name)")
    }
  }
}

/// The questions and answers of one form, on any line reader (the terminal, or the REPL's).
struct FormConversation {
  let filler: FormFiller
  let bridge: RecordBridge
  /// Shows the prompt and reads one line; nil at the end of input (Ctrl-D).
  let readLine: (String) -> String?

  func run() throws {
    Console.writeLine(filler.title)
    Console.writeLine("(type < to go back one question; Ctrl-C or Ctrl-D abandons without saving)")
    var section: String?
    while true {
      // Every step may run the form's own functions, which may read records.
      guard let question = try bridge.inTransaction({ try filler.next() }) else {
        switch try confirm() {
        case .saved, .abandoned: return
        case .changing: continue
        }
      }
      if let s = question.section, s != section { Console.writeLine("\n\(s)") }
      section = question.section
      var heading = "\n" + question.prompt + (question.required ? " (required)" : "")
      if question.choices.isEmpty && question.expects != "text" { heading += " - " + question.expects }
      if let help = question.help { heading += "\n  " + help }
      if question.choices.count > 30 {
        // A list from the records (the active matches): too long to number, so typed by name.
        heading +=
          "\n  (type one of \(question.choices.count) choices, such as \(question.choices.prefix(3).joined(separator: ", ")))"
      } else if !question.choices.isEmpty {
        heading +=
          "\n"
          + question.choices.enumerated().map { "  \($0.offset + 1). \($0.element)" }.joined(separator: "\n")
        if question.multiple { heading += "\n  (pick any: numbers separated by commas)" }
      }
      Console.writeLine(heading)
      var prompt = "> "
      if let d = question.defaultText { prompt = "[\(d)] > " }
      guard let line = readLine(prompt) else { return abandon() }
      if line.trimmingBlanks == "<" {
        if filler.canGoBack { filler.back() } else { Console.writeLine("This is the first question.") }
        continue
      }
      if let problem = try bridge.inTransaction({ try filler.answer(question, line) }) {
        Console.writeLine("  ! \(problem)")
      }
    }
  }

  private func abandon() {
    Console.writeLine("\nAbandoned: nothing was saved.")
  }

  enum Confirmation { case saved, abandoned, changing }

  /// The summary and `Save?`, asked until the answer is one it knows. The answers are kept
  /// through a mistyped reply and through a save that fails, so nothing typed is lost: the
  /// coordinator changes an answer by its number (or goes back with <) and saves again.
  private func confirm() throws -> Confirmation {
    Console.writeLine("\nSummary:")
    for (i, line) in filler.summary().enumerated() { Console.writeLine("  \(i + 1). " + line) }
    Console.writeLine("(yes saves; no abandons; < goes back one question; a number changes that answer)")
    while true {
      guard let reply = readLine("Save? (yes/no/<) ") else {
        abandon()
        return .abandoned
      }
      let word = reply.trimmingBlanks.lowercased()
      switch word {
      case "yes", "y":
        do {
          let id = try bridge.inTransaction { try filler.save() }
          Console.writeLine("Saved \(id).")
          return .saved
        } catch {
          let message =
            if let e = error as? RuntimeError { e.hint.map { "\(e.message); \($0)" } ?? e.message } else {
              "\(error)"
            }
          Console.writeLine("  ! Not saved: \(message)")
          Console.writeLine("  Your answers are kept: change one by its number, or type yes to try again.")
        }
      case "no", "n":
        abandon()
        return .abandoned
      case "<", "back":
        filler.back()
        return .changing
      default:
        if let n = Int(word) {
          if filler.change(n) { return .changing }
          Console.writeLine(
            "  ! there is no answer \(n): the answers are numbered 1 to \(filler.summary().count)")
        } else {
          Console.writeLine("  ! please answer yes, no, < or the number of an answer to change")
        }
      }
    }
  }
}

extension String {
  var trimmingBlanks: String {
    var s = Substring(self)
    while let f = s.first, f.isWhitespace { s.removeFirst() }
    while let l = s.last, l.isWhitespace { s.removeLast() }
    return String(s)
  }
}
