/// Text on its way to a terminal, made harmless: a control character typed into a record
/// (ESC starting a sequence that clears the screen or retitles the window, a carriage return
/// overwriting a line, a bidirectional override reordering what is read) is shown as an
/// escape such as `\x1b` instead of being obeyed. Line breaks and tabs pass through. The data
/// and files keep the raw characters; only what a person reads on a terminal is escaped.
public enum TerminalText {
  /// Whether `scalar` would be obeyed by a terminal (or reorder the text) rather than shown.
  @inline(__always)
  public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    let v = scalar.value
    if v < 0x20 || v == 0x7f { return true }
    if v < 0x80 { return false }
    return v < 0xa0 || (0x202a...0x202e).contains(v) || (0x2066...0x2069).contains(v)
      || v == 0x200e || v == 0x200f
  }

  /// The escape shown for a control character: `\x1b`, or `\u{202e}` above one byte.
  public static func escape(_ scalar: Unicode.Scalar) -> String {
    let hex = String(scalar.value, radix: 16)
    return scalar.value < 0x100 ? "\\x" + (hex.count < 2 ? "0" + hex : hex) : "\\u{" + hex + "}"
  }

  /// `text` with every control character but line breaks and tabs escaped.
  public static func safe(_ text: String) -> String {
    // Fast path: most text holds nothing to escape.
    guard text.unicodeScalars.contains(where: { isControl($0) && $0 != "\n" && $0 != "\t" }) else {
      return text
    }
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      if isControl(scalar) && scalar != "\n" && scalar != "\t" {
        out.append(contentsOf: escape(scalar).unicodeScalars)
      } else {
        out.append(scalar)
      }
    }
    return String(out)
  }
}
