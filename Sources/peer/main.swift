import Foundation
import PeerScript

// Temporary driver until the command line lands: runs the file named first.
let arguments = CommandLine.arguments
if arguments.count > 2, arguments[1] == "run" {
  let path = arguments[2]
  guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
    print("cannot read \(path)")
    exit(1)
  }
  do {
    try Interpreter().run(text, file: path)
  } catch {
    print(error)
    exit(1)
  }
}
if arguments.count > 2, arguments[1] == "dis" {
  let text = try! String(contentsOfFile: arguments[2], encoding: .utf8)
  print(try! Interpreter().disassemble(text, file: arguments[2]))
}
