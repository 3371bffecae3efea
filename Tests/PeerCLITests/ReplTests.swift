import Foundation
import Testing

/// The REPL in a real terminal (tmux). Skipped, with a message, when tmux is not installed.
@Suite(
  "REPL under tmux", .serialized,
  .enabled(if: TmuxSession.available, "tmux is not installed: REPL tests skipped"))
struct ReplTests {
  let folder: TemporaryFolder
  let history: String

  init() throws {
    folder = try TemporaryFolder()
    history = folder.path("history")
  }

  func start() throws -> TmuxSession {
    let session = try TmuxSession(environment: ["PEER_HISTORY": history])
    let ready = session.waitFor { TmuxSession.lines($0).contains { $0.hasPrefix("peer>") } }
    #expect(ready.ok, "no prompt; screen:\n\(ready.screen)")
    #expect(ready.screen.contains("peer 0.1 — Peer script REPL. :help for help, Ctrl-D to quit."))
    return session
  }

  /// The number of prompts on screen, to wait for "the next prompt".
  static func prompts(_ screen: String) -> Int {
    TmuxSession.lines(screen).filter { $0.hasPrefix("peer>") }.count
  }

  /// At a terminal there is no step limit for what is typed, but the project's scripts that
  /// load at start-up have one: an endless loop in one ends with its file and line.
  @Test func endlessLoopAtStartUpEndsAtATerminal() throws {
    let p = folder.path("p")
    #expect(try PeerProcess.run(["init", p]).status == 0)
    try "var n = 0\nwhile true { n += 1 }\n".write(
      toFile: p + "/scripts/loop.peer", atomically: false, encoding: .utf8)
    let session = try TmuxSession(
      environment: ["PEER_HISTORY": history, "PEER_DEFAULT_MAX_STEPS": "100000"], directory: p,
      holdingTheScreen: true)
    // The screen is 100 columns wide: the message wraps.
    let said = session.waitFor { $0.contains("loop.peer:2:1: error: step budget") }
    #expect(said.ok, "screen:\n\(said.screen)")
  }

  @Test func tabCompletesBuiltinNames() throws {
    let session = try start()
    try session.type("pri")
    try session.send("Tab")
    let completed = session.waitFor { TmuxSession.lines($0).last?.hasPrefix("peer> print") == true }
    #expect(completed.ok, "screen:\n\(completed.screen)")
    try session.send("C-u")
    try session.type("print(40 + 2)")
    try session.send("Enter")
    let ran = session.waitFor { TmuxSession.lines($0).contains("42") }
    #expect(ran.ok, "screen:\n\(ran.screen)")
  }

  @Test func multiLineEntryContinuesOnDotsPrompt() throws {
    let session = try start()
    try session.type("fn f() {")
    try session.send("Enter")
    let more = session.waitFor { TmuxSession.lines($0).last == "..." }
    #expect(more.ok, "no continuation prompt; screen:\n\(more.screen)")
    try session.type("1 }")
    try session.send("Enter")
    _ = session.waitFor { Self.prompts($0) >= 2 }
    try session.type("f()")
    try session.send("Enter")
    let result = session.waitFor {
      let lines = TmuxSession.lines($0)
      guard let i = lines.firstIndex(of: "peer> f()") else { return false }
      return i + 1 < lines.count && lines[i + 1] == "1"
    }
    #expect(result.ok, "screen:\n\(result.screen)")
  }

  @Test func ctrlCInterruptsRunningCodeAndTheSessionGoesOn() throws {
    let session = try start()
    try session.type("while true {}")
    try session.send("Enter")
    // Let the loop start, then interrupt it.
    _ = session.waitFor(timeout: 0.3) { _ in false }
    try session.send("C-c")
    let back = session.waitFor { $0.contains("interrupted") && TmuxSession.lines($0).last == "peer>" }
    #expect(back.ok, "screen:\n\(back.screen)")
    try session.type("1 + 2")
    try session.send("Enter")
    let ran = session.waitFor { TmuxSession.lines($0).contains("3") }
    #expect(ran.ok, "the session did not survive; screen:\n\(ran.screen)")
  }

  @Test func ctrlCAtThePromptClearsTheLine() throws {
    let session = try start()
    try session.type("this is abandoned")
    _ = session.waitFor { $0.contains("abandoned") }
    try session.send("C-c")
    let cleared = session.waitFor { TmuxSession.lines($0).last == "peer>" && Self.prompts($0) == 2 }
    #expect(cleared.ok, "screen:\n\(cleared.screen)")
    #expect(session.isAlive)
  }

  @Test func historySurvivesARestart() throws {
    let first = try start()
    try first.type("let remembered = 42")
    try first.send("Enter")
    _ = first.waitFor { Self.prompts($0) >= 2 }
    try first.send("C-d")
    let ended = first.waitFor { _ in !first.isAlive || FileManager.default.fileExists(atPath: history) }
    #expect(ended.ok)
    _ = first.waitFor(timeout: 2) { _ in !first.isAlive }

    let second = try start()
    try second.send("Up")
    let recalled = second.waitFor { TmuxSession.lines($0).last == "peer> let remembered = 42" }
    #expect(recalled.ok, "screen:\n\(recalled.screen)")
  }

  /// A line typed with a space first stays out of the history file (someone's details), and
  /// the file is owner-only.
  @Test func aLineStartingWithASpaceIsNotKept() throws {
    let session = try start()
    try session.type("let kept = 1")
    try session.send("Enter")
    _ = session.waitFor { Self.prompts($0) >= 2 }
    try session.type(" let secret = \"Ama, 07700 900123\"")
    try session.send("Enter")
    _ = session.waitFor { Self.prompts($0) >= 3 }
    try session.send("C-d")
    _ = session.waitFor { _ in !session.isAlive }
    _ = session.waitFor(timeout: 2) { _ in FileManager.default.fileExists(atPath: history) }
    let saved = try String(contentsOfFile: history, encoding: .utf8)
    #expect(saved.contains("let kept = 1"))
    #expect(!saved.contains("secret") && !saved.contains("07700"), "\(saved)")
    var st = stat()
    #expect(stat(history, &st) == 0 && st.st_mode & 0o777 == 0o600)
  }

  @Test func errorsAndUnknownCommandsDoNotEndTheSession() throws {
    let session = try start()
    try session.type(":frobnicate")
    try session.send("Enter")
    let hint = session.waitFor { $0.contains("Unknown command :frobnicate") && Self.prompts($0) == 2 }
    #expect(hint.ok, "screen:\n\(hint.screen)")
    try session.type("assert(false, \"boom\")")
    try session.send("Enter")
    let error = session.waitFor { $0.contains("boom") && Self.prompts($0) == 3 }
    #expect(error.ok, "screen:\n\(error.screen)")
    try session.type(":quit")
    try session.send("Enter")
    let quit = session.waitFor { _ in !session.isAlive }
    #expect(quit.ok, "still running after :quit")
  }

  /// A record's own fields show after its core fields, printed alone and in a table.
  @Test func ownFieldsShowAfterTheCoreFields() throws {
    let project = folder.path("p")
    #expect(try PeerProcess.run(["init", project]).status == 0)
    let script = try folder.write(
      "own.peer",
      """
      let m = refer({name: "Ann", due_date: 2027-02-01, referral_date: 2026-11-01})
      m.allergies = "nuts"
      refer({name: "Bea", due_date: 2027-03-01, referral_date: 2026-11-02})
      """)
    #expect(try PeerProcess.run(["run", "--project", project, script]).status == 0)
    let session = try TmuxSession(environment: ["PEER_HISTORY": history], arguments: ["--project", project])
    #expect(session.waitFor { TmuxSession.lines($0).contains { $0.hasPrefix("peer>") } }.ok)
    try session.type("M-0001")
    try session.send("Enter")
    let one = session.waitFor { $0.contains("allergies") }
    #expect(one.ok, "screen:\n\(one.screen)")
    // (The line wraps at the terminal's width.)
    #expect(
      one.screen.replacingOccurrences(of: "\n", with: "").contains(
        #"status: "referred", allergies: "nuts")"#),
      "screen:\n\(one.screen)")
    try session.type("mothers | sort .name")
    try session.send("Enter")
    let table = session.waitFor { TmuxSession.lines($0).contains { $0.hasPrefix("M-0002") } }
    #expect(table.ok, "screen:\n\(table.screen)")
    let header = TmuxSession.lines(table.screen).last { $0.hasPrefix("id ") } ?? ""
    #expect(header.contains("allergies"), "header: \(header)")
    if let status = header.range(of: "status"), let own = header.range(of: "allergies") {
      #expect(status.upperBound <= own.lowerBound)
    }
  }

  @Test func listsOfMapsShowAsTablesAndValuesAreKeptInUnderscore() throws {
    let session = try start()
    try session.type("[{name: \"Ann\", age: 31}, {name: \"Bob\", age: 7, town: \"Leeds\"}]")
    try session.send("Enter")
    let table = session.waitFor { $0.contains("Bob     7  Leeds") }
    #expect(table.ok, "screen:\n\(table.screen)")
    let lines = TmuxSession.lines(table.screen)
    #expect(lines.contains("name  age  town"))
    #expect(lines.contains("Ann    31"))
    try session.type("len(_)")
    try session.send("Enter")
    let kept = session.waitFor { TmuxSession.lines($0).contains("2") }
    #expect(kept.ok, "screen:\n\(kept.screen)")
  }

  /// A line starting with `|` continues the entry before it, so pipelines pasted from the docs
  /// (a stage a line) run as written.
  @Test func aLineStartingWithABarContinuesThePreviousEntry() throws {
    let session = try start()
    try session.type("[3, 1, 2]")
    try session.send("Enter")
    _ = session.waitFor { TmuxSession.lines($0).contains("[3, 1, 2]") }
    try session.type("  | sort it")
    try session.send("Enter")
    let sorted = session.waitFor { TmuxSession.lines($0).contains("[1, 2, 3]") }
    #expect(sorted.ok, "screen:\n\(sorted.screen)")
    try session.type("  | map it * 10")
    try session.send("Enter")
    let mapped = session.waitFor { TmuxSession.lines($0).contains("[10, 20, 30]") }
    #expect(mapped.ok, "screen:\n\(mapped.screen)")
    // A `let` pasted with its stages on the lines below.
    for line in ["let names = [\"Cy\", \"Ann\", \"Bo\"]", "  | sort it", "  | take 2", "print(names)"] {
      try session.type(line)
      try session.send("Enter")
    }
    let pasted = session.waitFor { TmuxSession.lines($0).contains("[\"Ann\", \"Bo\"]") }
    #expect(pasted.ok, "screen:\n\(pasted.screen)")
  }

  /// A block pasted whole (bracketed paste) is one entry: shown as pasted, run once by Enter,
  /// its last value shown; history keeps it as one entry too.
  @Test func aPastedBlockRunsAsOneEntry() throws {
    let session = try start()
    try session.paste(
      "let xs = [1, 2, 3]\nvar total = 0\nfor x in xs { total += x }\nxs\n  | map it * total\n  | sum\n")
    let shown = session.waitFor { $0.contains("  | sum") }
    #expect(shown.ok, "screen:\n\(shown.screen)")
    #expect(Self.prompts(shown.screen) == 1, "nothing runs before Enter; screen:\n\(shown.screen)")
    try session.send("Enter")
    let ran = session.waitFor { TmuxSession.lines($0).contains("36") && Self.prompts($0) == 2 }
    #expect(ran.ok, "one entry, one answer; screen:\n\(ran.screen)")
    #expect(!ran.screen.contains("..."), "no continuation prompts; screen:\n\(ran.screen)")
  }

  /// `:help` knows every keyword, stage and declaration clause, at the prompt and piped.
  @Test func helpForDeclarationsAtThePrompt() throws {
    let session = try start()
    try session.type(":help suppress")
    try session.send("Enter")
    let said = session.waitFor { $0.contains("suppress under N") }
    #expect(said.ok, "screen:\n\(said.screen)")
  }

  /// The REPL at its prompt on a new project holding one referred mother, Ann (M-0001).
  func replOnOneMother() throws -> TmuxSession {
    let project = folder.path("p")
    #expect(try PeerProcess.run(["init", project]).status == 0)
    let script = try folder.write("refer.peer", "refer({name: \"Ann\", due_date: 2027-02-01})\n")
    #expect(try PeerProcess.run(["run", "--project", project, script]).status == 0)
    let session = try TmuxSession(environment: ["PEER_HISTORY": history], arguments: ["--project", project])
    #expect(session.waitFor { TmuxSession.lines($0).contains { $0.hasPrefix("peer>") } }.ok)
    return session
  }

  /// A stored collection typed alone shows its items as a table, never "<mothers>".
  @Test func aBareCollectionShowsATable() throws {
    let session = try replOnOneMother()
    try session.type("mothers")
    try session.send("Enter")
    let table = session.waitFor { TmuxSession.lines($0).contains { $0.hasPrefix("M-0001") } }
    #expect(table.ok, "screen:\n\(table.screen)")
    #expect(!table.screen.contains("<mothers>"), "screen:\n\(table.screen)")
  }

  /// Setting a field at the REPL says what changed, once it is saved; a refused change says
  /// nothing was.
  @Test func settingAFieldSaysWhatChanged() throws {
    let session = try replOnOneMother()
    try session.type("M-0001.name = \"Anne\"")
    try session.send("Enter")
    let said = session.waitFor { TmuxSession.lines($0).contains("M-0001.name: \"Ann\" -> \"Anne\" (saved)") }
    #expect(said.ok, "screen:\n\(said.screen)")
    try session.type("M-0001.name = \"Bea\"; error(\"stop\")")
    try session.send("Enter")
    let refused = session.waitFor { $0.contains("stop") && Self.prompts($0) >= 3 }
    #expect(refused.ok, "screen:\n\(refused.screen)")
    #expect(!refused.screen.contains("\"Bea\" (saved)"), "screen:\n\(refused.screen)")
  }

  /// Records left in a status the project's workflow no longer has are announced when the
  /// REPL starts (the nightly log says it too, but coordinators read the REPL).
  @Test func straysAreAnnouncedAtTheStart() throws {
    let folder = try TemporaryFolder()
    let p = folder.path("p")
    #expect(try PeerProcess.run(["init", p]).status == 0)
    try "refer({name: \"Ann\"})\n".write(toFile: folder.path("refer.peer"), atomically: false, encoding: .utf8)
    let made = try PeerProcess.run(["run", "--project", p, folder.path("refer.peer")])
    #expect(made.status == 0, "\(made.stderr)")
    try "workflow support {\n  waiting -> matched -> active\n}\n".write(
      toFile: p + "/scripts/flow.peer", atomically: false, encoding: .utf8)
    let session = try TmuxSession(
      environment: ["PEER_HISTORY": folder.path("history")], arguments: ["--project", p])
    let start = session.waitFor { TmuxSession.lines($0).contains { $0.hasPrefix("peer>") } }
    #expect(start.ok, "screen:\n\(start.screen)")
    #expect(
      start.screen.contains(
        "note: 1 mother is \"referred\", a status workflow support no longer has (support.strays lists them)"),
      "screen:\n\(start.screen)")
    // Nothing to do yet: no line about tasks.
    #expect(!start.screen.contains("open task"), "screen:\n\(start.screen)")
  }

  /// The open tasks and flags are counted when the REPL starts, the overdue ones apart.
  @Test func openWorkIsCountedAtTheStart() throws {
    let folder = try TemporaryFolder()
    let p = folder.path("p")
    #expect(try PeerProcess.run(["init", p]).status == 0)
    try """
    workflow support {
      referred -> assessed
      every day "waiting" {
        for m in mothers | where .status == "referred" { task(m, "Call {m.name}", m.referral_date + 7 days) }
        for m in mothers | where .phone == nil and .name == "Ann" { flag(m, "No phone number") }
      }
    }
    """.write(toFile: p + "/scripts/flow.peer", atomically: false, encoding: .utf8)
    try """
    refer({name: "Ann", referral_date: 2026-11-01})
    refer({name: "Bo", referral_date: 2026-11-25, phone: "07700 900123"})
    run_rules()
    """.write(toFile: folder.path("setup.peer"), atomically: false, encoding: .utf8)
    let made = try PeerProcess.run([
      "run", "--project", p, "--today", "2026-11-26", folder.path("setup.peer"),
    ])
    #expect(made.status == 0, "\(made.stderr)")
    let session = try TmuxSession(
      environment: ["PEER_HISTORY": folder.path("history")],
      arguments: ["--project", p, "--today", "2026-11-26"])
    let start = session.waitFor { TmuxSession.lines($0).contains { $0.hasPrefix("peer>") } }
    #expect(
      start.screen.contains("2 open tasks (1 overdue) and 1 open flag: see tasks, overdue and flags"),
      "screen:\n\(start.screen)")
  }
}
