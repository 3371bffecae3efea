#!/usr/bin/env python3
"""The reader of Tests' disclosure attack: given what one report run published and the linear
relations a reader who knows how the report is built can write down, the exact range of each
hidden count (integer programming with scipy's HiGHS, independent of peer's own audit).

stdin: one problem, or a list of them:
       {"under": 5,
        "figures": {"NAME": 12 | "<5" | "*" | "[c]", ...},
        "relations": [[["a", "b"], ["total"]], ...],      # sum(first) == sum(second)
        "orders": [["a", "b"], ...],                     # a >= b (a table sorted by a count)
        "ranges": [[{"a": 100, "w": -6.5}, null, 0], ...], # low <= sum(coefficient * figure) <= high
        "positive": ["a", ...]}                          # rows of a `group`: at least 1
stdout: {"NAME": [lowest, highest or null], ...} for every hidden figure.
"""
import json
import sys

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

def solve(problem):
    under = problem["under"]
    figures = problem["figures"]
    # A figure a relation names but the run did not publish (a table withdrawn as too few to
    # show) is an unknown count the reader can still reason with.
    named = [n for plus, minus in problem["relations"] for n in plus + minus]
    named += [n for pair in problem.get("orders", []) for n in pair]
    named += [n for coefficients, _, _ in problem.get("ranges", []) for n in coefficients]
    figures = dict(figures)
    unpublished = sorted({n for n in named if n not in figures})
    for name in unpublished:
        figures[name] = "unpublished"
    hidden = [name for name, v in figures.items() if isinstance(v, str)]
    index = {name: i for i, name in enumerate(hidden)}
    domain = {"<%d" % under: (1, under - 1), "*": (under, np.inf), "[c]": (0, under - 1),
              "unpublished": (0, np.inf)}
    positive = set(problem.get("positive", []))
    lower = np.array([max(domain[figures[n]][0], 1 if n in positive else 0) for n in hidden], dtype=float)
    upper = np.array([domain[figures[n]][1] for n in hidden], dtype=float)

    rows, rhs = [], []
    for plus, minus in problem["relations"]:
        row = np.zeros(len(hidden))
        constant = 0.0
        for names, sign in ((plus, 1.0), (minus, -1.0)):
            for name in names:
                if name in index:
                    row[index[name]] += sign
                else:
                    constant -= sign * figures[name]
        if row.any():
            rows.append(row)
            rhs.append(constant)
        elif abs(constant) > 1e-9:
            raise ValueError("published figures contradict a relation: %s = %s" % (plus, minus))

    constraints = [LinearConstraint(np.array(rows), rhs, rhs)] if rows else []

    def linear(coefficients, low, high):
        """A constraint over hidden figures, the shown ones moved to the bounds."""
        row = np.zeros(len(hidden))
        constant = 0.0
        for name, a in coefficients.items():
            if name in index:
                row[index[name]] += a
            else:
                constant += a * figures[name]
        low = -np.inf if low is None else low - constant
        high = np.inf if high is None else high - constant
        if row.any():
            constraints.append(LinearConstraint(row.reshape(1, -1), low, high))
        elif not (low - 1e-9 <= 0 <= high + 1e-9):
            raise ValueError("published figures contradict a constraint: %s" % coefficients)

    for a, b in problem.get("orders", []):
        linear({a: 1.0, b: -1.0} if a != b else {}, 0, None)
    for coefficients, low, high in problem.get("ranges", []):
        linear(coefficients, low, high)
    integrality = np.ones(len(hidden))
    if hidden:
        r = milp(np.zeros(len(hidden)), constraints=constraints, integrality=integrality,
                 bounds=Bounds(lower, upper))
        if r.status != 0:
            raise ValueError("what was published has no solution: %s" % r.message)
    out = {}
    for name in hidden:
        if name in unpublished:
            continue
        bound = []
        for sign in (1.0, -1.0):
            c = np.zeros(len(hidden))
            c[index[name]] = sign
            r = milp(c, constraints=constraints, integrality=integrality,
                     bounds=Bounds(lower, upper))
            if r.status != 0:  # feasible (checked above), so unbounded
                bound.append(None)
            else:
                bound.append(round(sign * r.fun))
        out[name] = bound
    return out


problems = json.load(sys.stdin)
if isinstance(problems, list):
    json.dump([solve(p) for p in problems], sys.stdout)
else:
    json.dump(solve(problems), sys.stdout)
