#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension SubjectAccess {
  /// The two files written, in the folder.
  public static let fileNames = (page: "subject-access.html", data: "subject-access.json")

  /// Writes the page and the JSON into `folder`, made if missing (readable by its owner only)
  /// and refused if it holds anything already: an answer is never mixed with another's files.
  /// Each file is written whole and owner-only (`OutputFile`).
  public func write(into folder: String) throws {
    if FileSystem.exists(folder) {
      guard FileSystem.isDirectory(folder) else { throw ProjectError("\(folder) is not a folder") }
      guard FileSystem.list(folder).isEmpty else {
        throw ProjectError("\(folder) is not empty: give a new or empty folder for the export")
      }
    } else if mkdir(folder, 0o700) != 0 {
      throw ProjectError("cannot create the folder \(folder): \(String(cString: strerror(errno)))")
    }
    let page = try OutputFile(folder + "/" + Self.fileNames.page)
    let data = try OutputFile(folder + "/" + Self.fileNames.data)
    try page.write(html())
    try data.write(json())
    try page.commit()
    try data.commit()
  }
}
