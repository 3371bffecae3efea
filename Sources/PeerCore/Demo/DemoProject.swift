import PeerCalendar
import PeerScript
import PeerStore

/// How many records of each kind a demo project got.
public struct DemoSummary: Sendable, Equatable {
  public var services = 0
  public var volunteers = 0
  public var mothers = 0
  public var matches = 0
  public var visits = 0
  public var endings = 0
}

/// Realistic synthetic data for a project running nine sites over the last two years: its
/// volunteers, the mothers referred, their matches, visits and endings, and the local services.
/// The story is simulated first (who is matched with whom, when, how it ends), then written in
/// batches, so the dates agree everywhere and every record passes the integrity rules.
public enum DemoProject {
  /// Fills `store` with a demo project (scale 1: ~410 volunteers, ~3,300 mothers, ~33,000 visits; scale N: N times as many, so 30 gives ~100,000 mothers and ~1,000,000 visits); the same seed gives the same data.
  @discardableResult
  public static func generate(
    into store: RecordStore, scale: Int = 1, today: CivilDate, seed: UInt64 = 1, visits: Bool = true
  ) throws -> DemoSummary {
    var world = DemoWorld(scale: max(1, scale), today: today.days, seed: seed)
    world.simulate()
    return try store.write { w in try world.write(to: w, visits: visits) }
  }
}

/// The simulation behind the demo: plain structs and day numbers, turned into records at the end.
struct DemoWorld {
  struct Volunteer {
    var site: Int
    var name: String
    var area: Int
    var languages: [String]
    var experiences: [String]
    var status: String
    var joined: Int32
    var trained: Int32?
    var dbs: Int32?
    var capacity: Int
    /// From when, and until when (exclusive), she can support mothers.
    var availableFrom: Int32
    var availableUntil: Int32
    /// Her paused date: only matches ending before it.
    var pausedOn: Int32?
    var leftOn: Int32?
    /// For each place of her capacity, the day it is free again: the match in it ended and she
    /// had her break (Int32.max: ongoing).
    var busyUntil: [Int32]
    var supervised: Int32?
  }

  struct Mother {
    var site: Int
    var name: String
    var area: Int
    var language: String
    var interpreter: Bool
    var referral: Int32
    var due: Int32
    var birth: Int32?
    var referrer: String
    var vulnerabilities: [String]
    var consent: Bool
    var firstBaby: Bool
    var status = "referred"
    /// Index into `matches`, once matched.
    var match: Int?
  }

  struct Match {
    var mother: Int
    var volunteer: Int
    var start: Int32
    /// The ending's date and reason; nil while the match goes on.
    var end: Int32?
    var reason: String?
    var finalVisit = false
    var why: String
    var rhythm: Int32
    /// The first contact.
    var firstVisit: Int32
  }

  let scale: Int
  let today: Int32
  let start: Int32
  var rng: SplitMix64
  var volunteers: [Volunteer] = []
  var mothers: [Mother] = []
  var matches: [Match] = []
  var services: [(name: String, category: String, area: String, site: Int?)] = []
  /// Service names each site's volunteers signpost to.
  var signposts: [[String]] = []

  init(scale: Int, today: Int32, seed: UInt64) {
    self.scale = scale
    self.today = today
    start = today - 730
    rng = SplitMix64(seed: seed)
  }

  mutating func simulate() {
    makeServices()
    makeVolunteers()
    makeMothers()
    makeMatches()
  }

  // MARK: - Services

  mutating func makeServices() {
    let places = DemoPlaces.sites
    signposts = Array(repeating: [], count: places.count)
    for (s, site) in places.enumerated() {
      // Six of the eight kinds of service at each site, a different six from site to site.
      for k in 0..<6 {
        let (category, pattern) = DemoPlaces.serviceKinds[(s + k) % DemoPlaces.serviceKinds.count]
        let area = site.areas[(s + k) % site.areas.count].area
        let name = pattern.split(separator: " ").map {
          $0 == "{site}" ? site.name : $0 == "{area}" ? area : String($0)
        }
        .joined(separator: " ")
        services.append((name, category, pattern.contains("{area}") ? area : site.name, s))
        signposts[s].append(name)
      }
    }
    for (name, category) in DemoPlaces.nationalServices {
      services.append((name, category, "national", nil))
      for s in signposts.indices { signposts[s].append(name) }
    }
  }

  // MARK: - People

  mutating func personName(language: String) -> String {
    let first =
      DemoPlaces.namesByLanguage[language].map {
        rng.chance(0.9) ? rng.pick($0) : rng.pick(DemoPlaces.englishNames)
      }
      ?? rng.pick(DemoPlaces.englishNames)
    let last =
      DemoPlaces.surnamesByLanguage[language].map {
        rng.chance(0.85) ? rng.pick($0) : rng.pick(DemoPlaces.surnames)
      }
      ?? (rng.chance(0.15)
        ? rng.pick(DemoPlaces.otherLanguageSurnames) : rng.pick(DemoPlaces.surnames))
    return first + " " + last
  }

  mutating func postcode(_ site: Int, _ area: Int) -> String {
    let letters = Array("ABDEFGHJLNPQRSTUWXYZ")
    return DemoPlaces.sites[site].areas[area].postcode
      + " \(rng.int(1...9))\(rng.pick(letters))\(rng.pick(letters))"
  }

  mutating func phone() -> String { "07700 900" + String(rng.int(100...999)) }

  mutating func makeVolunteers() {
    let places = DemoPlaces.sites
    let totalWeight = places.reduce(0) { $0 + $1.weight }
    for (s, site) in places.enumerated() {
      let count = Int((410.0 * Double(scale) * site.weight / totalWeight).rounded())
      for _ in 0..<count {
        let community = rng.chance(0.3) ? rng.pick(site.languages) : nil
        var v = Volunteer(
          site: s, name: personName(language: community ?? "English"),
          area: rng.int(0...site.areas.count - 1),
          languages: ["English"] + (community.map { [$0] } ?? []),
          experiences: rng.tags(DemoPlaces.experiences, max: 3), status: "active", joined: 0, trained: nil,
          dbs: nil,
          capacity: [1, 2, 3][rng.weighted([0.25, 0.45, 0.3])], availableFrom: Int32.max,
          availableUntil: Int32.max,
          pausedOn: nil, leftOn: nil, busyUntil: [], supervised: nil)
        v.status = RecordKind.volunteerStatuses[rng.weighted([0.05, 0.08, 0.70, 0.07, 0.10])]
        switch v.status {
        case "applicant":
          v.joined = today - Int32(rng.int(0...45))
        case "in training":
          v.joined = today - Int32(rng.int(10...110))
          if rng.chance(0.6) { v.dbs = v.joined + Int32(rng.int(5...25)) }
        default:
          // Most were recruited before the two years began; the rest through them.
          v.joined = rng.chance(0.55) ? start - Int32(rng.int(0...1100)) : start + Int32(rng.int(0...620))
          let trained = v.joined + Int32(rng.int(30...75))
          v.trained = trained
          v.availableFrom = trained + 1
          // DBS checks are renewed every three years; the latest one is on record.
          var dbs = v.joined + Int32(rng.int(10...28))
          while dbs + 1095 <= today - 20 { dbs += 1095 + Int32(rng.int(-20...10)) }
          v.dbs = dbs
          if v.status == "left" {
            let leftOn = Swift.min(today - 1, trained + Int32(rng.int(90...900)))
            v.leftOn = leftOn
            v.availableUntil = leftOn
          } else if v.status == "paused" {
            let pausedOn = Swift.max(trained + 30, today - Int32(rng.int(7...200)))
            v.pausedOn = Swift.min(pausedOn, today)
            v.availableUntil = v.pausedOn!
          }
          if v.status != "left" {
            if rng.chance(0.05) && today - 1095 + 30 > v.joined {
              v.dbs = today - 1095 + Int32(rng.int(1...30))  // expires within 30 days
            } else if rng.chance(0.03) && today - 1095 - 120 > v.joined {
              v.dbs = today - 1095 - Int32(rng.int(1...120))  // expired
            }
            v.supervised = today - Int32(rng.int(3...70))
          }
        }
        v.busyUntil = Array(repeating: Int32.min, count: v.capacity)
        volunteers.append(v)
      }
    }
  }

  mutating func makeMothers() {
    let places = DemoPlaces.sites
    let totalWeight = places.reduce(0) { $0 + $1.weight }
    let otherLanguages = [
      "Polish", "Urdu", "Bengali", "Arabic", "Romanian", "Somali", "Punjabi", "Portuguese", "Tigrinya",
      "Farsi",
    ]
    for (s, site) in places.enumerated() {
      let count = Int((3334.0 * Double(scale) * site.weight / totalWeight).rounded())
      for _ in 0..<count {
        // Referrals grow over the two years.
        let u = rng.chance(0.5) ? rng.unit() : rng.unit().squareRoot()
        let referral = start + Int32(u * 730)
        let language: String
        switch rng.unit() {
        case ..<0.68: language = "English"
        case ..<0.88: language = rng.pick(site.languages)
        default: language = rng.pick(otherLanguages)
        }
        let due = referral + Int32(7 * rng.int(8...30) + rng.int(0...6))
        let offset = Int32(rng.int(-14...7) + rng.int(-3...7) / 2)  // births cluster around the due date
        let birth = due + Swift.max(-14, Swift.min(14, offset))
        var tags = rng.tags(DemoPlaces.vulnerabilities, max: 3)
        if language != "English" && rng.chance(0.3) && !tags.contains("asylum seeker") {
          tags.append("little English")
        }
        let referrer = RecordKind.referrers[rng.weighted([0.40, 0.18, 0.06, 0.10, 0.12, 0.09, 0.05])]
        mothers.append(
          Mother(
            site: s, name: personName(language: language), area: rng.int(0...site.areas.count - 1),
            language: language, interpreter: language != "English" && rng.chance(0.55), referral: referral,
            due: due,
            birth: birth <= today ? birth : nil, referrer: referrer, vulnerabilities: tags,
            consent: rng.chance(0.93),
            firstBaby: rng.chance(0.45)))
      }
    }
    mothers.sort { ($0.referral, $0.site) < ($1.referral, $1.site) }
  }

  // MARK: - Matches

  /// Who is matched with whom, when, and how each match ends (or that it goes on).
  mutating func makeMatches() {
    let bySite = Dictionary(grouping: volunteers.indices, by: { volunteers[$0].site })
    // Mothers in the order they would be matched, so each volunteer's places fill in date order.
    var queue: [(day: Int32, mother: Int)] = []
    for i in mothers.indices {
      if rng.chance(0.05) {
        mothers[i].status = "declined"
        continue
      }
      // Some referrals close after assessment without a match (could not be contacted, support
      // found elsewhere); the most recent are still being assessed.
      if rng.chance(0.08) {
        let waited = today - mothers[i].referral
        mothers[i].status = waited <= 7 ? "referred" : waited <= 21 ? "assessed" : "closed"
        continue
      }
      let wait = Int32(5 + rng.int(0...14) + rng.int(0...14) + (rng.chance(0.15) ? rng.int(10...40) : 0))
      queue.append((mothers[i].referral + wait, i))
    }
    queue.sort { ($0.day, $0.mother) < ($1.day, $1.mother) }
    for (day, m) in queue {
      var matchDay = day
      var placed = false
      for _ in 0..<6 where matchDay <= today {
        if tryMatch(mother: m, on: matchDay, candidates: bySite[mothers[m].site] ?? []) {
          placed = true
          break
        }
        matchDay += Int32(rng.int(7...21))
      }
      if placed { continue }
      let waited = today - mothers[m].referral
      mothers[m].status =
        waited <= 7 ? "referred" : waited <= 14 ? "assessed" : waited <= 150 ? "waiting" : "closed"
    }
  }

  /// Plans a match from `day` and gives it to a suitable volunteer with a free place; false if none.
  mutating func tryMatch(mother m: Int, on day: Int32, candidates: [Int]) -> Bool {
    let mother = mothers[m]
    // How it will end: planned at the baby's 6 to 12 weeks, or earlier for another reason.
    var plannedEnd = (mother.birth ?? mother.due) + Int32(rng.int(42...84))
    // Matched late (a long wait): still a few weeks of support.
    if plannedEnd < day + 28 { plannedEnd = day + 28 + Int32(rng.int(0...28)) }
    var end: Int32? = plannedEnd
    var reason = "planned"
    let r = rng.unit()
    if r >= 0.66 {
      let reasons = [
        "mother's choice", "moved away", "lost contact", "handed on to professional services",
        "volunteer left", "safeguarding",
      ]
      reason = reasons[rng.weighted([9, 6, 9, 5, 2, 3])]
      end = day + Int32(rng.int(14...Swift.max(15, Int(plannedEnd - day))))
    }
    if let e = end, e > today { end = nil }
    let wantsLanguage = mother.language != "English" ? mother.language : nil
    let young = mother.vulnerabilities.contains("young parent")

    guard !candidates.isEmpty else { return false }
    var best: (v: Int, slot: Int, score: Int)?
    var looked = 0
    let offset = rng.int(0...candidates.count - 1)
    for k in 0..<candidates.count {
      let v = candidates[(offset + k) % candidates.count]
      let vol = volunteers[v]
      guard vol.availableFrom <= day, day + 14 < vol.availableUntil else { continue }
      if vol.pausedOn != nil, end == nil || end! >= vol.pausedOn! { continue }
      guard let slot = vol.busyUntil.firstIndex(where: { $0 < day }) else { continue }
      var score = 0
      if let lang = wantsLanguage, vol.languages.contains(lang) { score += 3 }
      if young && vol.experiences.contains("young mum") { score += 2 }
      if vol.area == mother.area { score += 1 }
      if best == nil || score > best!.score { best = (v, slot, score) }
      looked += 1
      if looked >= 12 { break }
    }
    guard let (v, slot, score) = best else { return false }
    // A volunteer who leaves ends her matches that day.
    if let leftOn = volunteers[v].leftOn, end == nil || end! > leftOn {
      end = leftOn
      reason = "volunteer left"
    }
    // Most volunteers take a break of a few weeks between mothers, so on any day a project
    // has some places free (and a waiting list that matching can work on).
    volunteers[v].busyUntil[slot] = end.map { $0 + Int32(rng.int(0...21)) } ?? Int32.max
    var why = rng.pick(DemoPlaces.whyMatched)
    if score >= 3, let lang = wantsLanguage {
      why = "both speak \(lang)"
    } else if young && volunteers[v].experiences.contains("young mum") {
      why = "volunteer was a young mum too"
    }
    let rhythm = Int32([7, 10, 14, 21][rng.weighted([0.6, 0.2, 0.18, 0.02])])
    let first = day + Int32(rng.chance(0.15) ? 0 : rng.int(1...10))
    var match = Match(
      mother: m, volunteer: v, start: day, end: end, reason: end == nil ? nil : reason, why: why,
      rhythm: rhythm,
      firstVisit: first)
    if end != nil {
      let p: Double
      switch reason {
      case "planned": p = 0.9
      case "mother's choice": p = 0.5
      case "moved away": p = 0.4
      case "handed on to professional services": p = 0.6
      case "volunteer left": p = 0.3
      case "safeguarding": p = 0.2
      default: p = 0
      }
      match.finalVisit = rng.chance(p)
    }
    mothers[m].match = matches.count
    if end != nil {
      mothers[m].status = "closed"
    } else if first > today {
      mothers[m].status = "matched"
    } else {
      mothers[m].status = plannedEnd - today <= 21 && reason == "planned" ? "ending" : "active"
    }
    matches.append(match)
    return true
  }
}
