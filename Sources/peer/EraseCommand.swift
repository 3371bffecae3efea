import ArgumentParser
import PeerCore
import PeerScript
import PeerStore

/// `peer erase CODE --reason TEXT [--anonymise]`: erases (or anonymises) one mother or
/// volunteer, for a person whose role may erase; see docs/data-protection.md.
struct EraseCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "erase",
    abstract: "Erase or anonymise a mother or a volunteer (right to erasure, retention).",
    discussion: """
      CODE is a mother (M-0042) or a volunteer (V-0017). Erasing a mother deletes her record, \
      her matches, their visits and endings, and the tasks and flags about them; a volunteer's \
      record is deleted, or kept as an empty shell if she has matches. With --anonymise the \
      record stays for the reports' figures but loses her name, contact details, notes, own \
      fields, tasks and flags. Either way the audit trail keeps its entries (when, who, what \
      kind of change) without her data, plus one entry saying it was erased and why: the reason \
      must not name her. The database's free space is cleared afterwards. Needs a role with \
      "may erase". With --reclaim alone, only clears what an earlier erasure could not (another \
      program had the file open).
      """)

  @OptionGroup var budget: BudgetOptions
  @OptionGroup var projectOptions: ProjectOptions

  @Argument(help: "The mother or volunteer (M-0042 or V-0017).") var code: String?
  @Option(help: ArgumentHelp("Why, kept in the audit trail (without her personal data).", valueName: "TEXT"))
  var reason: String?
  @Flag(name: [.customLong("anonymise"), .customLong("anonymize")], help: "Anonymise instead of erasing.")
  var anonymise = false
  @Flag(help: "Only clear the space an earlier erasure freed.") var reclaim = false

  func validate() throws {
    if reclaim {
      guard code == nil else { throw ValidationError("--reclaim takes no record: it only clears free space") }
      return
    }
    guard code != nil else { throw ValidationError("say which record: peer erase M-0042 --reason TEXT") }
    guard let reason, reason.contains(where: { !$0.isWhitespace }) else {
      throw ValidationError(
        "peer erase needs --reason TEXT, kept in the audit trail (say why without naming her)")
    }
  }

  func run() throws {
    do {
      let session = try projectOptions.session(options: budget.interpreterOptions(arguments: []))
      guard session.bridge != nil else {
        Console.writeError("peer: there is no project here; give --project DIR\n")
        throw ExitCode(1)
      }
      if reclaim {
        try inOneSentence { try session.reclaimErasedSpace() }
        Console.writeLine("cleared the space erased records left")
        return
      }
      let summary = try inOneSentence {
        try session.erase(code ?? "", reason: reason ?? "", anonymise: anonymise)
      }
      Console.writeLine(summary.line)
    } catch let e as ExitCode {
      throw e
    } catch {
      Console.report(error)
      throw ExitCode(1)
    }
  }
}
