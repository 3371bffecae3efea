/// Reads the list inside a register without retaining it.
///
/// Why: in `flags[j] = false` the VM would otherwise retain and release the list on every
/// access (two atomic operations, most of the cost of the loop). `Value` keeps a class payload
/// as a plain pointer in its first 8 bytes and the case in its 9th; the tag of `.list` is read
/// from a real value once, so a change of the enum's layout makes this return nil (the slow,
/// safe path) rather than misread memory.
enum Peek {
  /// The tag byte of a case holding a reference, read from a real value; nil when `Value` is
  /// not laid out as expected (9 bytes, the tag apart from the payload), so callers take the
  /// safe path.
  static func referenceTag(of value: Value) -> UInt8? {
    guard MemoryLayout<Value>.size == 9 else { return nil }
    func tag(_ v: Value) -> UInt8 {
      var v = v
      return withUnsafeBytes(of: &v) { $0[8] }
    }
    let t = tag(value)
    return t == tag(.int(0)) ? nil : t
  }

  /// The object in a register whose tag byte is `tag`, unretained; nil for any other case.
  @inline(__always)
  static func object<T: AnyObject>(_ p: UnsafeMutablePointer<Value>, tag: UInt8?) -> Unmanaged<T>? {
    guard let tag else { return nil }
    let raw = UnsafeRawPointer(p)
    guard raw.load(fromByteOffset: 8, as: UInt8.self) == tag else { return nil }
    return Unmanaged<T>.fromOpaque(raw.load(as: UnsafeRawPointer.self))
  }

  static let listTag = referenceTag(of: Value.list(ListObject()))

  static let cellTag = referenceTag(of: Value.cell(Cell(.null)))

  static let closureTag = referenceTag(
    of: Value.closure(Closure(proto: FunctionProto(name: "", file: ""), cells: [])))

  static let nativeTag = referenceTag(
    of: Value.native(NativeFunction("", arity: 0...0, doc: "", body: { _ in .null })))

  @inline(__always)
  static func native(_ p: UnsafeMutablePointer<Value>, tag: UInt8?) -> Unmanaged<NativeFunction>? {
    object(p, tag: tag)
  }

  @inline(__always)
  static func closure(_ p: UnsafeMutablePointer<Value>, tag: UInt8?) -> Unmanaged<Closure>? {
    object(p, tag: tag)
  }

  @inline(__always)
  static func cell(_ p: UnsafeMutablePointer<Value>, tag: UInt8?) -> Unmanaged<Cell>? {
    object(p, tag: tag)
  }

  @inline(__always)
  static func list(_ p: UnsafeMutablePointer<Value>, tag: UInt8?) -> Unmanaged<ListObject>? {
    object(p, tag: tag)
  }
}

extension Peek {
  /// The tag bytes of the cases without references (nil, yes/no, numbers, dates, durations),
  /// read from real values; `nil` when the layout is not the expected one.
  static let trivialTags: (low: UInt8, high: UInt8, null: UInt8)? = {
    guard MemoryLayout<Value>.size == 9 else { return nil }
    func tag(_ v: Value) -> UInt8 {
      var v = v
      return withUnsafeBytes(of: &v) { $0[8] }
    }
    let tags = [
      tag(.bool(true)), tag(.int(1)), tag(.float(1)), tag(.date(1)), tag(.duration(Duration(days: 1))),
    ]
    let sorted = tags.sorted()
    guard Set(tags).count == 5, sorted.last! - sorted.first! == 4 else { return nil }
    let references = [tag(.text("x")), tag(.list([])), tag(.map(MapObject())), tag(.cell(Cell(.null)))]
    let null = tag(.null)
    guard !references.contains(where: { ($0 >= sorted[0] && $0 <= sorted[4]) || $0 == null }) else {
      return nil
    }
    return (sorted[0], sorted[4], null)
  }()

  /// Stores a value that holds no reference into a register. When the register's old value
  /// holds none either, nothing needs releasing and the store is a plain write.
  @inline(__always)
  static func store(
    _ p: UnsafeMutablePointer<Value>, _ v: Value, _ tags: (low: UInt8, high: UInt8, null: UInt8)?
  ) {
    if let tags {
      let old = UnsafeRawPointer(p).load(fromByteOffset: 8, as: UInt8.self)
      if (old >= tags.low && old <= tags.high) || old == tags.null {
        p.initialize(to: v)
        return
      }
    }
    p.pointee = v
  }

  /// Copies register `from` to `to` with plain memory copies when neither holds a reference.
  @inline(__always)
  static func move(
    _ to: UnsafeMutablePointer<Value>, _ from: UnsafeMutablePointer<Value>,
    _ tags: (low: UInt8, high: UInt8, null: UInt8)?
  ) {
    if let tags {
      let a = UnsafeRawPointer(to).load(fromByteOffset: 8, as: UInt8.self)
      let b = UnsafeRawPointer(from).load(fromByteOffset: 8, as: UInt8.self)
      if ((a >= tags.low && a <= tags.high) || a == tags.null)
        && ((b >= tags.low && b <= tags.high) || b == tags.null)
      {
        UnsafeMutableRawPointer(to).copyMemory(
          from: UnsafeRawPointer(from), byteCount: MemoryLayout<Value>.size)
        return
      }
    }
    to.pointee = from.pointee
  }
}

extension Peek {
  /// Sets to nil every register of a window that holds a reference.
  @inline(__always)
  static func clear(
    _ base: UnsafeMutablePointer<Value>, count: Int, _ tags: (low: UInt8, high: UInt8, null: UInt8)?
  ) {
    guard let tags else {
      for i in 0..<count { base[i] = .null }
      return
    }
    for i in 0..<count {
      let t = UnsafeRawPointer(base + i).load(fromByteOffset: 8, as: UInt8.self)
      if !((t >= tags.low && t <= tags.high) || t == tags.null) { base[i] = .null }
    }
  }
}
