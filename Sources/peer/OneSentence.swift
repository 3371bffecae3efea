import ArgumentParser
import PeerCore
import PeerStore

/// Runs a command's work: a store's or a project's problem is one sentence on standard error
/// (with its hint, if it has one) and exit status 1.
func inOneSentence<T>(_ body: () throws -> T) throws -> T {
  do {
    return try body()
  } catch let e as StoreError {
    Console.writeError("peer: \(e.message)\n")
    throw ExitCode(1)
  } catch let e as ProjectError {
    Console.writeError("peer: \(e.message)\n" + (e.hint.map { "  hint: \($0)\n" } ?? ""))
    throw ExitCode(1)
  }
}
