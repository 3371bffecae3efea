extension DemoScripts {
  /// Writes the example scripts into the demo project's folder (`scripts/referral.peer`...),
  /// so the forms, workflow, nightly job and reports of `Examples/` work there at once.
  public static func install(in project: Project) throws {
    for file in files {
      let path = project.folder + "/" + file.path
      if let slash = path.lastIndex(of: "/") { try FileSystem.makeDirectory(String(path[..<slash])) }
      try FileSystem.write(file.text + "\n", to: path)
    }
  }
}
