/// Query shapes moved to sit inside others: their constants placed after another list's
/// (`reindexed`), their paths read from a record the item reaches (`prefixed`), and a script
/// function's body put where it is called (`inliningFunctions`). Used where shapes from two
/// places meet: a `map`'s entries in the request after it (HostMap.swift), a function's body
/// in the pipeline that calls it (FunctionShape.swift).
extension ItemValue {
  /// The same value with each constant index moved up by `offset`.
  func reindexed(by offset: Int) -> ItemValue {
    switch self {
    case .path: return self
    case .constant(let i): return .constant(i + offset)
    case .period(let f, let v, let function):
      return .period(f, v.reindexed(by: offset), function: function + offset)
    case .call(let name, let args, let function):
      return .call(name, args.map { $0.reindexed(by: offset) }, function: function + offset)
    case .arithmetic(let op, let a, let b):
      return .arithmetic(op, a.reindexed(by: offset), b.reindexed(by: offset))
    case .list(let parts):
      return .list(parts.map { $0.reindexed(by: offset) })
    case .count(let path, let condition, let lenFunction):
      return .count(
        path: path, where: condition?.reindexed(by: offset), lenFunction: lenFunction.map { $0 + offset })
    case .choose(let branches, let otherwise):
      return .choose(
        branches.map {
          ItemBranch(condition: $0.condition.reindexed(by: offset), value: $0.value.reindexed(by: offset))
        },
        otherwise: otherwise.reindexed(by: offset))
    case .applied(let function, let path):
      return .applied(function: function + offset, to: path)
    }
  }

  /// The same value read from the record `prefix` leads to: `.status` becomes `.mother.status`.
  func prefixed(_ prefix: [String]) -> ItemValue {
    guard !prefix.isEmpty else { return self }
    switch self {
    case .path(let names): return .path(prefix + names)
    case .constant: return self
    case .period(let f, let v, let function): return .period(f, v.prefixed(prefix), function: function)
    case .call(let name, let args, let function):
      return .call(name, args.map { $0.prefixed(prefix) }, function: function)
    case .arithmetic(let op, let a, let b): return .arithmetic(op, a.prefixed(prefix), b.prefixed(prefix))
    case .list(let parts): return .list(parts.map { $0.prefixed(prefix) })
    // The condition is about the related records counted, not about the item.
    case .count(let path, let condition, let lenFunction):
      return .count(path: prefix + path, where: condition, lenFunction: lenFunction)
    case .choose(let branches, let otherwise):
      return .choose(
        branches.map {
          ItemBranch(condition: $0.condition.prefixed(prefix), value: $0.value.prefixed(prefix))
        },
        otherwise: otherwise.prefixed(prefix))
    case .applied(let function, let path): return .applied(function: function, to: prefix + path)
    }
  }

  /// The value with each `applied` function whose body has a shape replaced by that body, its
  /// constants added to `constants`. A call of anything else stays as it is (a host refuses it).
  public func inliningFunctions(_ constants: inout ContiguousArray<Value>) -> ItemValue {
    switch self {
    case .applied(let function, let path):
      guard constants.indices.contains(function), case .closure(let closure) = constants[function],
        let body = closure.proto.itemShape
      else { return self }
      let offset = constants.count
      constants += body.constants
      // A body has no names, so no calls: nothing in it to inline again.
      return body.value.reindexed(by: offset).prefixed(path)
    case .path, .constant, .count:
      return self
    case .period(let f, let v, let function):
      return .period(f, v.inliningFunctions(&constants), function: function)
    case .call(let name, let args, let function):
      return .call(name, args.map { $0.inliningFunctions(&constants) }, function: function)
    case .arithmetic(let op, let a, let b):
      return .arithmetic(op, a.inliningFunctions(&constants), b.inliningFunctions(&constants))
    case .list(let parts):
      return .list(parts.map { $0.inliningFunctions(&constants) })
    case .choose(let branches, let otherwise):
      return .choose(
        branches.map {
          ItemBranch(
            condition: $0.condition.inliningFunctions(&constants),
            value: $0.value.inliningFunctions(&constants))
        }, otherwise: otherwise.inliningFunctions(&constants))
    }
  }
}

extension ItemCondition {
  func reindexed(by offset: Int) -> ItemCondition {
    switch self {
    case .compare(let op, let v, let k): return .compare(op, v.reindexed(by: offset), constant: k + offset)
    case .isIn(let path, let k): return .isIn(path: path, constant: k + offset)
    case .has(let path, let k): return .has(path: path, constant: k + offset)
    case .offset(let op, let path, let form, let by, let k):
      return .offset(op, path: path, form, by: by + offset, constant: k + offset)
    case .truthy: return self
    case .and(let a, let b): return .and(a.reindexed(by: offset), b.reindexed(by: offset))
    case .or(let a, let b): return .or(a.reindexed(by: offset), b.reindexed(by: offset))
    case .not(let a): return .not(a.reindexed(by: offset))
    }
  }

  func prefixed(_ prefix: [String]) -> ItemCondition {
    switch self {
    case .compare(let op, let v, let k): return .compare(op, v.prefixed(prefix), constant: k)
    case .isIn(let path, let k): return .isIn(path: prefix + path, constant: k)
    case .has(let path, let k): return .has(path: prefix + path, constant: k)
    case .offset(let op, let path, let form, let by, let k):
      return .offset(op, path: prefix + path, form, by: by, constant: k)
    case .truthy(let path): return .truthy(path: prefix + path)
    case .and(let a, let b): return .and(a.prefixed(prefix), b.prefixed(prefix))
    case .or(let a, let b): return .or(a.prefixed(prefix), b.prefixed(prefix))
    case .not(let a): return .not(a.prefixed(prefix))
    }
  }

  func inliningFunctions(_ constants: inout ContiguousArray<Value>) -> ItemCondition {
    switch self {
    case .compare(let op, let v, let k): return .compare(op, v.inliningFunctions(&constants), constant: k)
    case .isIn, .has, .offset, .truthy: return self
    case .and(let a, let b): return .and(a.inliningFunctions(&constants), b.inliningFunctions(&constants))
    case .or(let a, let b): return .or(a.inliningFunctions(&constants), b.inliningFunctions(&constants))
    case .not(let a): return .not(a.inliningFunctions(&constants))
    }
  }
}

extension AggregateRequest {
  /// The request with the script's own functions in its shapes inlined (`ItemValue.applied`).
  mutating func inlineFunctions() {
    key = key?.inliningFunctions(&keyConstants)
    for i in aggregates.indices {
      aggregates[i].shape = aggregates[i].shape?.inliningFunctions(&constants)
    }
  }
}
