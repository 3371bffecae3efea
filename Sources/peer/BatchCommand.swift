import ArgumentParser
import CReadline
import PeerCalendar
import PeerCore
import PeerPostgres
import PeerScript
import PeerStore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `peer batch FILE [--as-of DATE] [--dry-run] [--log FILE]`: a job for cron. It loads the
/// project's scripts, runs FILE, then every workflow's daily rules as on the day, all in one
/// transaction, then applies the retention schedule (each record on its own), and writes one
/// JSON object per line per event. Exit status 1 on any error.
/// A lock file in the project keeps two runs from overlapping.
struct Batch: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "batch",
    abstract: "Run a job without a terminal: the project's daily rules, logged as JSON lines.",
    discussion: """
      Events, one JSON object a line: start, task, flag, resolved, retention, notice, output, \
      error, end (with counts and duration). The job and the daily rules run in one transaction: \
      all kept, or nothing if anything fails. Then the project's retention schedule is applied, \
      each record's step in its own transaction (retention events say what went and why).
      """
  )

  @OptionGroup var budget: BudgetOptions
  @OptionGroup var projectOptions: ProjectOptions

  @Option(
    name: .customLong("as-of"),
    help: ArgumentHelp("Run as on this day (YYYY-MM-DD), to replay or test the rules.", valueName: "DATE"))
  var asOf: String?

  @Flag(name: .customLong("dry-run"), help: "Log what would be created, closed and erased, and keep nothing.")
  var dryRun = false

  @Option(
    name: .customLong("log"),
    help: ArgumentHelp("Append the events to FILE instead of stdout.", valueName: "FILE"))
  var logFile: String?

  @Argument(help: "The job (a .peer file), e.g. scripts/nightly.peer.")
  var file: String

  func validate() throws {
    if let asOf, CivilDate.parseISO(asOf) == nil {
      throw ValidationError("--as-of expects a date such as 2026-11-26, got \"\(asOf)\"")
    }
  }

  func run() throws {
    let log = try BatchLog(path: logFile)
    let day = Clock.today(given: asOf.flatMap(CivilDate.parseISO))
    let started = BatchLog.monotonicSeconds()
    var errors = 0
    func fail(_ message: String) {
      errors += 1
      log.event("error", ["message": .text(message)])
    }
    var retention = RetentionSummary()
    // Whether the job's and the rules' work was kept (a retention step failing later does not undo it).
    var rulesKept = false
    func end(_ summary: RuleSummary) -> Never {
      log.event(
        "end",
        [
          "ok": .bool(errors == 0), "rules": .int(summary.rules), "tasks": .int(summary.tasks),
          "flags": .int(summary.flags), "resolved": .int(summary.resolved),
          "unchanged": .int(summary.unchanged), "retention_due": .int(retention.due),
          "retention_done": .int(retention.done),
          "errors": .int(errors), "kept": .bool(rulesKept),
          "duration_ms": .int(Int((BatchLog.monotonicSeconds() - started) * 1000)),
        ])
      log.close()
      Console.exitProcess(errors == 0 && !log.failed ? 0 : 1)
    }

    log.event("start", ["file": .text(file), "as_of": .text(day.iso), "dry_run": .bool(dryRun)])
    guard let project = try projectOptions.findProject() else {
      fail("peer batch needs a project: run it in a project folder or give --project DIR")
      end(RuleSummary())
    }
    let lock = BatchLock(path: project.folder + "/.peer-batch.lock")
    switch lock.acquire() {
    case .acquired: break
    case .held:
      fail("another peer batch is running on this project (\(project.folder)); this one did nothing")
      end(RuleSummary())
    case .failed(let reason):
      fail("cannot make the batch lock \(lock.path) (\(reason)); this job did nothing")
      end(RuleSummary())
    }
    defer { lock.release() }

    var options = budget.interpreterOptions(arguments: [], attended: false)
    options.today = day
    options.output = { log.event("output", ["text": .text($0)]) }
    let source: String
    let session: Session
    var server: PostgresStore?
    do {
      source = try FileSystem.read(file)
      let store = try ProjectStore.open(project, user: projectOptions.userName)
      server = store as? PostgresStore
      // On a server, jobs run from other machines share the project: the lock is the server's.
      if let server = store as? PostgresStore, try !server.holdBatchLock() {
        fail("another peer batch is running on this project (\(server.address)); this one did nothing")
        end(RuleSummary())
      }
      session = Session(store: store, options: options)
      // The job file may be one of the project's scripts (scripts/nightly.peer): loaded once.
      let job = BatchLock.realPath(file)
      try ProjectOptions.actAsPerson(session, on: store)
      try session.loadScripts(of: project, except: { BatchLock.realPath($0) == job })
      try session.permit(.batch)
      if dryRun { session.files.permission = .refused("a dry run writes no files") }
    } catch {
      fail(Console.render(error, color: false))
      end(RuleSummary())
    }
    // Task and flag events are logged once the run's fate is known, each saying whether it
    // was kept: a dry or failed run's items get no id (their numbers are given again later).
    var items: [(event: String, fields: [String: FieldValue])] = []
    func logItems(kept: Bool) {
      for var item in items {
        if !kept { item.fields["id"] = nil }
        item.fields["kept"] = .bool(kept)
        log.event(item.event, item.fields)
      }
      items = []
    }
    do {
      let summary = try session.runRules(
        on: day, dryRun: dryRun, job: { try session.interpreter.run(source, file: file) },
        report: { event in
          switch event {
          case .created(let item), .resolved(let item):
            var fields: [String: FieldValue] = [
              "id": .int(Int(item.id)), "rule": .text(item.rule), "record": .text(item.record),
              "title": .text(item.title), "due": .text(CivilDate(days: item.due).iso),
            ]
            if case .resolved = event { fields["kind"] = .text(item.kind.rawValue) }
            items.append(
              (
                { if case .resolved = event { return "resolved" } else { return item.kind.rawValue } }(),
                fields
              ))
          case .failed(let rule, let message):
            errors += 1
            log.event("error", ["rule": .text(rule), "message": .text(message)])
          }
        })
      logItems(kept: !dryRun)
      rulesKept = !dryRun
      // Then the project's retention schedule: each record's step in its own transaction.
      do {
        retention = try session.applyRetention(on: day, dryRun: dryRun) { event in
          var fields: [String: FieldValue] = [
            "record": .text(event.record), "action": .text(event.action), "why": .text(event.why),
            "kept": .bool(event.kept),
          ]
          if let message = event.error {
            errors += 1
            fields["message"] = .text(message)
            log.event("error", fields)
          } else {
            log.event("retention", fields)
          }
        }
        if let refused = retention.refused {
          log.event(
            "notice",
            [
              "message": .text(
                "the retention schedule was not applied: \(refused) (the nightly job's role needs may erase)")
            ])
        }
        if !retention.declared {
          log.event(
            "notice",
            [
              "message": .text(
                "the project's scripts declare no retention schedule, so nothing was erased (peer check says more)"
              )
            ])
        }
      } catch {
        // The rules' work is kept already; only the retention step failed.
        fail(Console.render(error, color: false))
      }
      // What a person's erasure left on the server, the owner's job clears (docs/data-protection.md).
      if !dryRun { try server?.reclaimIfErasedSince() }
      // Records in a status a workflow no longer has: reported, never changed.
      for s in try session.strayStatuses() {
        log.event(
          "stray", ["workflow": .text(s.workflow), "status": .text(s.status), "count": .int(s.count)])
      }
      end(summary)
    } catch {
      logItems(kept: false)
      // A failing rule was logged by its event; anything else (the job file) is logged here.
      if errors == 0 { fail(Console.render(error, color: false)) }
      end(RuleSummary())
    }
  }
}

/// One JSON object a line, flushed at once so a killed job leaves whole lines.
final class BatchLog {
  let file: UnsafeMutablePointer<FILE>
  let owned: Bool

  /// Set when a line could not be written (a full disk): the job then ends with exit 1.
  private(set) var failed = false

  init(path: String?) throws {
    if let path {
      // Owner-only whatever the umask (the log names records), appended, never through a link.
      let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
      guard fd >= 0, let f = fdopen(fd, "a") else {
        Console.writeError("peer: cannot write the log file \(path): \(String(cString: strerror(errno)))\n")
        throw ExitCode(1)
      }
      file = f
      owned = true
    } else {
      file = peer_stdout()
      owned = false
    }
  }

  func event(_ name: String, _ fields: [String: FieldValue]) {
    var line = "{\"event\":" + JSONText.quote(name)
    for key in fields.keys.sorted() {
      line += "," + JSONText.quote(key) + ":"
      switch fields[key]! {
      case .int(let n): line += String(n)
      case .bool(let b): line += b ? "true" : "false"
      case .text(let s): line += JSONText.quote(s)
      default: line += "null"
      }
    }
    if fputs(line + "}\n", file) < 0 || fflush(file) != 0, !failed {
      failed = true
      Console.writeError("peer: the batch log could not be written: \(String(cString: strerror(errno)))\n")
    }
  }

  func close() {
    if fflush(file) != 0 || ferror(file) != 0, !failed {
      failed = true
      Console.writeError("peer: the batch log could not be written: \(String(cString: strerror(errno)))\n")
    }
    if owned { fclose(file) }
  }

  static func monotonicSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
  }
}

/// An advisory lock (flock) on a file in the project, released when the process ends however
/// it ends, so a crashed run never blocks the next night's.
final class BatchLock {
  let path: String
  var fd: Int32 = -1

  init(path: String) { self.path = path }

  enum Outcome: Equatable {
    case acquired
    /// Another job holds it.
    case held
    /// The lock file cannot be made (a read-only folder): why.
    case failed(String)
  }

  func acquire() -> Outcome {
    fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0o600)
    guard fd >= 0 else { return .failed(String(cString: strerror(errno))) }
    if flock(fd, LOCK_EX | LOCK_NB) != 0 {
      Glibc.close(fd)
      fd = -1
      return .held
    }
    return .acquired
  }

  func release() {
    if fd >= 0 {
      flock(fd, LOCK_UN)
      Glibc.close(fd)
    }
  }

  static func realPath(_ path: String) -> String {
    guard let p = realpath(path, nil) else { return path }
    defer { free(p) }
    return String(cString: p)
  }
}
