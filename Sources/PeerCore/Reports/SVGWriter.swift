/// A small writer of SVG: elements with attributes, text escaped. Enough for the report charts,
/// and no dependency: the HTML report must work offline and be emailed as one file.
struct SVGWriter {
  private(set) var body = ""
  let width: Double
  let height: Double

  init(width: Double, height: Double) {
    self.width = width
    self.height = height
  }

  mutating func element(_ name: String, _ attributes: [(String, String)], text: String? = nil) {
    body += "<\(name)"
    for (key, value) in attributes { body += " \(key)=\"\(SVGWriter.escape(value))\"" }
    if let text { body += ">\(SVGWriter.escape(text))</\(name)>\n" } else { body += "/>\n" }
  }

  mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, title: String? = nil)
  {
    let attributes = [
      ("x", n(x)), ("y", n(y)), ("width", n(max(0, width))), ("height", n(max(0, height))), ("fill", fill),
    ]
    if let title {
      body += "<g>"
      element("rect", attributes)
      element("title", [], text: title)
      body += "</g>\n"
    } else {
      element("rect", attributes)
    }
  }

  mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1) {
    element(
      "line",
      [
        ("x1", n(x1)), ("y1", n(y1)), ("x2", n(x2)), ("y2", n(y2)), ("stroke", stroke),
        ("stroke-width", n(width)),
      ])
  }

  mutating func text(
    _ s: String, x: Double, y: Double, anchor: String = "start", size: Double = 12, fill: String = "#333",
    weight: String? = nil
  ) {
    var attributes = [
      ("x", n(x)), ("y", n(y)), ("text-anchor", anchor), ("font-size", n(size)), ("fill", fill),
    ]
    if let weight { attributes.append(("font-weight", weight)) }
    element("text", attributes, text: s)
  }

  mutating func polyline(_ points: [(Double, Double)], stroke: String) {
    element(
      "polyline",
      [
        ("points", points.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " ")), ("fill", "none"),
        ("stroke", stroke), ("stroke-width", "2.5"), ("stroke-linejoin", "round"),
      ])
  }

  mutating func circle(x: Double, y: Double, r: Double, fill: String, title: String) {
    body += "<g>"
    element("circle", [("cx", n(x)), ("cy", n(y)), ("r", n(r)), ("fill", fill)])
    element("title", [], text: title)
    body += "</g>\n"
  }

  /// The finished `<svg>` element, scaling to the page's width.
  func svg(label: String) -> String {
    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" "
      + "aria-label=\"\(SVGWriter.escape(label))\" font-family=\"system-ui, sans-serif\">\n\(body)</svg>"
  }

  /// Coordinates with at most one decimal: smaller files, same drawing.
  func n(_ d: Double) -> String {
    let r = (d * 10).rounded() / 10
    return r == r.rounded() ? String(Int(r)) : String(r)
  }

  /// Text made safe inside HTML or SVG, in an element or a quoted attribute (also the forms' HTML).
  static func escape(_ s: String) -> String {
    var out = ""
    for c in s {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.append(c)
      }
    }
    return out
  }
}
