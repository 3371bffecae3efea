/// What `:help WORD` says about each keyword of the language and each pipeline stage: one
/// line of what it does and one example. The host adds its own words (its declarations and
/// their clauses) with `Interpreter.addHelp`.
enum KeywordHelp {
  static let keywords: [String: String] = [
    "let": "let NAME = VALUE - a name for a value that does not change: let due = 2027-03-14",
    "var": "var NAME = VALUE - a name whose value can change: var total = 0 then total += 1",
    "fn":
      "fn NAME(a, b) { ... } - a function: fn weeks_to_go(due) { weeks(due - today) }; fn (x) = x * 2 is one without a name",
    "return": "return VALUE - leave a function with its answer: fn half(x) { return x / 2 }",
    "if":
      "if CONDITION { ... } else if ... { ... } else { ... } - do one thing or another; also a value: let word = if n == 1 { \"visit\" } else { \"visits\" }",
    "else":
      "else - what an if does when its condition is false: if late { print(\"late\") } else { print(\"on time\") }",
    "for":
      "for x in LIST { ... } - once per item (also a range, a map's keys, a collection of records): for m in mothers | where .status == \"waiting\" { print(m.name) }; for i, x in xs gives the position too",
    "in":
      "in - for x in LIST { ... }, and membership: \"Polish\" in v.languages, \"name\" in m, d in this_quarter, 5 in 1..10",
    "while": "while CONDITION { ... } - repeat while it holds: while n > 1 { n = n // 2 }",
    "break": "break - leave the loop it is in at once: for x in xs { if x > 10 { break } }",
    "continue":
      "continue - go on with the next turn of the loop: for m in mothers { if m.phone == nil { continue } ... }",
    "and":
      "a and b - true when both are: .status == \"active\" and .site == \"North\" (&& from other languages)",
    "or":
      "a or b - true when either is; x or DEFAULT fills in a missing value: m.phone or \"no phone\" (|| elsewhere)",
    "not": "not x - the opposite: not m.consent; x not in LIST - not one of them (! elsewhere)",
    "true": "true - yes (a yes/no value); false is no: m.consent == true",
    "false": "false - no (a yes/no value); true is yes: if not m.interpreter { ... }",
    "nil":
      "nil - no value: an empty field or a missing map key. m.birth_date == nil; m.phone or \"none\" gives a default",
    "record":
      "record NAME(field, ...) - a kind of value with named fields: record Visit(date, minutes) then Visit(today, 60).minutes",
    "test":
      "test \"what it checks\" { assert(...) } - a check run by peer test, never by peer run: test \"weeks\" { assert(weeks(14 days) == 2) }",
  ]

  static let stages: [String: String] = [
    "where":
      "xs | where CONDITION - keeps the items for which it holds: mothers | where .status == \"waiting\"",
    "map": "xs | map VALUE - one value per item: mothers | map .name",
    "sort": "xs | sort KEY [desc], KEY2 - in order: mothers | sort .referral_date desc",
    "take": "xs | take N - the first N items: waiting_list() | take 3",
    "skip": "xs | skip N - all but the first N items: xs | skip 10 | take 10",
    "each": "xs | each ACTION - does something with each item: matches | each print(.id)",
    "distinct": "xs | distinct [KEY] - each value once: visits | map .kind | distinct",
    "group":
      "xs | group KEY | AGGREGATES - one row per key: visits | group .kind | count, sum(.minutes); group by month(.date) gives every month, empty ones too",
    "count": "xs | count - how many: mothers | where .status == \"active\" | count; after group, per group",
    "sum": "xs | sum [VALUE] - the total: visits | sum .minutes",
    "avg": "xs | avg [VALUE] - the mean: visits | avg .minutes",
    "min": "xs | min [VALUE] - the smallest: mothers | min .referral_date",
    "max": "xs | max [VALUE] - the largest: visits | max .date",
    "median": "xs | median [VALUE] - the middle value: visits | median .minutes",
    "share":
      "xs | group KEY | count, share - after a group, each group's share of all the items, in per cent: visits | group .kind | count, share",
    "first":
      "xs | first - the first item, or nil; xs | first 3 the first three; after group, first .date per group",
    "last":
      "xs | last - the last item, or nil; xs | last 3 the last three; after group, last .date per group",
  ]
}
