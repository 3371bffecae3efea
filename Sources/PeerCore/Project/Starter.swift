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

  /// A first retention schedule (docs/data-protection.md): `peer check` fails without one, and
  /// asks for a line for each field the project's forms add.
  public static let retentionScript = """
    # How long this project keeps what, and what happens then (docs/data-protection.md). A
    # starting point, not legal advice: your data protection lead decides. `peer check` asks for
    # a line for each field your forms save, as in: mothers.best_times: with mothers
    retention schedule "Retention schedule" {
      # Six years after her support ended, keep only what reports count.
      mothers where .status in ["closed", "declined"]: anonymise 6 years after (.endings | map .date | max) or .referral_date
      matches, visits, endings: with mothers
      visits.notes: erase 2 years after .date
      volunteers where .status == "left": erase 6 years after .joined_on
      tasks, flags: erase 1 year after .closed_on
      services: keep
    }
    """
}
