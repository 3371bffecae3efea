import PeerCalendar
import Testing

@testable import PeerStore

/// The store's own small JSON (the `extra` column, list fields, audit before/after) reads what
/// it writes and what SQLite's JSON functions or a hand edit may leave there.
@Suite("JSON of fields")
struct JSONTextTests {
  @Test func roundTripsAwkwardTexts() {
    let fields: [String: FieldValue] = [
      "quote \" key": .text("a \"b\" \\ c / d"), "controls": .text("\u{0}\u{8}\u{c}\n\r\t\u{1f}"),
      "unicode": .text("Zoë 👶🏽 ß"), "list": .list(["", "x,y", "👶"]), "neg": .int(-42),
      "tiny": .double(-1.25e-300),
      "date": .date(0), "t": .bool(true),
    ]
    #expect(JSONText.decodeObject(JSONText.encode(fields)) == fields)
  }

  /// The byte writers of bulk imports give exactly what the general ones give.
  @Test func bytePathsAgreeWithTheGeneralOnes() {
    for cell in [
      "", ";", " ; ;", "listening", "listening; signposting", " a ;b; ;\tc\t", "x \"y\" \\ z; Zoë 👶🏽",
      "new\nline;tab\there", "\u{1}\u{1f}",
    ] {
      let items = cell.split(separator: ";", omittingEmptySubsequences: false).map {
        $0.trimmingCharacters(in: [" ", "\t"])
      }.filter { !$0.isEmpty }
      var out: [UInt8] = []
      var c = cell
      c.withUTF8 { JSONText.appendList($0, to: &out) }
      #expect(String(decoding: out, as: UTF8.self) == JSONText.encodeList(items), "\(cell)")
    }
    for days in [Int32(-719_528), -1, 0, 1, 19_000, 20_454, 2_932_896] {
      var out: [UInt8] = []
      JSONText.appendDate(days, to: &out)
      #expect(String(decoding: out, as: UTF8.self) == ISODate.text(days))
    }
  }

  @Test func readsStandardJSONFromElsewhere() {
    let text =
      #"{ "a" : "\u00e9\ud83d\udc76\/\b\f" , "n": 1.5E2, "l": [ "x", 3, true, "2027-03-14" ], "z": null }"#
    #expect(
      JSONText.decodeObject(text)
        == [
          "a": .text("é👶/\u{8}\u{c}"), "n": .double(150), "l": .list(["x", "3", "true", "2027-03-14"]),
          "z": .null,
        ])
  }

  @Test func refusesWhatItCannotHold() {
    for text in [
      #"{"a": {"b": 1}}"#, #"{"a": [[1]]}"#, #"{"a": 1"#, #"{"a": "\ud83d"}"#, "[1]", #"{"a": 1} x"#,
    ] {
      #expect(JSONText.decodeObject(text) == nil, "\(text)")
    }
  }

  /// Own fields edited by hand into something peer cannot read are reported, not read as empty
  /// (which the next update would write back, losing them).
  @Test func unreadableOwnFieldsAreReportedNotLost() throws {
    let store = try newStore()
    let id = try store.write { try $0.insert(StoredRecord(kind: .service, fields: ["name": .text("x")])) }
    try store.pool.write { try $0.execute(sql: #"UPDATE services SET extra = '{"a": {"nested": 1}}'"#) }
    let message = storeError { _ = try store.read { try $0.get(.service, id: id) } }
    #expect(message?.hasPrefix("service S-0001 has own fields peer cannot read") == true)
    // What SQLite's own JSON functions write is read.
    try store.pool.write {
      try $0.execute(
        sql: #"UPDATE services SET extra = json_object('a', 'é', 'n', 2.5, 'l', json_array('x'))"#)
    }
    #expect(
      try store.read { try $0.get(.service, id: id) }?.extra == [
        "a": .text("é"), "n": .double(2.5), "l": .list(["x"]),
      ])
  }
}
