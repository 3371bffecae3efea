import PeerScript
import PeerStore

/// The built-ins behind `role NAME { ... }` and `me` (docs/people.md).
enum Roles {
  static func register(in interpreter: Interpreter, bridge: RecordBridge) {
    interpreter.define(
      "me", value: .host(bridge.me),
      doc:
        "me - the person using peer (me.name, me.role, me.sites, me.volunteer); in a role's conditions, whoever the database knows is connected"
    )
    interpreter.define("|declare_role", arity: 1...1, doc: "") { [unowned interpreter] args in
      try DeclaredNames.check(args[0], in: interpreter)
      let role = try Role.declared(args[0], me: bridge.me)
      let file = args.vm.currentFile ?? "?"
      if case .map(let m) = args[0], case .int(let line)? = m["line"], case .int(let column)? = m["column"] {
        role.declaredAt = "\(file):\(line):\(column)"
      }
      // As with workflows: the same file loaded again replaces its role; another file
      // declaring the same role is an error, so what a person may do never depends on the
      // order files load in.
      if let earlier = bridge.roles[role.access.name], !earlier.declaredAt.hasPrefix(file + ":") {
        throw RuntimeError.declaration(
          "role \(role.access.name) is declared twice: it is declared at \(earlier.declaredAt) already",
          at: args[0], hint: "give one of them another name, or merge the two")
      }
      bridge.roles[role.access.name] = role
      return .host(role)
    }
  }
}
