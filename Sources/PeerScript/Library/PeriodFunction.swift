/// The built-in functions giving the period that contains a date. A query shape names them
/// (`ItemValue.period`) so a host can group by period itself; `rawValue` is the name a script
/// calls.
public enum PeriodFunction: String, CaseIterable, Sendable {
  case month
  case quarter
  /// The UK financial year, from 1 April.
  case financialYear = "financial_year"
}
