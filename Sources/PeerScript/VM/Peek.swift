/// Reads the list inside a register without retaining it.
///
/// Why: in `flags[j] = false` the VM would otherwise retain and release the list on every
/// access (two atomic operations, most of the cost of the loop). `Value` keeps a class payload
/// as a plain pointer in its first 8 bytes and the case in its 9th; the tag of `.list` is read
/// from a real value once, so a change of the enum's layout makes this return nil (the slow,
/// safe path) rather than misread memory.
enum Peek {
  static let listTag: UInt8? = {
    guard MemoryLayout<Value>.size == 9 else { return nil }
    var v = Value.list(ListObject())
    let tag = withUnsafeBytes(of: &v) { $0[8] }
    var w = Value.int(0)
    let intTag = withUnsafeBytes(of: &w) { $0[8] }
    return tag == intTag ? nil : tag
  }()

  @inline(__always)
  static func list(_ p: UnsafeMutablePointer<Value>, tag: UInt8?) -> Unmanaged<ListObject>? {
    guard let tag else { return nil }
    let raw = UnsafeRawPointer(p)
    guard raw.load(fromByteOffset: 8, as: UInt8.self) == tag else { return nil }
    return Unmanaged<ListObject>.fromOpaque(raw.load(as: UnsafeRawPointer.self))
  }
}
