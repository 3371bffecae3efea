/// One VM instruction. A register machine in the style of Lua 5: operands name registers of the
/// current frame (R), constants of the current function (K), or small immediates (I).
/// Comparisons used as conditions are fused with their jump, and `x + 1` has its own opcode,
/// because those dominate loops.
struct Instruction: Sendable {
  var op: Opcode
  var a: Int32
  var b: Int32
  var c: Int32

  init(_ op: Opcode, _ a: Int32 = 0, _ b: Int32 = 0, _ c: Int32 = 0) {
    self.op = op
    self.a = a
    self.b = b
    self.c = c
  }
}

enum Opcode: UInt8, Sendable {
  // R[a] = ...
  case move  // R[a] = R[b]
  case loadK  // R[a] = K[b]
  case loadInt  // R[a] = b
  case loadNil  // R[a] = nil
  case loadBool  // R[a] = (b != 0)
  case getGlobal  // R[a] = G[b]
  case setGlobal  // G[b] = R[a]
  case newCell  // R[a] = cell(R[a])
  case getCell  // R[a] = R[b].cell.value
  case setCell  // R[a].cell.value = R[b]
  case getCapture  // R[a] = captured[b]
  case setCapture  // captured[b] = R[a]
  case closure  // R[a] = closure of protos[b]

  // arithmetic: R[a] = R[b] op R[c]; the K forms take K[c]; addI takes the immediate c
  case add, sub, mul, div, idiv, mod
  case addK, subK, mulK, divK, idivK, modK
  case addI
  case subI  // R[a] = R[b] - c (its own opcode so that errors name "-")
  case neg  // R[a] = -R[b]
  case not  // R[a] = not R[b]
  case eq, ne, lt, le, gt, ge  // R[a] = R[b] op R[c], operands in the order written
  case inside  // R[a] = R[b] in R[c]
  case range  // R[a] = R[b] .. R[c]
  case rangeExclusive  // R[a] = R[b] ..< R[c]

  // control: jumps are relative to the next instruction
  case jump  // pc += b
  case jumpIfFalse  // if not R[a] { pc += b }
  case jumpIfTrue  // if R[a] { pc += b }
  // fused compare-and-jump: if NOT (R[a] op R[b]) { pc += c }
  case jumpIfNotLess, jumpIfNotLessEqual, jumpIfNotGreater, jumpIfNotGreaterEqual, jumpIfNotEqual, jumpIfEqual
  // with a constant: if NOT (R[a] op K[b]) { pc += c }
  case jumpIfNotLessK, jumpIfNotLessEqualK, jumpIfNotGreaterK, jumpIfNotGreaterEqualK
  case jumpIfNotEqualK, jumpIfEqualK

  // counting for over whole numbers or dates: R[a] counter, R[a+1] limit, R[a+2] the variable
  case forPrep  // (c = 1: R[a+1] -= 1 first) if R[a] > R[a+1] { pc += b } else { R[a+2] = R[a] }
  case forLoop  // R[a] += 1; if R[a] <= R[a+1] { R[a+2] = R[a]; pc += b }
  // generic for: R[a] the sequence, R[a+1] the position, R[a+2] (and R[a+3]) the variables
  case iterPrep  // checks R[a] can be iterated (turns maps and ranges into lists)
  case iterNext  // if more { set vars; advance } else { pc += b }; c = number of variables

  // calls: R[a] is the function, R[a+1 ... a+b] the arguments; the result goes to R[a]
  case call
  // R[a] = R[a+1].K[c](R[a+2 ... a+1+b]): field holding a function, or a built-in by that name
  case callMethod
  /// Not executed: the operand of the instruction before it (callMethod's global slot, or -1).
  case extra
  case ret  // return R[a]
  case retNil

  // data
  case newList  // R[a] = [R[b] ... R[b+c-1]]
  case newMap  // R[a] = {R[b]: R[b+1], ...} with c pairs
  case getField  // R[a] = R[b].K[c]
  case setField  // R[a].K[b] = R[c]
  case getIndex  // R[a] = R[b][R[c]]
  case setIndex  // R[a][R[b]] = R[c]
  case concat  // R[a] = text of R[b] ... R[b+c-1] joined
  case append  // R[a].append(R[b]) (list comprehension / list building)
  case makeDuration  // R[a] = R[b] as a duration of unit c (0 days, 1 weeks, 2 months, 3 years)
}
