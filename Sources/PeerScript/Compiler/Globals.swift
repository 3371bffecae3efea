/// The global variables: built-ins and everything a script defines at its top level. Names are
/// resolved to slots at compile time, so a global read in the VM is one array access. The table
/// outlives a single script: the REPL and a project's scripts share it.
final class Globals {
  public private(set) var names: [String] = []
  var index: [String: Int] = [:]
  /// Whether a script may assign to it (built-ins and `let` are not).
  var mutable: [Bool] = []
  /// Whether the slot was defined by a script (as opposed to a built-in).
  var userDefined: [Bool] = []
  // Unchecked (read on every run of the loop, every callback of a pipeline): a pointer read
  // and assigned whole (when the table grows), never inout.
  @exclusivity(unchecked) private(set) var values: UnsafeMutablePointer<Value>
  private var capacity: Int

  init() {
    capacity = 1024
    values = .allocate(capacity: capacity)
    values.initialize(repeating: .null, count: capacity)
  }

  deinit {
    values.deinitialize(count: capacity)
    values.deallocate()
  }

  /// One text object per distinct text constant across all compiled code, so field names and
  /// map keys written in different functions are the same object and compare by identity.
  private var interned: [String: StringObject] = [:]

  func intern(_ text: String) -> StringObject {
    if let s = interned[text] { return s }
    let s = StringObject(text)
    interned[text] = s
    return s
  }

  public func slot(of name: String) -> Int? { index[name] }

  /// Returns the slot for `name`, creating it if needed. Only called while compiling, never
  /// while the VM runs, so the storage may move here.
  func define(_ name: String, mutable isMutable: Bool, user: Bool) -> Int {
    if let i = index[name] {
      mutable[i] = isMutable
      userDefined[i] = userDefined[i] || user
      return i
    }
    let i = names.count
    if i == capacity {
      let bigger = UnsafeMutablePointer<Value>.allocate(capacity: capacity * 2)
      bigger.moveInitialize(from: values, count: capacity)
      bigger.advanced(by: capacity).initialize(repeating: .null, count: capacity)
      values.deallocate()
      values = bigger
      capacity *= 2
    }
    names.append(name)
    index[name] = i
    mutable.append(isMutable)
    userDefined.append(user)
    return i
  }

  public subscript(name: String) -> Value? {
    guard let i = index[name] else { return nil }
    return values[i]
  }

  func set(_ name: String, _ value: Value, mutable isMutable: Bool = false, user: Bool = false) {
    let i = define(name, mutable: isMutable, user: user)
    values[i] = value
  }
}
