import PeerScript
import PeerStore

/// The built-ins behind `workflow NAME { ... }`.
enum Workflows {
  static func register(in interpreter: Interpreter, bridge: RecordBridge) {
    interpreter.define("|declare_workflow", arity: 1...1, doc: "") { [unowned interpreter] args in
      let workflow = try Workflow.declared(args[0], interpreter: interpreter, bridge: bridge)
      // A later declaration for the same kind replaces the earlier one (the script was reloaded).
      bridge.workflows[workflow.kind] = workflow
      return .host(workflow)
    }
  }
}
