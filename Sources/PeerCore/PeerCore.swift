import PeerScript
import PeerStore

/// PeerCore joins the language to the store: a project's records become values scripts can
/// query and change, under the domain's integrity rules.
public enum PeerCore {
  public static let version = "0.1.0"
}
