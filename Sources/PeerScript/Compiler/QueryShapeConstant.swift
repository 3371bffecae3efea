/// A query shape (`ItemCondition`, `ItemValue` or a list of them) carried through the VM as a
/// constant of the compiled code, from the compiler to the stage that offers it to a host. A
/// host value rather than a case of `Value`, so the VM's switches and fast paths stay as they
/// are; scripts never see it (only the built-in stages and declarations take it).
public final class QueryShapeConstant<Shape>: HostObject {
  public let shape: Shape

  public init(_ shape: Shape) { self.shape = shape }

  public override var typeName: String { "query shape" }

  /// The shape `value` carries, or nil when it carries none of this type.
  public static func shape(of value: Value?) -> Shape? {
    guard case .host(let h)? = value, let constant = h as? QueryShapeConstant<Shape> else { return nil }
    return constant.shape
  }
}
