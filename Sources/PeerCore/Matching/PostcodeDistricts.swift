import PeerScript

/// How far apart two people live, as honestly as a postcode allows: the straight-line distance
/// between the centres of their postcode *districts* (the part before the space: "BD8" of
/// "BD8 7QX"). It is not travel distance or time, and two people in one district are 0 km
/// apart however far across it they live. A district with no known centre gives nil, and a
/// score's `per ... in distance(m, v)` then gives no points either way.
///
/// The table holds approximate centres (to a km or so) of the districts the demo project uses;
/// a project adds its own with `postcode_district("LS6", 53.82, -1.58)` in a script.
final class PostcodeDistricts {
  struct Place {
    var latitude: Double
    var longitude: Double
  }

  var centres: [String: Place] = [
    // Bradford
    "BD5": Place(latitude: 53.778, longitude: -1.757), "BD8": Place(latitude: 53.805, longitude: -1.780),
    "BD21": Place(latitude: 53.866, longitude: -1.910),
    // Leicester
    "LE2": Place(latitude: 52.615, longitude: -1.115), "LE3": Place(latitude: 52.628, longitude: -1.185),
    "LE4": Place(latitude: 52.665, longitude: -1.120),
    // Hackney
    "E5": Place(latitude: 51.560, longitude: -0.055), "E8": Place(latitude: 51.545, longitude: -0.068),
    "N16": Place(latitude: 51.562, longitude: -0.078),
    // Bristol
    "BS5": Place(latitude: 51.462, longitude: -2.560), "BS10": Place(latitude: 51.503, longitude: -2.610),
    "BS13": Place(latitude: 51.412, longitude: -2.610),
    // Sheffield
    "S4": Place(latitude: 53.400, longitude: -1.455), "S5": Place(latitude: 53.425, longitude: -1.475),
    "S9": Place(latitude: 53.400, longitude: -1.410),
    // Newcastle
    "NE4": Place(latitude: 54.970, longitude: -1.640), "NE6": Place(latitude: 54.978, longitude: -1.560),
    "NE15": Place(latitude: 54.985, longitude: -1.720),
    // Birmingham
    "B6": Place(latitude: 52.505, longitude: -1.885), "B10": Place(latitude: 52.472, longitude: -1.845),
    "B11": Place(latitude: 52.455, longitude: -1.860),
    // Plymouth
    "PL1": Place(latitude: 50.370, longitude: -4.160), "PL5": Place(latitude: 50.420, longitude: -4.150),
    // Luton
    "LU1": Place(latitude: 51.875, longitude: -0.430), "LU3": Place(latitude: 51.910, longitude: -0.440),
    "LU4": Place(latitude: 51.900, longitude: -0.475),
  ]

  /// "BD8 7QX" -> "BD8"; "bd87qx" -> "BD8" (the inward code is always a digit and two letters).
  static func district(of postcode: String) -> String? {
    let compact = postcode.uppercased().filter { !$0.isWhitespace }
    guard compact.count >= 5 else { return compact.isEmpty ? nil : compact }
    return String(compact.dropLast(3))
  }

  func place(of postcode: String) -> Place? {
    guard let district = Self.district(of: postcode) else { return nil }
    return centres[district]
  }

  /// Great-circle distance in km (haversine; the Earth's mean radius).
  static func kilometres(_ a: Place, _ b: Place) -> Double {
    let radians = Double.pi / 180
    let dLat = (b.latitude - a.latitude) * radians
    let dLon = (b.longitude - a.longitude) * radians
    let h =
      sin(dLat / 2) * sin(dLat / 2) + cos(a.latitude * radians) * cos(b.latitude * radians) * sin(dLon / 2)
      * sin(dLon / 2)
    return 2 * 6371.0 * asin(min(1, h.squareRoot()))
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
