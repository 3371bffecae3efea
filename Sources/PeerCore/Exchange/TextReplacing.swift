extension String {
  /// Every `target` character replaced by `replacement` (quoting for CSV, escaping for HTML),
  /// without Foundation.
  func replacingAll(_ target: Character, with replacement: String) -> String {
    var out = ""
    for c in self {
      if c == target { out += replacement } else { out.append(c) }
    }
    return out
  }
}
