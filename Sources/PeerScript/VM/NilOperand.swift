/// An operand of an arithmetic instruction read from a field (`m.age + 1`): the register the
/// value went to, the register still holding the map or record it came from, the field's name
/// and the operand as written.
struct FieldOperand {
  var register: Int
  var object: Int
  var key: String
  var written: String
}

extension VM {
  /// "cannot add nil and number" says what went wrong but not where the nil came from: when an
  /// operand was a field, name it, and say whether the map simply has no such key (the usual
  /// cause: a typo, or a row without that column).
  func explainNilOperand(
    _ error: inout RuntimeError, _ operands: [FieldOperand], base: UnsafeMutablePointer<Value>
  ) {
    guard error.position == nil, let f = operands.first(where: { base[$0.register].isNull }) else { return }
    if case .map(let m) = base[f.object], m.entries[.text(f.key)] == nil {
      error.message += " (\"\(f.key)\" is missing from the map)"
      var hint = "give a default: (\(f.written) or 0)"
      let keys = m.entries.keys.compactMap { k -> String? in
        if case .string(let s) = k { return s.value }
        return nil
      }
      if let near = closestMatch(to: f.key, in: Set(keys)) { hint = "did you mean \"\(near)\"? or " + hint }
      error.hint = hint
    } else {
      error.message += " (\(f.written) is nil)"
      error.hint = error.hint ?? "give a default: (\(f.written) or 0)"
    }
  }
}
