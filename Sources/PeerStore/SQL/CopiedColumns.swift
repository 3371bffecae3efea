/// Fields the server keeps a copy of on the records that reach them through references: a
/// match, a visit and an ending carry their mother's site (`mother_site`).
///
/// Why: a site coordinator's policies, and every question about one site's visits, ask "is
/// this record's mother at these sites?". Asked through the references, the server works out
/// the site's mothers, then their matches, then the visits, in every query (row-level
/// security's cost was 1.3-1.5x the owner's). Asked of a column on the record itself, it is
/// one indexed comparison. Triggers keep the copies right (ServerSchema v6): on every insert
/// and update of the record, and when the mother's site or the match's mother changes. A copy
/// is never a field: peer writes and reads records without it, and SQLite has none.
package struct CopiedColumn: Sendable {
  /// The record that carries the copy, and the copy's column.
  package let kind: RecordKind
  package let column: String
  /// The column of the record referred to that it copies (itself a copy for a visit: its
  /// match's).
  package let source: String
  /// The path of fields it stands for, from `kind`: `["match", "mother", "site"]`.
  package let path: [String]

  package static let all: [CopiedColumn] = [
    CopiedColumn(
      kind: .match, column: "mother_site", source: "site", path: ["mother", "site"]),
    CopiedColumn(
      kind: .visit, column: "mother_site", source: "mother_site",
      path: ["match", "mother", "site"]),
    CopiedColumn(
      kind: .ending, column: "mother_site", source: "mother_site",
      path: ["match", "mother", "site"]),
  ]

  /// The copy that stands for `path` on records of `kind`, if the server keeps one.
  package static func standingFor(_ path: [String], on kind: RecordKind) -> CopiedColumn? {
    all.first { $0.kind == kind && $0.path == path }
  }

  /// The reference it is copied through: the path's first field.
  package var reference: String { path[0] }

  /// The kind whose field the copy holds (a mother's, for the site).
  package var sourceKind: RecordKind {
    var current = kind
    for name in path.dropLast() {
      guard case .reference(let target)? = current.field(name)?.type else { break }
      current = target
    }
    return current
  }
}
