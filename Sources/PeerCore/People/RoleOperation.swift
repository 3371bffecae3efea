/// What a role's `may` line names: the operations peer itself allows or refuses by role.
/// (Which records a role sees and changes the database enforces; these are the commands and
/// built-ins around them.)
enum RoleOperation: String, CaseIterable, Sendable {
  case report, export, `import`, match, batch, audit, people, erase

  var meaning: String {
    switch self {
    case .report: return "run reports (peer report, and report functions at the REPL)"
    case .export: return "export records to files (peer export, save ... to)"
    case .import: return "import records from files (peer import)"
    case .match: return "suggest and make matches (suggest, suggest_all)"
    case .batch: return "run the daily rules (peer batch, run_rules)"
    case .audit: return "read the audit trail (history)"
    case .people: return "add, change and remove people (peer people)"
    case .erase: return "erase a person's records"
    }
  }
}
