/// The figures a report's texts publish while it runs under `suppress`: each interpolated count
/// (and each `percent(part, whole)`) is noted and written as a marker, and the marker is replaced
/// once the whole run is known, because whether a figure may be shown depends on every table.
enum TextFigure: Equatable {
  case count(Int)
  case percent(part: Int, whole: Int)
}

enum TextFigures {
  /// What a hidden percentage reads as (the legend explains "[c]").
  static let hiddenShare = "[c]%"

  static func marker(_ slot: Int) -> String { "\u{E000}\(slot)\u{E001}" }

  /// A whole percentage, as people read it: 6%.
  static func percent(part: Int, whole: Int) -> String {
    guard whole != 0 else { return "0%" }
    return "\(Int((100 * Double(part) / Double(whole)).rounded()))%"
  }

  /// The text with each marker replaced by what `shown` says for its slot.
  static func fill(_ text: String, _ shown: (Int) -> String) -> String {
    guard text.contains("\u{E000}") else { return text }
    var out = ""
    var slot: String?
    for c in text {
      if c == "\u{E000}" {
        slot = ""
      } else if c == "\u{E001}", let s = slot {
        out += shown(Int(s) ?? 0)
        slot = nil
      } else if slot != nil {
        slot!.append(c)
      } else {
        out.append(c)
      }
    }
    return out
  }
}
