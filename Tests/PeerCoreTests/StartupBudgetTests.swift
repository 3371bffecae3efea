import PeerCalendar
import PeerCore
import PeerScript
import PeerStore
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// An endless loop at the top of a project script ends with a message naming its file and line,
/// instead of hanging every command that loads the scripts.
@Suite("A runaway script at start-up")
struct StartupBudgetTests {
  @Test func aLoopInAScriptLoadingAtStartUpStops() throws {
    let folder = makeTempFolder()
    defer { removeTree(folder) }
    mkdir(folder + "/p", 0o700)
    mkdir(folder + "/p/scripts", 0o700)
    let project = Project(folder: folder + "/p")
    try FileSystem.write("let ready = true\nwhile true {}\n", to: folder + "/p/scripts/runaway.peer")
    let store = try SQLiteStore(path: project.databasePath, user: "t", create: true)
    var options = InterpreterOptions()
    options.today = CivilDate(year: 2026, month: 11, day: 26)
    let session = Session(store: store, options: options)
    session.startupSteps = 100_000
    do {
      try session.loadScripts(of: project)
      Issue.record("the loop did not stop")
    } catch let e as RuntimeError {
      #expect(e.message.hasPrefix("step budget exhausted"), "\(e.message)")
      #expect(e.file?.hasSuffix("scripts/runaway.peer") == true && e.position?.line == 2, "\(e)")
    }
    // The budget was for loading only: the session itself has none afterwards.
    #expect(session.interpreter.vm.budgets.maxSteps == nil)
  }
}
