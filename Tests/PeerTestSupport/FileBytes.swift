import Foundation

/// The bytes of a file (none when it does not exist): what the erasure tests scan for strings
/// that must be gone from a database's own files.
public func readBytes(_ path: String) -> [UInt8] {
  guard let data = FileManager.default.contents(atPath: path) else { return [] }
  return [UInt8](data)
}

/// Whether `needle` occurs in `haystack`.
public func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
  guard !needle.isEmpty, haystack.count >= needle.count else { return false }
  let first = needle[0]
  var i = 0
  let last = haystack.count - needle.count
  while i <= last {
    if haystack[i] == first && Array(haystack[i..<(i + needle.count)]) == needle { return true }
    i += 1
  }
  return false
}
