import PeerCalendar
import PeerScript
import PeerStore

/// Writing the simulated demo world as records, in the order the references need: services,
/// volunteers, mothers, matches, then the visits month by month, then the endings.
extension DemoWorld {
  static let batch = 5000

  mutating func write(to w: any StoreWriter, visits withVisits: Bool) throws -> DemoSummary {
    var summary = DemoSummary()
    let places = DemoPlaces.sites

    summary.services = try w.insertMany(
      services.map { s in
        StoredRecord(
          kind: .service,
          fields: ["name": .text(s.name), "category": .text(s.category), "area": .text(s.area)])
      }
    ).count

    var volunteerIDs: [Int64] = []
    for chunk in stride(from: 0, to: volunteers.count, by: Self.batch) {
      var records: [StoredRecord] = []
      for i in chunk..<min(chunk + Self.batch, volunteers.count) {
        let v = volunteers[i]
        let site = places[v.site]
        var r = StoredRecord(kind: .volunteer)
        r.fields["name"] = .text(v.name)
        r.fields["phone"] = .text(phone())
        r.fields["email"] = .text(email(v.name, i))
        r.fields["postcode"] = .text(postcode(v.site, v.area))
        r.fields["area"] = .text(site.areas[v.area].area)
        r.fields["site"] = .text(site.name)
        r.fields["languages"] = .list(v.languages)
        if !v.experiences.isEmpty { r.fields["experiences"] = .list(v.experiences) }
        r.fields["status"] = .text(v.status)
        if let t = v.trained { r.fields["trained_on"] = .date(t) }
        if let d = v.dbs { r.fields["dbs_checked_on"] = .date(d) }
        r.fields["capacity"] = .int(v.capacity)
        r.fields["joined_on"] = .date(v.joined)
        if let s = v.supervised { r.extra["last_supervision"] = .date(s) }
        if let l = v.leftOn { r.extra["left_on"] = .date(l) }
        records.append(r)
      }
      volunteerIDs += try w.insertMany(records)
    }
    summary.volunteers = volunteerIDs.count

    var motherIDs: [Int64] = []
    motherIDs.reserveCapacity(mothers.count)
    for chunk in stride(from: 0, to: mothers.count, by: Self.batch) {
      var records: [StoredRecord] = []
      for i in chunk..<min(chunk + Self.batch, mothers.count) {
        let m = mothers[i]
        let site = places[m.site]
        var r = StoredRecord(kind: .mother)
        r.fields["name"] = .text(m.name)
        r.fields["phone"] = .text(phone())
        if rng.chance(0.6) { r.fields["email"] = .text(email(m.name, i)) }
        r.fields["postcode"] = .text(postcode(m.site, m.area))
        r.fields["area"] = .text(site.areas[m.area].area)
        r.fields["site"] = .text(site.name)
        r.fields["language"] = .text(m.language)
        r.fields["interpreter"] = .bool(m.interpreter)
        r.fields["due_date"] = .date(m.due)
        if let b = m.birth { r.fields["birth_date"] = .date(b) }
        r.fields["referral_date"] = .date(m.referral)
        r.fields["referrer"] = .text(m.referrer)
        if !m.vulnerabilities.isEmpty { r.fields["vulnerabilities"] = .list(m.vulnerabilities) }
        r.fields["consent"] = .bool(m.consent)
        r.fields["status"] = .text(m.status)
        r.extra["first_baby"] = .bool(m.firstBaby)
        records.append(r)
      }
      motherIDs += try w.insertMany(records)
    }
    summary.mothers = motherIDs.count

    // Matches in the order they started.
    let order = matches.indices.sorted { (matches[$0].start, $0) < (matches[$1].start, $1) }
    var matchIDs = [Int64](repeating: 0, count: matches.count)
    for chunk in stride(from: 0, to: order.count, by: Self.batch) {
      let slice = order[chunk..<min(chunk + Self.batch, order.count)]
      let records = slice.map { i -> StoredRecord in
        let x = matches[i]
        return StoredRecord(
          kind: .match,
          fields: [
            "mother": .int(Int(motherIDs[x.mother])), "volunteer": .int(Int(volunteerIDs[x.volunteer])),
            "started_on": .date(x.start), "status": .text(x.end == nil ? "active" : "ended"),
            "why": .text(x.why),
          ])
      }
      for (i, id) in zip(slice, try w.insertMany(records)) { matchIDs[i] = id }
    }
    summary.matches = matchIDs.count

    if withVisits { summary.visits = try writeVisits(to: w, order: order, matchIDs: matchIDs) }

    var endings = matches.indices.filter { matches[$0].end != nil }
    endings.sort { (matches[$0].end!, $0) < (matches[$1].end!, $1) }
    for chunk in stride(from: 0, to: endings.count, by: Self.batch) {
      var records: [StoredRecord] = []
      for i in endings[chunk..<min(chunk + Self.batch, endings.count)] {
        let x = matches[i]
        var r = StoredRecord(kind: .ending)
        r.fields["match"] = .int(Int(matchIDs[i]))
        r.fields["date"] = .date(x.end!)
        r.fields["reason"] = .text(x.reason!)
        r.fields["planned"] = .bool(x.reason == "planned")
        r.fields["final_visit"] = .bool(x.finalVisit)
        if x.reason == "planned" || x.reason == "mother's choice", rng.chance(0.55) {
          r.fields["feedback"] = .int([5, 5, 5, 4, 4, 3, 2][rng.int(0...6)])
        }
        records.append(r)
      }
      summary.endings += try w.insertMany(records).count
    }
    return summary
  }

  mutating func email(_ name: String, _ n: Int) -> String {
    var out = ""
    for u in name.lowercased().unicodeScalars {
      if u >= "a" && u <= "z" { out.unicodeScalars.append(u) } else if u == " " { out += "." }
    }
    return out + "\(n % 97)@example.org"
  }

  /// Visits month by month (so they are written in date order without holding them all):
  /// weekly-ish from soon after the match starts until it ends or today.
  mutating func writeVisits(to w: any StoreWriter, order: [Int], matchIDs: [Int64]) throws -> Int {
    let kinds = RecordKind.visitKinds
    let kindWeights = [0.45, 0.25, 0.12, 0.05, 0.06, 0.07]
    var next = [Int32](repeating: 0, count: matches.count)
    var active: [Int] = []
    var started = 0
    var written = 0
    var month = CivilDate(days: start)
    month.day = 1
    // The visits go in through one bulk insert that builds the visits' indexes at the end.
    let bulk = try w.bulkInsert(.visit, rebuildIndexes: true)
    while month.days <= today {
      let monthEnd = month.addingMonths(1).days  // exclusive
      while started < order.count, matches[order[started]].start < monthEnd {
        let i = order[started]
        next[i] = matches[i].firstVisit
        active.append(i)
        started += 1
      }
      var records: [(day: Int32, record: StoredRecord)] = []
      var still: [Int] = []
      for i in active {
        let x = matches[i]
        let last = Swift.min(x.end ?? today, today)
        var done = false
        while true {
          let day = next[i]
          if x.finalVisit, x.end != nil, day >= last {
            // The final visit, on the day the match ends.
            if last >= monthEnd { break }
            records.append(
              (
                last,
                visit(for: i, matchID: matchIDs[i], on: last, final: true, kinds: kinds, weights: kindWeights)
              ))
            done = true
            break
          }
          if day > last {
            done = true
            break
          }
          if day >= monthEnd { break }
          records.append(
            (
              day,
              visit(for: i, matchID: matchIDs[i], on: day, final: false, kinds: kinds, weights: kindWeights)
            ))
          next[i] = day + Swift.max(1, x.rhythm + Int32(rng.int(-2...3)) + (rng.chance(0.05) ? x.rhythm : 0))
        }
        if !done { still.append(i) }
      }
      active = still
      // By day, then match, then as made: sorting plain keys, not the records, is the fast way.
      var keys = records.indices.map { i in
        (day: records[i].day, match: records[i].record.fields["match"]?.intValue ?? 0, index: i)
      }
      keys.sort { ($0.day, $0.match, $0.index) < ($1.day, $1.match, $1.index) }
      for key in keys { _ = try bulk.insert(records[key.index].record) }
      written += keys.count
      month = month.addingMonths(1)
    }
    try bulk.finish()
    return written
  }

  mutating func visit(
    for i: Int, matchID: Int64, on day: Int32, final: Bool, kinds: [String], weights: [Double]
  ) -> StoredRecord {
    let x = matches[i]
    let kind = final ? "home" : kinds[rng.weighted(weights)]
    let minutes: Int
    switch kind {
    case "home": minutes = rng.int(9...24) * 5
    case "phone": minutes = rng.int(2...9) * 5
    case "text": minutes = rng.int(1...3) * 5
    case "video": minutes = rng.int(4...12) * 5
    case "group": minutes = rng.int(12...24) * 5
    default: minutes = rng.int(12...36) * 5
    }
    var support: [String] = []
    if kind != "text" || rng.chance(0.5) { support.append("listening") }
    if rng.chance(0.55) { support.append("information") }
    let signposted = rng.chance(0.22)
    if signposted { support.append("signposting") }
    if kind == "accompanied appointment" || rng.chance(0.12) { support.append("practical") }
    if support.isEmpty { support.append("listening") }
    var r = StoredRecord(kind: .visit)
    r.fields["match"] = .int(Int(matchID))
    r.fields["date"] = .date(day)
    r.fields["kind"] = .text(kind)
    r.fields["minutes"] = .int(minutes)
    r.fields["support"] = .list(support)
    if signposted {
      let site = mothers[x.mother].site
      var names = [rng.pick(signposts[site])]
      if rng.chance(0.25) {
        let other = rng.pick(signposts[site])
        if other != names[0] { names.append(other) }
      }
      r.fields["services"] = .list(names)
    }
    // A concern is rare, and comes before a safeguarding ending.
    let concern =
      rng.chance(0.008)
      || (x.reason == "safeguarding" && x.end.map { $0 - day <= 14 } == true && rng.chance(0.5))
    r.fields["concern"] = .bool(concern)
    if final {
      r.fields["notes"] = .text("Final visit: looked back at what she has done and said goodbye.")
    } else if concern {
      r.fields["notes"] = .text("Concern passed to the coordinator the same day.")
    } else if rng.chance(0.3) {
      r.fields["notes"] = .text(rng.pick(DemoPlaces.visitNotes))
    }
    return r
  }
}

extension FieldValue {
  var intValue: Int? {
    if case .int(let i) = self { return i }
    return nil
  }
}
