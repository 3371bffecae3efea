import PeerScript
import Testing

@testable import PeerCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The demo's quarterly report in HTML: its structure, and headless Chromium (Debian's
/// `chromium`, installed by Scripts/setup) opening it without a console message.
@Suite("Report in a browser", .serialized)
struct ReportBrowserTests {
  /// Opens a page in headless Chromium; its DOM after loading and every console message (Chromium
  /// logs them to stderr as `INFO:CONSOLE` lines when logging is on).
  static func open(_ path: String) throws -> (dom: String, console: [String]) {
    guard FileSystem.exists("/usr/bin/chromium") else {
      throw TestFailure("chromium is missing: run Scripts/setup --for-tests")
    }
    let errors = path + ".stderr"
    defer { unlink(errors) }
    let command =
      "timeout 120 /usr/bin/chromium --headless --disable-gpu --no-sandbox --no-first-run "
      + "--user-data-dir='\(path).profile' --enable-logging=stderr --v=0 --dump-dom 'file://\(path)' 2>'\(errors)'"
    guard let pipe = popen(command, "r") else { throw TestFailure("cannot start chromium") }
    var dom = ""
    var buffer = [CChar](repeating: 0, count: 65536)
    while fgets(&buffer, Int32(buffer.count), pipe) != nil { dom += String(cString: buffer) }
    pclose(pipe)
    removeTree(path + ".profile")
    let console = try FileSystem.read(errors).split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(
      String.init)
    return (dom, console)
  }

  @Test func theQuarterlyReportOpensWithoutConsoleMessages() throws {
    let result = try ReportFixture.run("quarterly.run(quarter(2026-07-01))")
    let html = ReportFormat.html.render(result)
    #expect(html.components("<table>") == result.tables.count)
    #expect(html.components("<svg ") == result.charts.count)
    #expect(result.tables.count == 5 && result.charts.count == 2)
    let folder = makeTempFolder()
    defer { removeTree(folder) }
    let path = folder + "/quarterly.html"
    try OutputFile.write(html, to: path)
    let page = try Self.open(path)
    #expect(page.console == [])
    // The browser read every table and chart.
    #expect(page.dom.components("<table>") == result.tables.count)
    #expect(page.dom.components("<svg ") == result.charts.count)
    #expect(page.dom.contains("Quarterly activity, Q2 2026/27"))
  }

  /// The check above could fail: a page with a script error is caught.
  @Test func aConsoleErrorIsSeen() throws {
    let folder = makeTempFolder()
    defer { removeTree(folder) }
    let path = folder + "/bad.html"
    try FileSystem.write(
      "<!DOCTYPE html><html><body><p>x</p><script>console.error('boom'); missing();</script></body></html>",
      to: path)
    let page = try Self.open(path)
    #expect(page.console.count == 2)
    #expect(page.console.contains { $0.contains("boom") })
  }
}
