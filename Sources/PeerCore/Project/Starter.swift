/// The scripts a new project starts with (`peer init`, `peer demo`): small, working examples a
/// data lead can read and change.
public enum Starter {
  public static let projectScript = """
    # This project's own definitions. Every .peer file in scripts/ is loaded when peer starts,
    # so functions written here can be used at the REPL, in other scripts and in jobs.

    # Mothers waiting for a volunteer, longest wait first.
    fn waiting_list() = mothers | where .status == "waiting" | sort .referral_date

    # Active matches with no contact for `days` days (21 unless given).
    fn no_recent_contact(days = 21) {
      matches | where .status == "active" and len(.visits) > 0
        | where today - (.visits | map .date | max) > days * 1 day
    }

    # A volunteer's current caseload against her capacity.
    fn caseload(v) = "{v.name}: {v.open_matches} of {v.capacity}"

    test "the waiting list is oldest first" {
      let list = waiting_list()
      for i in 1..<len(list) {
        assert(list[i - 1].referral_date <= list[i].referral_date)
      }
    }
    """
}
