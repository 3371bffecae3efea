import PeerScript

/// What `:help WORD` says about the declarations peer adds to the language (`form`, `workflow`,
/// `match`, `report`, `role`, `retention`) and each clause inside them. The language knows none of these words; the
/// host tells its interpreter about them here. docs/forms.md, workflows.md, matching.md and
/// reports.md say the rest.
enum DeclarationHelp {
  static let topics: [(word: String, text: String)] = [
    // Forms (docs/forms.md)
    (
      "form",
      "form NAME \"Title\" { QUESTION TYPE [MODIFIERS] ... } - a referral or log form: peer form NAME asks it, NAME.submit({...}) saves it, peer form NAME --print prints it blank (docs/forms.md)"
    ),
    ("creates", "creates KIND - in a form: the kind of record it makes (creates mother, creates visit)"),
    ("section", "section \"Title\" { ... } - in a form: questions grouped under a heading"),
    ("required", "required - in a form: the question must be answered (not empty, not only spaces)"),
    (
      "default",
      "default VALUE - in a form: the answer when the question is left empty (language choice(...) default \"English\")"
    ),
    (
      "when",
      "when CONDITION - in a form: asked only when it holds, .x being an earlier answer (interpreter yesno when .language != \"English\")"
    ),
    (
      "check",
      "check CONDITION \"message\" - in a form: the answer (it) must pass, or the message is the problem (check it < today \"A birth is in the past\")"
    ),
    ("help", "help \"text\" - in a form: shown under the question and on the printed form"),
    (
      "to",
      "to FIELD - in a form: save the answer in that field (first_contact date to contacted_on); in a report, round to N"
    ),
    (
      "where",
      "where CONDITION - in a form: keeps the choices (it) that fit earlier answers (service choice(services) where .area == answers.area)"
    ),
    (
      "choice",
      "choice(\"a\", \"b\") or choice(LIST) - in a form: one of the choices; choice(services) offers records, by name. In a report, see chart"
    ),
    ("choices", "choices(\"a\", \"b\") - in a form: any number of the choices, saved as a list"),
    (
      "repeat",
      "repeat \"Title\" { ... } - in a form: a group of questions answered once per item (her other children)"
    ),
    ("yesno", "yesno - in a form: a yes or no answer"),
    ("postcode", "postcode - in a form: a UK postcode, saved tidied (sw1a1aa becomes SW1A 1AA)"),
    ("phone", "phone - in a form: a phone number"),
    ("email", "email - in a form: an email address"),
    ("long", "long text - in a form: an answer of several lines"),
    ("number", "number [LOW..HIGH] - in a form: a number, optionally in a range (minutes number 0..600)"),
    ("date", "date - in a form: a date answered as 2027-03-14"),
    ("text", "text - in a form: a one-line answer"),
    // Workflows (docs/workflows.md)
    (
      "workflow",
      "workflow NAME { of KIND; a -> b -> c; guard s(x) { require ... }; on enter s(x) { ... }; every day \"rule\" { ... } } - the statuses of a kind of record and the steps between them (docs/workflows.md)"
    ),
    ("of", "of KIND - in a workflow: the records it governs (of mother, of match, of volunteer)"),
    (
      "guard",
      "guard STATUS(x) { require CONDITION, \"message\" } - in a workflow: what must hold before a record enters the status; the message says why not"
    ),
    (
      "require",
      "require CONDITION, \"message\" - in a workflow's guard, or a match score: what must hold, and what to say when it does not"
    ),
    (
      "on",
      "on enter STATUS(x) { ... } / on leave STATUS(x) { ... } - in a workflow: what happens when a record enters or leaves a status (on enter matched(m) { m.matched_on = today })"
    ),
    ("enter", "on enter STATUS(x) { ... } - in a workflow: runs as a record enters the status"),
    ("leave", "on leave STATUS(x) { ... } - in a workflow: runs as a record leaves the status"),
    (
      "every",
      "every day \"name\" { ... } - in a workflow: a rule peer batch runs daily, making tasks and flags (task(x, \"Call {x.mother.name}\", x.started_on + 7 days))"
    ),
    // Roles (docs/people.md)
    (
      "role",
      "role NAME \"Title\" { sees ...; reads ...; changes ...; adds ...; may ... } - what the people given the role see and do; a PostgreSQL server enforces it for each person's login (peer people add NAME --role NAME; docs/people.md)"
    ),
    (
      "sees",
      "sees COLLECTIONS [where CONDITION] - in a role: the records it sees (sees mothers, volunteers where .site in me.sites); sees everything for all"
    ),
    (
      "reads",
      "reads COLLECTION: FIELD, ... - in a role: the only fields of those records it reads (reads mothers: name, phone, area)"
    ),
    (
      "changes",
      "changes COLLECTIONS - in a role: it adds, changes and deletes the records of those it sees (changes everything for all)"
    ),
    (
      "adds", "adds COLLECTIONS - in a role: it adds records of those it sees, and changes none (adds visits)"
    ),
    (
      "may",
      "may OPERATIONS - in a role: what else it may do: report, export, import, match, batch, audit, people, erase"
    ),
    // Retention (docs/data-protection.md)
    (
      "retention",
      "retention schedule \"Title\" { TARGETS [where CONDITION]: keep | with OWNER | erase|anonymise PERIOD after DATE } - how long each kind of record and field is kept; peer check fails while one has no line; peer batch applies it; retention_due(day) lists what is due (docs/data-protection.md)"
    ),
    (
      "after",
      "erase|anonymise PERIOD after DATE - in a retention schedule: the date the period counts from, an expression of the record (.date, .left_on or .joined_on)"
    ),
    // Matching (docs/matching.md)
    (
      "match",
      "match score(m, v) { require ...; +N \"reason\" if ...; +N \"reason\" for each x in LIST; -N \"reason\" per STEP in MEASURE } - how well a volunteer suits a mother; suggest(M-0042) and suggest_all() use it (docs/matching.md)"
    ),
    (
      "each",
      "+N \"reason {x}\" for each x in LIST - in a match score: points per item (for each tag in m.vulnerabilities & v.experiences)"
    ),
    ("if", "+N \"reason\" if CONDITION - in a match score: the points when it holds"),
    (
      "per",
      "-N \"reason\" per STEP in MEASURE - in a match score: points per whole step (-1 \"apart\" per 2 km in distance(m, v))"
    ),
    // Reports (docs/reports.md)
    (
      "report",
      "report NAME(p = DEFAULT) { title ...; table ...; chart ...; text ...; suppress under N } - a report: peer report NAME --format html|md|csv|json|table, or NAME() in a script (docs/reports.md)"
    ),
    ("title", "title \"text\" - in a report: its heading, worked out each run (title \"Activity, {q}\")"),
    (
      "table",
      "table \"Caption\" [with total] = PIPELINE - in a report: a table (table \"Contacts\" with total = visits | where .date in q | group .kind | count)"
    ),
    (
      "chart",
      "chart bar|stacked|line \"Caption\" = PIPELINE - in a report: an SVG chart of a grouped pipeline"
    ),
    ("text", "text \"...{figure}...\" - in a report: a sentence with figures, protected like the tables"),
    (
      "suppress",
      "suppress under N [except a, b] [keep c] [round to R] - in a report: counts of people under N are hidden (with what would give them away); except marks averages, keep figures that are not counts of people (docs/disclosure.md)"
    ),
    ("under", "suppress under N - in a report: the smallest count of people shown"),
    (
      "except",
      "suppress under N except a, b - in a report: columns that are averages or medians, hidden with their row when it is small"
    ),
    (
      "keep",
      "suppress under N keep c - in a report: columns that are not counts of people, never hidden. TARGETS: keep - in a retention schedule: kept as long as the project runs"
    ),
    ("round", "suppress under N round to R - in a report: every count of people rounded to a multiple of R"),
    (
      "with",
      "table \"Caption\" with total = ... - in a report: adds a total row. TARGETS: with OWNER - in a retention schedule: kept as long as the records they belong to (visits: with mothers)"
    ),
    ("total", "table \"Caption\" with total = ... - in a report: a total row, protected with the rest"),
    ("bar", "chart bar \"Caption\" = ... - in a report: a bar chart"),
    ("stacked", "chart stacked \"Caption\" = ... - in a report: stacked bars, one colour per part"),
    ("line", "chart line \"Caption\" = ... - in a report: a line chart, for months or quarters"),
  ]

  static func register(in interpreter: Interpreter) {
    for (word, text) in topics { interpreter.addHelp(word, text) }
  }
}
