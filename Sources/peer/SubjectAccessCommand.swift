import ArgumentParser
import PeerCore
import PeerPostgres
import PeerScript
import PeerStore

/// `peer subject-access CODE --out DIR`: everything the project holds about one mother or
/// volunteer, as a web page and a JSON file, with other people's data redacted.
struct SubjectAccessCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "subject-access",
    abstract: "Write everything held about a mother or a volunteer, for a subject access request.",
    discussion: """
      CODE is a mother (M-0042) or a volunteer (V-0017). DIR (made if missing; it must be empty) \
      gets subject-access.html, a page to hand over as it is, and subject-access.json, the same \
      content as data: her records, matches, visits, endings, own fields, tasks and flags, and \
      every audit entry of them. Other people's personal data is redacted (a mother's volunteer \
      by id only; a volunteer's mothers by id only). Before handing it over, check who is \
      asking; see docs/data-protection.md.
      """)

  @OptionGroup var projectOptions: ProjectOptions

  @Argument(help: "The mother or volunteer (M-0042 or V-0017).") var code: String
  @Option(help: ArgumentHelp("The folder to write the two files into.", valueName: "DIR")) var out: String

  func run() throws {
    let store = try Import.openStore(projectOptions, for: .export)
    try inOneSentence {
      let held = try store.readingOnly { reader in
        try SubjectAccess.gather(code, from: reader, producedOn: Clock.systemToday())
      }
      try held.write(into: out)
      // On a server, the export itself is in the audit trail: who took whose data, when.
      if let server = store as? PostgresStore {
        try server.auditEvent(
          kind: "export", action: "subject access",
          detail: ["subject": .text(held.subject), "to": .text(out)])
      }
      let names = SubjectAccess.fileNames
      func count(_ n: Int, _ one: String, _ many: String) -> String { "\(n) \(n == 1 ? one : many)" }
      Console.writeLine(
        "wrote what is held about \(held.subject) to \(out)/\(names.page) and \(out)/\(names.data): "
          + "\(count(held.records.count, "record", "records")), "
          + "\(count(held.workItems.count, "task or flag", "tasks and flags")), "
          + "\(count(held.changes.count, "audit entry", "audit entries"))")
      Console.writeLine(
        "before handing it over, check who asked for it and read it through (docs/data-protection.md)")
    }
  }
}
