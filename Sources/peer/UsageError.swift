import PeerScript

/// A misuse of the command line found once a command knows the project: an unknown report,
/// form or kind of record, a parameter or format that does not exist, options that do not go
/// together. `Peer.main` prints it as one sentence and a hint on standard error and exits with
/// 2, like argument-parser's own usage errors; script and data errors exit with 1.
struct UsageError: Error, CustomStringConvertible {
  var message: String
  var hint: String?

  init(_ message: String, hint: String? = nil) {
    self.message = message
    self.hint = hint
  }

  var description: String { "peer: \(message)\n" + (hint.map { "  hint: \($0)\n" } ?? "") }

  /// "there is no report called ...", with "did you mean" when a name is close, else the list
  /// (`plural` names them: "the reports are ..."; with none, "the project's scripts declare no
  /// reports").
  static func unknown(_ what: String, _ name: String, among names: [String], plural: String) -> UsageError {
    if let near = closestMatch(to: name, in: names) {
      return UsageError("there is no \(what) called \"\(name)\"", hint: "did you mean \"\(near)\"?")
    }
    return UsageError(
      "there is no \(what) called \"\(name)\"",
      hint: names.isEmpty
        ? "the project's scripts declare no \(plural)" : "the \(plural) are " + names.joined(separator: ", "))
  }
}
