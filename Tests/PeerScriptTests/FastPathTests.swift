import Testing

@testable import PeerScript

/// The VM's fast paths read `Value`'s layout (VM/Peek.swift) and turn themselves off, safely,
/// when a Swift update lays the enum out differently. Off, every script still runs, only
/// slower: this test is what says so.
@Suite("The VM's fast paths")
struct FastPathTests {
  @Test func valueIsLaidOutAsThePeeksExpect() {
    #expect(MemoryLayout<Value>.size == 9, "Value is \(MemoryLayout<Value>.size) bytes, not 9")
    #expect(Peek.listTag != nil, "lists are read through retain and release")
    #expect(Peek.cellTag != nil, "captured cells are read through retain and release")
    #expect(Peek.closureTag != nil, "closures are called through retain and release")
    #expect(Peek.trivialTags != nil, "registers holding numbers are written through release calls")
  }

  @Test func thePeeksReadWhatTheValueHolds() {
    var list = Value.list(ListObject([.int(7)]))
    var number = Value.int(7)
    withUnsafeMutablePointer(to: &list) { p in
      #expect(Peek.list(p, tag: Peek.listTag)?.takeUnretainedValue().items == [.int(7)])
      #expect(Peek.cell(p, tag: Peek.cellTag) == nil)
    }
    withUnsafeMutablePointer(to: &number) { p in
      #expect(Peek.list(p, tag: Peek.listTag) == nil)
    }
  }
}
