#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads a CSV file (RFC 4180: quoted fields with commas, quotes and newlines; LF, CRLF or CR
/// line ends; a UTF-8 byte-order mark skipped) one row at a time, keeping the row's unquoted
/// bytes in one reused buffer, and counting physical lines so errors can name them.
///
/// Hand-written rather than CSV.swift's reader, which is checked against it in the tests: that
/// one decodes a scalar at a time through an `AnyIterator` and takes 5.4 s to read 1,000,000
/// visit rows, where the whole of sqlite3's `.import` of the same file takes 1.6 s.
final class CSVScanner {
  private let file: UnsafeMutablePointer<FILE>
  private let chunk: UnsafeMutablePointer<UInt8>
  private let chunkCapacity = 1 << 20
  private var chunkCount = 0
  private var chunkIndex = 0
  private var bytesBefore = 0  // bytes of the file before the current chunk
  private var atEnd = false

  /// The current row's fields, unquoted, back to back.
  private(set) var bytes: UnsafeMutablePointer<UInt8>
  private var bytesCapacity = 4096
  private var length = 0
  /// Where each field of the current row ends in `bytes`.
  private(set) var ends: [Int] = []
  /// Whether the current row has a byte over 0x7F (so its text must be checked as UTF-8).
  private(set) var hasHighBytes = false

  /// The file's size in bytes.
  let totalBytes: Int
  /// The line the current row starts on (the first line is 1).
  private(set) var rowLine = 0
  private var line = 1

  /// The file's name as messages give it (`visits.csv:12: ...`).
  let fileName: String

  /// Opens `path`; the error is one sentence.
  init(path: String) throws {
    fileName = String(path.split(separator: "/").last ?? Substring(path))
    guard let f = fopen(path, "rb") else {
      throw ImportError(problems: ["cannot read \(path): \(String(cString: strerror(errno)))"])
    }
    file = f
    var st = stat()
    totalBytes = fstat(fileno(f), &st) == 0 ? Int(st.st_size) : 0
    chunk = .allocate(capacity: chunkCapacity)
    bytes = .allocate(capacity: bytesCapacity)
    ends.reserveCapacity(32)
    refill()
    // A UTF-8 byte-order mark (Excel writes one) is not part of the first field.
    if chunkCount >= 3, chunk[0] == 0xEF, chunk[1] == 0xBB, chunk[2] == 0xBF { chunkIndex = 3 }
  }

  deinit {
    fclose(file)
    chunk.deallocate()
    bytes.deallocate()
  }

  /// Bytes of the file read so far.
  var bytesDone: Int { bytesBefore + chunkIndex }

  var fieldCount: Int { ends.count }

  private func refill() {
    bytesBefore += chunkCount
    chunkIndex = 0
    chunkCount = fread(chunk, 1, chunkCapacity, file)
    if chunkCount <= 0 {
      chunkCount = 0
      atEnd = true
    }
  }

  @inline(__always) private func append(_ b: UInt8) {
    if length == bytesCapacity {
      let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: bytesCapacity * 2)
      bigger.update(from: bytes, count: length)
      bytes.deallocate()
      bytes = bigger
      bytesCapacity *= 2
    }
    bytes[length] = b
    length += 1
  }

  @inline(__always) private func append(_ run: UnsafeMutablePointer<UInt8>, count: Int) {
    if count == 0 { return }
    while length + count > bytesCapacity {
      let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: bytesCapacity * 2)
      bigger.update(from: bytes, count: length)
      bytes.deallocate()
      bytes = bigger
      bytesCapacity *= 2
    }
    (bytes + length).update(from: run, count: count)
    length += count
  }

  /// The next byte, or nil at the end of the file.
  @inline(__always) private func next() -> UInt8? {
    if chunkIndex == chunkCount {
      if atEnd { return nil }
      refill()
      if atEnd { return nil }
    }
    let b = chunk[chunkIndex]
    chunkIndex += 1
    return b
  }

  @inline(__always) private func peek() -> UInt8? {
    if chunkIndex == chunkCount {
      if atEnd { return nil }
      refill()
      if atEnd { return nil }
    }
    return chunk[chunkIndex]
  }

  /// Reads the next row that is not blank; false at the end of the file. Throws when a quoted
  /// field is still open at the end of the file.
  func nextRow() throws -> Bool {
    while true {
      length = 0
      ends.removeAll(keepingCapacity: true)
      hasHighBytes = false
      rowLine = line
      guard var b = next() else { return false }
      var high: UInt8 = 0
      var quotedAny = false
      fields: while true {
        if b == 0x22 {  // a quoted field
          quotedAny = true
          while true {
            guard let c = next() else {
              throw ImportError(problems: [
                "\(fileName):\(rowLine): a quoted field is not closed before the end of the file"
              ])
            }
            if c == 0x22 {
              if peek() == 0x22 {
                _ = next()
                append(0x22)
                continue
              }
              break
            }
            if c == 0x0A || (c == 0x0D && peek() != 0x0A) { line += 1 }
            high |= c
            append(c)
          }
          // Anything after the closing quote up to the delimiter is kept (as spreadsheets do).
          guard let c = next() else {
            ends.append(length)
            break fields
          }
          b = c
          while b != 0x2C && b != 0x0A && b != 0x0D {
            high |= b
            append(b)
            guard let c = next() else {
              ends.append(length)
              break fields
            }
            b = c
          }
        } else {
          while b != 0x2C && b != 0x0A && b != 0x0D {
            high |= b
            append(b)
            // The rest of the field's run of ordinary bytes in this chunk, copied at once.
            var i = chunkIndex
            while i < chunkCount {
              let c = chunk[i]
              if c == 0x2C || c == 0x0A || c == 0x0D { break }
              high |= c
              i += 1
            }
            append(chunk + chunkIndex, count: i - chunkIndex)
            chunkIndex = i
            guard let c = next() else {
              ends.append(length)
              break fields
            }
            b = c
          }
        }
        ends.append(length)
        if b == 0x2C {
          guard let c = next() else {
            ends.append(length)
            break fields
          }
          b = c
          continue
        }
        // The end of the line.
        if b == 0x0D, peek() == 0x0A { _ = next() }
        line += 1
        break
      }
      hasHighBytes = high >= 0x80
      if ends.count == 1 && length == 0 && !quotedAny { continue }  // a blank line
      return true
    }
  }

  /// Field `i` of the current row as bytes.
  @inline(__always) func field(_ i: Int) -> UnsafeBufferPointer<UInt8> {
    let start = i == 0 ? 0 : ends[i - 1]
    return UnsafeBufferPointer(start: bytes + start, count: ends[i] - start)
  }

  /// Field `i` as text (invalid UTF-8 replaced; see `isValidUTF8`).
  func text(_ i: Int) -> String {
    String(decoding: field(i), as: UTF8.self)
  }

  /// Whether field `i` is well-formed UTF-8.
  func isValidUTF8(_ i: Int) -> Bool {
    String(validating: field(i), as: UTF8.self) != nil
  }

  /// The current row's fields as texts.
  func row() -> [String] { (0..<ends.count).map(text) }
}
