import Foundation
import PeerScript
import Testing

/// The `peer` command without a terminal: subcommands, exit statuses, piped input.
@Suite("peer command line")
struct CommandLineTests {
  @Test func runPrintsAndPassesArguments() throws {
    let folder = try TemporaryFolder()
    let script = try folder.write("hello.peer", "print(1 + 2)\nprint(args)\n")
    let result = try PeerProcess.run(["run", script, "one", "--two"])
    #expect(result.status == 0, "stderr: \(result.stderr)")
    #expect(result.stdout == "3\n[\"one\", \"--two\"]\n")
    #expect(result.stderr.isEmpty)
  }

  @Test func runtimeErrorExitsWithOne() throws {
    let folder = try TemporaryFolder()
    let script = try folder.write("bad.peer", "print(1)\nassert(false, \"boom went the script\")\n")
    let result = try PeerProcess.run(["run", script])
    #expect(result.status == 1)
    #expect(result.stdout == "1\n")
    #expect(result.stderr.contains("boom went the script"))
    #expect(!result.stderr.contains("\u{1B}["), "no colour when stderr is not a terminal")
  }

  @Test func missingFileIsOneClearSentence() throws {
    let result = try PeerProcess.run(["run", "/nonexistent/folder/script.peer"])
    #expect(result.status == 1)
    #expect(result.stderr == "peer: cannot read '/nonexistent/folder/script.peer': there is no such file.\n")
  }

  @Test func checkListsDiagnosticsWithPositions() throws {
    let folder = try TemporaryFolder()
    let good = try folder.write("good.peer", "let x = 1\nprint(x)\n")
    let bad = try folder.write("bad.peer", "let x = 1\nlet y = @\n")
    let ok = try PeerProcess.run(["check", good])
    #expect(ok.status == 0, "stderr: \(ok.stderr)")
    #expect(ok.stdout.isEmpty)
    let result = try PeerProcess.run(["check", good, bad])
    #expect(result.status == 1)
    #expect(result.stderr.contains("\(bad):2:9"), "stderr: \(result.stderr)")
    #expect(result.stdout.isEmpty, "check never runs the script")
  }

  @Test func usageErrorsExitWithTwo() throws {
    for arguments in [
      ["--no-such-option"], ["run"], ["check"], ["run", "--max-steps", "lots", "x.peer"],
      ["--today", "2027-02-30", "run", "x.peer"], ["frobnicate", "x"],
    ] {
      let result = try PeerProcess.run(arguments)
      #expect(result.status == 2, "peer \(arguments.joined(separator: " ")): \(result.stderr)")
      #expect(!result.stderr.isEmpty)
    }
  }

  /// A wrong word on the command line of a project's command (a kind, a form, options that do
  /// not go together) exits with 2 and one message with a hint, as argument-parser's own do.
  @Test func projectCommandMisusesExitWithTwo() throws {
    let folder = try TemporaryFolder()
    let p = folder.path("p")
    #expect(try PeerProcess.run(["init", p]).status == 0)
    try folder.write("p/scripts/referral.peer", "form referral \"Referral\" {\n  name text required\n}\n")
    let csv = try folder.write("r.csv", "name\nAma\n")
    let cases: [([String], String)] = [
      (
        ["import", "mothr", csv],
        "peer: there is no kind of record called \"mothr\"\n  hint: did you mean \"mothers\"?\n"
      ),
      (
        ["export", "babies"],
        "peer: there is no kind of record called \"babies\"\n  hint: the kinds are volunteers, mothers, matches, visits, endings, services\n"
      ),
      (
        ["import", "mothers", "--map", "name", csv],
        "peer: --map wants COLUMN=FIELD, not \"name\"\n  hint: as in --map \"Referral Date=referral_date\"\n"
      ),
      (
        ["import", "mothers", "--reject", folder.path("bad.csv"), csv],
        "peer: --reject names the file for the bad rows of --skip-bad\n  hint: add --skip-bad, or leave --reject out\n"
      ),
      (
        ["import", "mothers", "--form", "referral", "--map", "a=name", csv],
        "peer: --map cannot be used with --form: the form's questions name the columns\n  hint: name the file's columns after the form's questions\n"
      ),
      (
        ["import", "mothers", "--form", "referal", csv],
        "peer: there is no form called \"referal\"\n  hint: did you mean \"referral\"?\n"
      ),
      (["form", "intake"], "peer: there is no form called \"intake\"\n  hint: the forms are referral\n"),
      (
        ["form", "referral", "--format", "html"],
        "peer: --format chooses how --print prints the blank form\n  hint: add --print, or leave --format out\n"
      ),
    ]
    for (arguments, message) in cases {
      let result = try PeerProcess.run(arguments + ["--project", p])
      #expect(result.status == 2, "peer \(arguments.joined(separator: " ")): \(result.stderr)")
      #expect(result.stderr == message, "peer \(arguments.joined(separator: " "))")
      #expect(result.stdout.isEmpty)
    }
    // Nothing was imported by any of them.
    let count = try PeerProcess.run(["--project", p], input: "print(len(mothers))")
    #expect(count.stdout == "0\n")
  }

  @Test func globalOptionsBeforeOrAfterTheSubcommand() throws {
    let folder = try TemporaryFolder()
    let script = try folder.write("a.peer", "print(\"ok\")\n")
    for arguments in [
      ["--max-steps", "100000", "run", script], ["run", "--max-depth", "50", script],
      ["--today=2027-03-14", "--max-memory", "64", "run", script],
    ] {
      let result = try PeerProcess.run(arguments)
      #expect(result.status == 0, "peer \(arguments.joined(separator: " ")): \(result.stderr)")
      #expect(result.stdout == "ok\n")
    }
  }

  @Test func hugeBudgetsAreCommandLineErrorsOrHold() throws {
    let folder = try TemporaryFolder()
    let script = try folder.write("a.peer", "print(\"ok\")\n")
    let refused = try PeerProcess.run(["run", "--max-depth", "9223372036854775807", script])
    #expect(refused.status == 2, "stderr: \(refused.stderr)")
    #expect(refused.stderr.contains("--max-depth must be a positive number up to 1000000"))
    for arguments in [
      ["--max-steps", "9223372036854775807"], ["--max-memory", "9223372036854775807"],
      ["--max-depth", "1000000"],
    ] {
      let result = try PeerProcess.run(["run"] + arguments + [script])
      #expect(result.status == 0, "peer run \(arguments.joined(separator: " ")): \(result.stderr)")
      #expect(result.stdout == "ok\n")
    }
  }

  @Test func checkStopsOnDeeplyNestedSource() throws {
    let folder = try TemporaryFolder()
    let sum = try folder.write(
      "sum.peer", "print(" + Array(repeating: "1", count: 20_000).joined(separator: "+") + ")\n")
    let brackets = try folder.write(
      "brackets.peer",
      "print(" + String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000) + ")\n")
    for file in [sum, brackets] {
      let result = try PeerProcess.run(["check", file])
      #expect(result.status == 1, "stderr: \(result.stderr)")
      #expect(result.stderr.contains("nested too deeply"), "stderr: \(result.stderr)")
    }
  }

  @Test func memoryBudgetHoldsForGrowingTextAndLists() throws {
    let folder = try TemporaryFolder()
    let loops = [
      "var s = \"x\"\nwhile true { s = s + s }", "var s = \"x\"\nwhile true { s = \"{s}{s}\" }",
      "var l = [1]\nwhile true { l = l + l }", "var s = \"x\"\nwhile true { s = join([s, s], \"\") }",
      "var s = \"xx\"\nwhile true { s = replace(s, \"x\", \"xx\") }",
      "print(len(pad_left(\"x\", 9223372036854775807)))", "print(len(repeat(1, 9223372036854775807)))",
      "print(len(pad_right(\"x\", 100000000, \"ab\")))",
    ]
    for (i, source) in loops.enumerated() {
      let file = try folder.write("m\(i).peer", source + "\n")
      let result = try PeerProcess.run(["run", "--max-memory", "48", file])
      #expect(result.status == 1, "\(source): \(result.stderr)")
      #expect(
        result.stderr.contains("memory budget exhausted: this would use more than 48 MB"),
        "\(source): \(result.stderr)")
    }
  }

  @Test func versionAndHelp() throws {
    let version = try PeerProcess.run(["--version"])
    #expect(version.status == 0)
    #expect(version.stdout == "peer 0.1\n")
    let help = try PeerProcess.run(["--help"])
    #expect(help.status == 0)
    for word in ["run", "check", "test", "repl"] { #expect(help.stdout.contains(word)) }
    let runHelp = try PeerProcess.run(["run", "--help"])
    #expect(runHelp.status == 0)
    for word in ["--max-steps", "--max-depth", "--max-memory", "--today"] {
      #expect(runHelp.stdout.contains(word))
    }
    let completion = try PeerProcess.run(["--generate-completion-script", "bash"])
    #expect(completion.status == 0)
    #expect(completion.stdout.contains("peer"))
  }

  @Test func pipedStdinRunsAsOneScript() throws {
    let result = try PeerProcess.run([], input: "print(1 + 2)\n")
    #expect(result.status == 0, "stderr: \(result.stderr)")
    #expect(result.stdout == "3\n", "no prompt, no banner, no escape codes")
    let failing = try PeerProcess.run([], input: "print(1)\nassert(false, \"boom went the script\")\n")
    #expect(failing.status == 1)
    #expect(failing.stdout == "1\n")
    #expect(failing.stderr.contains("<stdin>"))
  }

  /// `:help WORD` in piped input answers as at the prompt, for every keyword of the language,
  /// every pipeline stage, and every declaration and clause a project writes; script lines
  /// around it run in order, and an error still names its line in the whole input.
  @Test func pipedHelpCoversEveryKeywordStageAndClause() throws {
    let clauses = [
      "form", "creates", "section", "required", "default", "when", "check", "help", "to", "where", "choice",
      "choices", "repeat", "yesno", "postcode", "phone", "email", "long", "number", "date", "text",
      "workflow", "of", "guard", "require", "on", "enter", "leave", "every",
      "match", "each", "per",
      "report", "title", "table", "chart", "suppress", "under", "except", "keep", "round", "with", "total",
      "bar", "stacked", "line",
    ]
    let words = Interpreter.keywords + Interpreter.stageNames + clauses
    let result = try PeerProcess.run([], input: words.map { ":help \($0)\n" }.joined())
    #expect(result.status == 0, "stderr: \(result.stderr)")
    #expect(result.stderr.isEmpty, "no word without help: \(result.stderr)")
    #expect(!result.stdout.contains("is a keyword of the language"), "every keyword has its own help")
    #expect(result.stdout.contains("suppress under N"))
    #expect(result.stdout.contains("guard STATUS(x)"))
    let lines = result.stdout.split(separator: "\n")
    #expect(lines.count >= words.count, "\(result.stdout)")

    let mixed = try PeerProcess.run([], input: "print(1)\n:help len\nprint(2)\nprint(nope)\n")
    #expect(mixed.status == 1)
    #expect(mixed.stdout.hasPrefix("1\nlen(x) - "), "\(mixed.stdout)")
    #expect(mixed.stderr.contains("<stdin>:4:7: error: unknown name \"nope\""), "\(mixed.stderr)")
    let unknown = try PeerProcess.run([], input: ":halp\n")
    #expect(unknown.status == 1)
    #expect(unknown.stderr.contains("Did you mean :help?"), "\(unknown.stderr)")
  }

  @Test func testCommandReportsEachTestAndTotals() throws {
    let folder = try TemporaryFolder()
    let file = try folder.write(
      "tests/sums.peer",
      """
      test "adds up" { assert(1 + 1 == 2, "maths is broken") }
      test "goes wrong" { assert(1 == 2, "one is not two") }
      """)
    let result = try PeerProcess.run(["test", file])
    #expect(result.status == 1)
    let lines = result.stdout.split(separator: "\n").map(String.init)
    #expect(lines.contains("PASS adds up"), "stdout: \(result.stdout)")
    #expect(lines.contains { $0.hasPrefix("FAIL goes wrong: ") })
    #expect(lines.last == "1 passed, 1 failed")

    try folder.write("tests/sums.peer", "test \"adds up\" { assert(1 + 1 == 2, \"maths is broken\") }\n")
    let passing = try PeerProcess.run(["test"], directory: folder.url)
    #expect(passing.status == 0, "stdout: \(passing.stdout) stderr: \(passing.stderr)")
    #expect(passing.stdout == "PASS adds up\n1 passed, 0 failed\n")
  }

  @Test func testCommandWithoutTestFiles() throws {
    let folder = try TemporaryFolder()
    let result = try PeerProcess.run(["test"], directory: folder.url)
    #expect(result.status == 1)
    #expect(result.stderr.contains("no test files"))
  }
}
