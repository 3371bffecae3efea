#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Set from a SIGINT handler; the VM polls it at every budget check.
nonisolated(unsafe) var interruptRequested: Int32 = 0

/// Limits that stop a runaway script with a clear error instead of hanging or exhausting the
/// machine. Steps count calls and backward jumps (every loop iteration), not instructions.
public struct Budgets: Sendable {
  public var maxSteps: Int?
  public var maxDepth: Int
  public var maxMemoryBytes: Int

  /// The step budget of a run nobody watches (a batch job, piped input, scripts loading at
  /// start-up) when none is given: far beyond what the demo's reports and nightly rules take at
  /// scale 30, so only an endless loop reaches it.
  public static let unattendedSteps = 2_000_000_000
  /// The deepest a script may nest calls whatever `--max-depth` asks (the frame stack is
  /// reserved up front).
  public static let depthLimit = 1_000_000

  public init(maxSteps: Int? = nil, maxDepth: Int = 10_000, maxMemoryBytes: Int = 4 << 30) {
    self.maxSteps = maxSteps
    self.maxDepth = maxDepth
    self.maxMemoryBytes = maxMemoryBytes
  }
}

struct Frame {
  // Kept alive by the function slot of the caller's registers for the whole call.
  unowned(unsafe) var closure: Closure
  var pc: Int
  var base: Int
  var returnTo: Int
}

/// The virtual machine: a register file on one preallocated stack, a frame stack, and the
/// interpreter loop. Script calls never recurse on the native stack, so deep recursion in a
/// script is bounded by `maxDepth`, not by the thread's stack; only built-ins that call back
/// into scripts (map, sort...) nest, up to `maxNativeNesting`.
///
/// The counters the interpreter loop reads and writes on every call and return are
/// `@exclusivity(unchecked)`: each is a plain integer, only ever read or assigned whole (never
/// passed inout, never held across a call), on the one thread that runs the VM, so two accesses
/// cannot overlap and the runtime check would only cost time.
public final class VM {
  let globals: Globals
  public var budgets: Budgets
  let stack: UnsafeMutablePointer<Value>
  let stackCapacity: Int
  // Safe unchecked: an Int read and assigned whole (see above).
  @exclusivity(unchecked) var initializedTop = 0
  let frames: UnsafeMutablePointer<Frame>
  let frameCapacity: Int
  // Safe unchecked: an Int read and assigned whole (see above).
  @exclusivity(unchecked) var frameCount = 0
  /// First free stack slot while a native runs (where a callback's frame goes).
  // Safe unchecked: an Int read and assigned whole (see above).
  @exclusivity(unchecked) var nativeTop = 0
  // Safe unchecked: an Int read and assigned whole (see above).
  @exclusivity(unchecked) var nativeNesting = 0
  let maxNativeNesting = 200
  // Safe unchecked: an Int read and assigned whole (see above).
  @exclusivity(unchecked) var stepsUsed = 0
  /// Steps used by calls from built-ins back into scripts (each item of `map`, `where`,
  /// `sort`...) and by the runs of the loop they start, not yet added to `stepsUsed`: each such
  /// run starts its own countdown, so without this a pipeline inside a pipeline ran unbounded.
  // Safe unchecked: an Int read and assigned whole (see above).
  @exclusivity(unchecked) var callbackSteps = 0
  public var output: (String) -> Void

  static let checkInterval = 4096

  init(globals: Globals, budgets: Budgets, output: @escaping (String) -> Void) {
    self.globals = globals
    self.budgets = budgets
    self.output = output
    frameCapacity = max(16, min(budgets.maxDepth, Budgets.depthLimit) + 2)
    // Reserved, not touched: pages are committed as the stack grows.
    stackCapacity = min(1 << 24, max(1 << 16, frameCapacity * 64))
    stack = .allocate(capacity: stackCapacity)
    frames = .allocate(capacity: frameCapacity)
  }

  deinit {
    stack.deinitialize(count: initializedTop)
    stack.deallocate()
    frames.deallocate()
  }

  /// Makes sure stack slots below `top` are initialized (they are, after the first use).
  @inline(__always) func ensureStack(_ top: Int) throws {
    if top > initializedTop {
      guard top <= stackCapacity else { throw depthError() }
      let newTop = min(stackCapacity, max(top, initializedTop + 4096))
      (stack + initializedTop).initialize(repeating: .null, count: newTop - initializedTop)
      initializedTop = newTop
    }
  }

  func depthError() -> RuntimeError {
    var e = RuntimeError(
      "too much recursion: more than \(min(budgets.maxDepth, Budgets.depthLimit)) calls deep",
      hint:
        "a function probably calls itself without end; raise the limit with --max-depth if the depth is real")
    e.isFatal = true
    return e
  }

  /// Pushes a frame for a script function whose slot is `fslot`, with `nargs` arguments above it.
  @inline(__always) func pushFrame(_ c: Closure, fslot: Int, nargs: Int, returnTo: Int) throws {
    let p = c.proto
    if nargs != p.arity {
      if nargs > p.arity || nargs < p.arity - p.optionalCount { throw arityError(p, nargs) }
    }
    let newBase = fslot + 1
    try ensureStack(newBase + p.registerCount)
    if nargs < p.arity {
      for i in nargs..<p.arity { stack[newBase + i] = .null }
    }
    guard frameCount < frameCapacity - 1 else { throw depthError() }
    frames[frameCount] = Frame(closure: c, pc: 0, base: newBase, returnTo: returnTo)
    frameCount += 1
  }

  func arityError(_ p: FunctionProto, _ nargs: Int) -> RuntimeError {
    let required = p.arity - p.optionalCount
    let expected =
      p.optionalCount == 0
      ? "\(p.arity) argument\(p.arity == 1 ? "" : "s")" : "\(required) to \(p.arity) arguments"
    return RuntimeError(
      "\(p.name)(\(p.parameterNames.joined(separator: ", "))) takes \(expected), but was given \(nargs)")
  }

  func nativeArityError(_ n: NativeFunction, _ nargs: Int) -> RuntimeError {
    let r = n.arity
    let expected: String
    if r.upperBound == Int.max {
      expected = "at least \(r.lowerBound) argument\(r.lowerBound == 1 ? "" : "s")"
    } else if r.lowerBound == r.upperBound {
      expected = "\(r.lowerBound) argument\(r.lowerBound == 1 ? "" : "s")"
    } else {
      expected = "\(r.lowerBound) to \(r.upperBound) arguments"
    }
    return RuntimeError("\(n.name) takes \(expected), but was given \(nargs)", hint: n.doc)
  }

  /// Calls a function of one argument from Swift without building an argument array (the
  /// per-item callback of every pipeline stage).
  public func call(_ callee: Value, _ arg: Value, _ second: Value? = nil) throws -> Value {
    guard case .closure(let c) = callee, nativeNesting < maxNativeNesting else {
      return try call(callee, second.map { [arg, $0] } ?? [arg])
    }
    let slot = frameCount == 0 ? 0 : nativeTop
    try ensureStack(slot + 4)
    stack[slot] = callee
    stack[slot + 1] = arg
    if let second { stack[slot + 2] = second }
    let saved = nativeTop
    let stopAt = frameCount
    nativeNesting += 1
    defer {
      nativeNesting -= 1
      nativeTop = saved
    }
    try pushFrame(c, fslot: slot, nargs: second == nil ? 1 : 2, returnTo: slot)
    let result = try execute(stopAt: stopAt)
    if frameCount > 0 { try countCallback() }
    return result
  }

  /// Calls a function from Swift: the entry point for scripts and for built-ins that call back.
  public func call(_ callee: Value, _ args: [Value]) throws -> Value {
    let slot = frameCount == 0 ? 0 : nativeTop
    try ensureStack(slot + args.count + 2)
    switch callee {
    case .native(let n):
      guard n.arity.contains(args.count) else { throw nativeArityError(n, args.count) }
      for (i, a) in args.enumerated() { stack[slot + 1 + i] = a }
      let saved = nativeTop
      nativeTop = slot + 1 + args.count
      defer { nativeTop = saved }
      return try n.body(Arguments(function: n.name, base: stack + slot + 1, count: args.count, vm: self))
    case .closure(let c):
      guard nativeNesting < maxNativeNesting else {
        var e = RuntimeError(
          "too many nested calls through built-in functions (more than \(maxNativeNesting))")
        e.isFatal = true
        throw e
      }
      stack[slot] = callee
      for (i, a) in args.enumerated() { stack[slot + 1 + i] = a }
      let saved = nativeTop
      let stopAt = frameCount
      nativeNesting += 1
      defer {
        nativeNesting -= 1
        nativeTop = saved
      }
      try pushFrame(c, fslot: slot, nargs: args.count, returnTo: slot)
      let result = try execute(stopAt: stopAt)
      stack[slot] = .null
      if frameCount > 0 { try countCallback() }
      return result
    default:
      throw RuntimeError("cannot call \(callee.kindAndValue): it is not a function")
    }
  }

  /// Releases what dead registers still hold once a top-level call has finished.
  func clearStack() {
    for i in 0..<initializedTop { stack[i] = .null }
  }

  /// Resets after an error that escaped to the top (the REPL carries on from a clean state).
  func reset() {
    frameCount = 0
    nativeTop = 0
    nativeNesting = 0
    for i in 0..<initializedTop { stack[i] = .null }
  }

  // MARK: - Budgets

  /// Runs `body` with at most `steps` more steps when no step budget is set (a script loading
  /// at start-up: an endless loop there would otherwise hang every command), then puts the
  /// budget back. A budget already set stays as it is.
  public func withStepAllowance<T>(_ steps: Int, _ body: () throws -> T) rethrows -> T {
    guard budgets.maxSteps == nil else { return try body() }
    let (limit, overflow) = stepsUsed.addingReportingOverflow(steps)
    budgets.maxSteps = overflow ? Int.max : limit
    defer { budgets.maxSteps = nil }
    return try body()
  }

  /// One step for a call from Swift into a script, plus what its run of the loop used.
  @inline(__always) func countCallback() throws {
    callbackSteps &+= 1
    while callbackSteps >= VM.checkInterval {
      callbackSteps -= VM.checkInterval
      try checkBudgets()
    }
  }

  func checkBudgets() throws {
    if interruptRequested != 0 {
      interruptRequested = 0
      var e = RuntimeError("interrupted")
      e.isFatal = true
      throw e
    }
    stepsUsed += VM.checkInterval
    if let max = budgets.maxSteps, stepsUsed > max {
      var e = RuntimeError(
        "step budget exhausted: the script ran more than \(max) steps",
        hint: "an endless loop? Raise the limit with --max-steps if the work is real")
      e.isFatal = true
      throw e
    }
    if stepsUsed % (VM.checkInterval * 16) == 0 { try checkMemory(adding: 0) }
  }

  /// Charges a result of `bytes` to the memory budget before it is made. Small results are
  /// not checked one by one (reading the process's size is a system call); the periodic check
  /// in `checkBudgets` covers many small ones.
  @inline(__always) public func charge(_ bytes: Int) throws {
    if bytes >= 1 << 16 { try checkMemory(adding: bytes) }
  }

  /// The bytes `count` values take, saturating instead of overflowing.
  static func bytes(ofValues count: Int) -> Int {
    let (b, o) = count.multipliedReportingOverflow(by: MemoryLayout<Value>.stride)
    return o ? Int.max / 2 : b
  }

  /// Stops before an allocation of `bytes` would pass the memory budget.
  public func checkMemory(adding bytes: Int) throws {
    let inUse = VM.heapInUse()
    let (total, o) = inUse.addingReportingOverflow(bytes)
    if o || total > budgets.maxMemoryBytes {
      var e = RuntimeError(
        "memory budget exhausted: this would use more than \(budgets.maxMemoryBytes >> 20) MB",
        hint: "raise the limit with --max-memory (in MB) if the data is really that large")
      e.isFatal = true
      throw e
    }
  }

  /// Resident memory of the process, from /proc/self/statm (0 where there is none).
  static func heapInUse() -> Int {
    let fd = open("/proc/self/statm", O_RDONLY)
    guard fd >= 0 else { return 0 }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 128)
    let n = read(fd, &buffer, 127)
    guard n > 0 else { return 0 }
    let fields = buffer[0..<n].split(separator: UInt8(ascii: " "))
    guard fields.count > 1, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
  }

  // MARK: - Errors

  /// Adds the place and the script-level stack trace to an error raised at `pc` in the top frame.
  /// The file of the script running now: where a host's built-in was called from (a workflow
  /// remembers where it was declared).
  public var currentFile: String? { frameCount > 0 ? frames[frameCount - 1].closure.proto.file : nil }

  func locate(_ error: inout RuntimeError, pc: Int) {
    // A host that names the place itself (`RuntimeError.declaration`) keeps it; the file is
    // the running script's.
    guard error.position == nil else {
      if error.file == nil { error.file = frames[frameCount - 1].closure.proto.file }
      return
    }
    frames[frameCount - 1].pc = pc
    var trace: [TraceEntry] = []
    var i = frameCount - 1
    while i >= 0 {
      let f = frames[i]
      let p = f.closure.proto
      // Saved pcs point after the call instruction.
      let at = i == frameCount - 1 ? pc : f.pc - 1
      trace.append(TraceEntry(function: p.name, file: p.file, position: p.position(at: at)))
      i -= 1
    }
    if let first = trace.first {
      error.file = first.file
      error.position = first.position
    }
    error.trace = trace
  }
}
