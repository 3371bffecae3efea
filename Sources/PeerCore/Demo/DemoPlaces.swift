/// The demo project's world: nine sites in English towns and cities, the names people have,
/// the languages they speak and the local services volunteers signpost to. All invented;
/// postcodes use real district prefixes with made-up endings, phone numbers the range Ofcom
/// keeps for drama (07700 900xxx).
enum DemoPlaces {
  struct Site {
    var name: String
    /// Areas and their postcode districts.
    var areas: [(area: String, postcode: String)]
    /// Relative size (referrals and volunteers).
    var weight: Double
    /// Community languages more common here (besides English).
    var languages: [String]
  }

  static let sites: [Site] = [
    Site(
      name: "Bradford", areas: [("Manningham", "BD8"), ("Little Horton", "BD5"), ("Keighley", "BD21")],
      weight: 1.3,
      languages: ["Urdu", "Punjabi", "Polish"]),
    Site(
      name: "Leicester", areas: [("Highfields", "LE2"), ("Braunstone", "LE3"), ("Belgrave", "LE4")],
      weight: 1.1,
      languages: ["Gujarati", "Punjabi", "Somali"]),
    Site(
      name: "Hackney", areas: [("Clapton", "E5"), ("Dalston", "E8"), ("Stoke Newington", "N16")], weight: 1.2,
      languages: ["Turkish", "Bengali", "Portuguese"]),
    Site(
      name: "Bristol", areas: [("Lawrence Hill", "BS5"), ("Hartcliffe", "BS13"), ("Southmead", "BS10")],
      weight: 1.0,
      languages: ["Somali", "Polish", "Arabic"]),
    Site(
      name: "Sheffield", areas: [("Burngreave", "S4"), ("Darnall", "S9"), ("Parson Cross", "S5")],
      weight: 0.9,
      languages: ["Arabic", "Urdu", "Romanian"]),
    Site(
      name: "Newcastle", areas: [("Elswick", "NE4"), ("Walker", "NE6"), ("Benwell", "NE15")], weight: 0.8,
      languages: ["Arabic", "Farsi", "Polish"]),
    Site(
      name: "Birmingham", areas: [("Sparkbrook", "B11"), ("Small Heath", "B10"), ("Aston", "B6")],
      weight: 1.3,
      languages: ["Urdu", "Bengali", "Somali"]),
    Site(
      name: "Plymouth", areas: [("Devonport", "PL1"), ("Stonehouse", "PL1"), ("Whitleigh", "PL5")],
      weight: 0.6,
      languages: ["Polish", "Kurdish", "Romanian"]),
    Site(
      name: "Luton", areas: [("Bury Park", "LU1"), ("Marsh Farm", "LU3"), ("Lewsey", "LU4")], weight: 0.8,
      languages: ["Urdu", "Romanian", "Tigrinya"]),
  ]

  static let englishNames = [
    "Amy", "Charlotte", "Chloe", "Emma", "Gemma", "Hannah", "Jade", "Jessica", "Kelly", "Laura", "Lauren",
    "Leanne", "Lisa", "Lucy", "Megan", "Natalie", "Rachel", "Rebecca", "Sarah", "Sophie", "Stacey", "Zoe",
    "Kirsty", "Danielle", "Amber", "Holly", "Georgia", "Shannon", "Bethany", "Ellie", "Chantelle", "Shanice",
    "Tanisha", "Abena", "Ngozi", "Chioma", "Blessing", "Grace", "Aisha", "Sana", "Priya", "Nisha", "Roisin",
    "Siobhan", "Kayleigh", "Courtney", "Paige", "Jasmine", "Naomi", "Ruth",
  ]
  static let namesByLanguage: [String: [String]] = [
    "Polish": ["Agnieszka", "Katarzyna", "Magdalena", "Joanna", "Monika", "Zofia"],
    "Urdu": ["Ayesha", "Fatima", "Sadia", "Nadia", "Saima", "Rubina", "Samina", "Zainab", "Hina", "Iqra"],
    "Punjabi": ["Harpreet", "Simran", "Gurpreet", "Shabana", "Rukhsana"],
    "Bengali": ["Nasreen", "Rupa", "Shirin", "Taslima", "Farhana", "Rumana"],
    "Arabic": ["Mariam", "Noor", "Huda", "Layla", "Rania", "Salma"],
    "Somali": ["Hodan", "Fadumo", "Ayan", "Sahra", "Hawa", "Ifrah"],
    "Romanian": ["Ioana", "Elena", "Andreea", "Mihaela", "Florentina"],
    "Portuguese": ["Ana", "Beatriz", "Mariana", "Luana"],
    "Tigrinya": ["Selam", "Senait", "Yordanos", "Helen", "Saba"],
    "Farsi": ["Maryam", "Parisa", "Roya", "Zahra"],
    "Kurdish": ["Rojin", "Berivan", "Shilan"],
    "Gujarati": ["Hetal", "Jigna", "Komal", "Falguni"],
    "Turkish": ["Elif", "Zeynep", "Ayşe", "Merve"],
  ]
  static let surnames = [
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
    "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Hughes",
    "O'Brien", "Murphy", "Campbell", "Stewart", "Mensah", "Boateng", "Okafor", "Adeyemi", "Campbell-Reid",
  ]
  /// Every language's surnames in one list, in a fixed order (a dictionary's order changes from
  /// run to run, and the demo must be the same every time).
  static let otherLanguageSurnames = surnamesByLanguage.keys.sorted().flatMap { surnamesByLanguage[$0]! }

  static let surnamesByLanguage: [String: [String]] = [
    "Polish": ["Kowalska", "Nowak", "Wiśniewska", "Wójcik"],
    "Urdu": ["Khan", "Hussain", "Akhtar", "Bibi", "Ahmed"],
    "Punjabi": ["Kaur", "Sandhu", "Gill", "Begum"],
    "Bengali": ["Begum", "Rahman", "Miah", "Uddin", "Chowdhury"],
    "Arabic": ["Hassan", "Ali", "Saleh", "Mahmoud"],
    "Somali": ["Mohamed", "Abdi", "Osman", "Farah", "Warsame"],
    "Romanian": ["Popescu", "Ionescu", "Popa", "Stan"],
    "Portuguese": ["Silva", "Santos", "Ferreira", "Costa"],
    "Tigrinya": ["Tesfaye", "Haile", "Gebremedhin", "Berhane"],
    "Farsi": ["Ahmadi", "Hosseini", "Karimi", "Rezaei"],
    "Kurdish": ["Ahmed", "Mustafa", "Aziz"],
    "Gujarati": ["Patel", "Mistry", "Parmar", "Shah"],
    "Turkish": ["Yılmaz", "Kaya", "Demir", "Şahin"],
  ]

  static let vulnerabilities: [(String, Double)] = [
    ("mental health", 0.30), ("isolation", 0.28), ("financial hardship", 0.27), ("young parent", 0.14),
    ("domestic abuse", 0.12), ("housing", 0.12), ("asylum seeker", 0.05), ("previous loss", 0.07),
    ("learning disability", 0.04), ("care leaver", 0.03), ("substance use", 0.03),
  ]
  static let experiences: [(String, Double)] = [
    ("breastfeeding", 0.35), ("postnatal depression", 0.22), ("single parent", 0.2), ("young mum", 0.15),
    ("birth trauma", 0.12), ("premature baby", 0.1), ("migrated to the UK", 0.15), ("baby loss", 0.06),
    ("domestic abuse survivor", 0.06), ("twins", 0.04),
  ]

  /// Service categories: the name pattern (`{site}`/`{area}`), and whether each site has one.
  static let serviceKinds: [(category: String, pattern: String)] = [
    ("food bank", "{site} Food Bank"),
    ("children's centre", "{area} Children's Centre"),
    ("perinatal mental health", "{site} Perinatal Mental Health Team"),
    ("breastfeeding group", "{area} Breastfeeding Café"),
    ("debt advice", "{site} Money Advice"),
    ("housing", "{site} Housing Options"),
    ("ESOL", "{site} ESOL for Parents"),
    ("baby bank", "{area} Baby Bank"),
  ]
  static let nationalServices: [(name: String, category: String)] = [
    ("Citizens Advice", "debt advice"), ("StepChange Debt Charity", "debt advice"),
    ("National Domestic Abuse Helpline", "domestic abuse"), ("PANDAS Foundation", "perinatal mental health"),
    ("Shelter", "housing"), ("National Breastfeeding Helpline", "breastfeeding group"),
  ]

  static let visitNotes = [
    "Talked through the birth plan.", "She is feeling more settled.", "Baby feeding well.",
    "Went through the housing letter together.", "She was tired; short visit.",
    "Walked to the children's centre.",
    "Helped fill in the Healthy Start form.", "Talked about sleep.", "She has found a baby group she likes.",
    "Practised phrases for the midwife appointment.", "Low mood this week; mentioned the GP.",
    "Brought a pram from the baby bank.", "Partner was there; she seemed quieter.",
    "Planning the last visits.",
  ]
  static let whyMatched = [
    "lives nearby", "available on weekday mornings", "both first-time mums", "similar birth experience",
    "she asked for someone older", "volunteer has capacity now", "both single parents",
  ]
}
