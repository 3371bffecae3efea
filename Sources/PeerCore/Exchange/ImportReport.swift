/// What an import did: rows imported, rows rejected (with `skipBad`), and the problems found.
public struct ImportReport: Sendable, Equatable {
  /// Rows written to the project.
  public var imported: Int
  /// Bad rows left out (only with `skipBad`; otherwise a bad row stops the import).
  public var rejected: Int
  /// `file.csv:ROW:COLUMN: message` for the first bad cells (at most `Importer.problemLimit`).
  public var problems: [String]
  /// How many more problems there were than `problems` lists.
  public var moreProblems: Int
  /// Where the rejected rows were written (nil when none were).
  public var rejectPath: String?
}

/// Why an import wrote nothing: the file's problems, one per line, as
/// `file.csv:ROW:COLUMN: message` (or one sentence when the file cannot be read at all).
public struct ImportError: Error, Sendable, CustomStringConvertible {
  public var problems: [String]
  public var moreProblems: Int
  /// Rows that had a problem (0 when the file as a whole is wrong).
  public var badRows: Int

  public init(problems: [String], moreProblems: Int = 0, badRows: Int = 0) {
    self.problems = problems
    self.moreProblems = moreProblems
    self.badRows = badRows
  }

  public var description: String {
    var lines = problems
    if moreProblems > 0 {
      lines.append("... and \(moreProblems) more problem\(moreProblems == 1 ? "" : "s")")
    }
    if badRows > 0 {
      lines.append(
        "nothing was imported: \(badRows) bad row\(badRows == 1 ? "" : "s") (fix \(badRows == 1 ? "it" : "them"), or import the good rows with --skip-bad)"
      )
    }
    return lines.joined(separator: "\n")
  }
}
