/// What one role of a project's people may see and do, as the stores enforce it: for each
/// kind of record, which records (a condition), which fields, and whether it may add or
/// change them. PeerCore builds it from a `role` declaration; PostgreSQL turns it into
/// row-level security policies and column privileges (AccessPolicies), SQLite previews it.
public struct AccessRole: Sendable, Equatable {
  /// How far a role may change the records of one kind it sees.
  public enum Changes: Int, Sendable, Comparable {
    case none
    /// Add new records only (a volunteer logging a visit).
    case add
    /// Add, change and delete.
    case change

    public static func < (a: Changes, b: Changes) -> Bool { a.rawValue < b.rawValue }
  }

  /// One kind of record, for a role that sees some of it.
  public struct KindAccess: Sendable, Equatable {
    /// The records it sees, and may change; nil for every record.
    public var condition: RecordCondition?
    /// The core fields it reads; nil for every field, the project's own fields included
    /// (a role that lists fields reads none of the own fields: the server keeps them in one
    /// column, which a role reads whole or not at all).
    public var fields: [String]?
    public var changes: Changes

    public init(condition: RecordCondition? = nil, fields: [String]? = nil, changes: Changes = .none) {
      self.condition = condition
      self.fields = fields
      self.changes = changes
    }

    /// Whether the role reads the field (a core field's name, or "extra" for own fields).
    public func reads(_ field: String) -> Bool {
      guard let fields else { return true }
      return field == "id" || fields.contains(field)
    }
  }

  public var name: String
  public var title: String
  /// The kinds it sees; a kind left out is invisible to it.
  public var kinds: [RecordKind: KindAccess]
  /// The operations it may run, in the host's words (report, export, audit...).
  public var operations: Set<String>

  public init(
    name: String, title: String = "", kinds: [RecordKind: KindAccess] = [:], operations: Set<String> = []
  ) {
    self.name = name
    self.title = title
    self.kinds = kinds
    self.operations = operations
  }
}

/// What the database knows of the person using it and a role's condition may compare with
/// (`.site in me.sites`): their sites, and the volunteer record that is theirs.
public enum PersonAttribute: String, Sendable, CaseIterable {
  case sites
  case volunteer
}

/// One person's own values, for a store that applies a role itself (a SQLite preview).
public struct PersonValues: Sendable, Equatable {
  public var sites: [String]
  public var volunteer: Int64?

  public init(sites: [String] = [], volunteer: Int64? = nil) {
    self.sites = sites
    self.volunteer = volunteer
  }
}

extension RecordCondition {
  /// The condition for one person: each comparison with `me` made one with their values.
  public func applied(to person: PersonValues) -> RecordCondition {
    switch self {
    case .person(let field, .sites): return .oneOf(field: field, person.sites.map(FieldValue.text))
    case .person(let field, .volunteer):
      guard let v = person.volunteer else { return .oneOf(field: field, []) }
      return .oneOf(field: field, [.int(Int(v))])
    case .related(let kind, let via, let c, let op, let n):
      return .related(kind: kind, via: via, c?.applied(to: person), op, n)
    case .through(let field, let kind, let c):
      return .through(field: field, kind: kind, c.applied(to: person))
    case .and(let a, let b): return .and(a.applied(to: person), b.applied(to: person))
    case .or(let a, let b): return .or(a.applied(to: person), b.applied(to: person))
    case .not(let a): return .not(a.applied(to: person))
    case .compare, .between, .oneOf: return self
    }
  }
}

/// One of a project's people: their own database login, the role it is a member of, and the
/// values a role's conditions compare with.
public struct Person: Sendable, Equatable {
  public var login: String
  public var name: String
  public var role: String
  public var sites: [String]
  public var volunteer: Int64?

  public init(login: String, name: String, role: String, sites: [String] = [], volunteer: Int64? = nil) {
    self.login = login
    self.name = name
    self.role = role
    self.sites = sites
    self.volunteer = volunteer
  }

  public var values: PersonValues { PersonValues(sites: sites, volunteer: volunteer) }
}

/// The server refused what a person's login asked of a table: their role does not let them
/// read it (or a field of it), or change it, or this record is not one of those it sees.
/// PeerCore names the role's rule (Session.explain); anywhere else it reads as it is.
public struct AccessRefused: Error, Sendable, CustomStringConvertible {
  public var login: String
  public var table: String
  /// A row-level security policy refused a new or changed row (the record is not one the
  /// role may add or change); otherwise a privilege was missing.
  public var byPolicy: Bool

  public init(login: String, table: String, byPolicy: Bool) {
    self.login = login
    self.table = table
    self.byPolicy = byPolicy
  }

  public var description: String {
    byPolicy
      ? "\(login) may not add or change this record of \(table): it is not one their role may change"
      : "\(login) may not do that with \(table): their role does not allow it"
  }
}
