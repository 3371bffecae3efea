/// A readable listing of compiled bytecode, for `peer run --disassemble` and for debugging
/// the compiler.
extension FunctionProto {
  public func disassembly() -> String {
    var out = "fn \(name) (\(arity) params, \(registerCount) registers, \(captures.count) captures)\n"
    for (i, ins) in code.enumerated() {
      let line = positions.indices.contains(i) ? positions[i].line : 0
      out += "  \(i)\t[\(line)]\t\(ins.op)\t\(ins.a) \(ins.b) \(ins.c)\n"
    }
    if !constants.isEmpty {
      out += "  constants: " + constants.map { $0.shortDescription }.joined(separator: ", ") + "\n"
    }
    for p in protos { out += p.disassembly() }
    return out
  }
}

extension Interpreter {
  /// The bytecode of a script, without running it.
  public func disassemble(_ source: String, file: String) throws -> String {
    try compile(source, file: file).0.disassembly()
  }
}
