import PeerScript

/// What a role's `may` line names: the operations peer itself allows or refuses by role.
/// (Which records a role sees and changes the database enforces; these are the commands and
/// built-ins around them.)
public enum RoleOperation: String, CaseIterable, Sendable {
  case report, export, `import`, match, batch, audit, people, erase

  /// What it lets a person do, as a refusal says it: "may not run reports".
  public var action: String {
    switch self {
    case .report: return "run reports"
    case .export: return "export records"
    case .import: return "import records"
    case .match: return "suggest matches"
    case .batch: return "run the daily rules"
    case .audit: return "read the audit trail"
    case .people: return "add or change people"
    case .erase: return "erase records"
    }
  }
}

extension RecordBridge {
  /// Refuses an operation the person this command runs as may not run, naming their role's
  /// rule; the owner (no person) and a project without people may run everything.
  func permit(_ operation: RoleOperation) throws {
    guard let person = me.person else { return }
    let who = "\(person.name) (\(person.role))"
    guard let role = roles[person.role] else {
      throw RuntimeError(
        "\(who) may not \(operation.action): the project's scripts declare no role \(person.role)")
    }
    guard role.access.operations.contains(operation.rawValue) else {
      throw RuntimeError(
        "\(who) may not \(operation.action): role \(person.role) (\(role.declaredAt)) has no \"may \(operation.rawValue)\""
      )
    }
  }
}

extension Session {
  /// `RecordBridge.permit` for a command (peer report, export, import, batch).
  public func permit(_ operation: RoleOperation) throws { try bridge?.permit(operation) }
}
