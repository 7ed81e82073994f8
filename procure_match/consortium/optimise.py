"""Exact team search: the best member sets for one notice, by branch and bound.

The problem, in numbers only (no enterprises, no text), so it can be tested against brute force:

* ``fits[m][r]`` is member m's fit for requirement r, or ``None`` when m cannot cover r;
* a *team* is a set of at most ``max_members`` members that covers every requirement and whose
  combined turnover is at least ``needed_turnover`` (when that is known);
* given a team, each requirement is assigned to the member with the highest fit for it (ties go to
  the lower index, i.e. the better-ranked candidate); a member may cover several requirements;
* a member assigned no requirement is allowed only as a *capacity partner*: without it the team
  would fall short of the turnover needed (otherwise it is padding and the team is rejected);
* value = sum of assigned fits - ``member_penalty`` x members + ``shared_bonus`` x pairs of members
  who already share a consortium.

``best_teams`` returns the ``alternatives`` best teams (distinct member sets), best first, exactly:
the search visits member sets depth first and prunes a branch only when (a) some uncovered
requirement has no candidate left, (b) the best remaining turnovers cannot reach capacity, or (c) an
upper bound on every extension is below the current k-th best value. Two bounds are used, the smaller
wins: (A) the value of the current set plus the best marginal gains of the remaining candidates (fit
gains are submodular, so the sum of single-member gains over-estimates any group's gain; a bonus pair
between two newcomers is split half and half); (B) every requirement at the best fit still available,
minus at least one more member's penalty, plus the largest possible bonuses. Once capacity is met, a
newcomer strictly worse than the team on every requirement is dropped: it could only be padding.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

_EPS = 1e-9


@dataclass(frozen=True, slots=True)
class Instance:
    fits: tuple[tuple[float | None, ...], ...]  # fits[member][requirement], None = cannot cover
    turnover: tuple[float, ...]  # GBP a year; unknown counts as 0
    needed_turnover: float | None = None  # None = capacity not checked
    shared: frozenset[tuple[int, int]] = frozenset()  # (i, j), i < j: members already in a consortium together
    max_members: int = 4
    member_penalty: float = 0.05
    shared_bonus: float = 0.05

    @property
    def n_members(self) -> int:
        return len(self.fits)

    @property
    def n_requirements(self) -> int:
        return len(self.fits[0]) if self.fits else 0


@dataclass(frozen=True, slots=True)
class Solution:
    members: tuple[int, ...]  # sorted member indices
    assignment: tuple[int, ...]  # member index per requirement
    value: float
    fit_total: float
    penalty: float
    bonus: float
    turnover: float

    def key(self) -> tuple[float, tuple[int, ...]]:
        """Sort key: higher value first, then the lexicographically smaller member set."""
        return (-round(self.value, 9), self.members)


def evaluate(inst: Instance, members: tuple[int, ...] | list[int]) -> Solution | None:
    """The team made of ``members`` with its best assignment, or None when it is not a valid team."""
    team = tuple(sorted(set(members)))
    if not team or len(team) > inst.max_members:
        return None
    assignment = []
    fit_total = 0.0
    for r in range(inst.n_requirements):
        best_m, best_f = -1, -1.0
        for m in team:
            f = inst.fits[m][r]
            if f is not None and f > best_f:
                best_m, best_f = m, f
        if best_m < 0:
            return None
        assignment.append(best_m)
        fit_total += best_f
    turnover = sum(inst.turnover[m] for m in team)
    need = inst.needed_turnover
    if need is not None and turnover < need:
        return None
    assigned = set(assignment)
    for m in team:
        if m not in assigned and (need is None or turnover - inst.turnover[m] >= need):
            return None  # idle and not needed for capacity: padding
    pairs = sum(1 for i, a in enumerate(team) for b in team[i + 1 :] if (a, b) in inst.shared)
    penalty = inst.member_penalty * len(team)
    bonus = inst.shared_bonus * pairs
    return Solution(
        members=team,
        assignment=tuple(assignment),
        value=fit_total - penalty + bonus,
        fit_total=fit_total,
        penalty=penalty,
        bonus=bonus,
        turnover=turnover,
    )


class _Best:
    """The k best solutions seen so far, kept sorted by ``Solution.key``."""

    def __init__(self, k: int):
        self.k = k
        self.items: list[Solution] = []

    def threshold(self) -> float:
        return self.items[-1].value if len(self.items) >= self.k else -math.inf

    def offer(self, sol: Solution) -> None:
        self.items.append(sol)
        self.items.sort(key=Solution.key)
        del self.items[self.k :]


def _useful(inst: Instance) -> list[int]:
    """Members that can be in some valid team: they cover a requirement or bring needed turnover."""
    need = inst.needed_turnover
    out = []
    for m in range(inst.n_members):
        covers = any(f is not None for f in inst.fits[m])
        if covers or (need is not None and inst.turnover[m] > 0):
            out.append(m)
    return out


def _mask(flags: Iterable[bool]) -> int:
    """Bit r set when flag r is true."""
    return sum(1 << r for r, flag in enumerate(flags) if flag)


def _top_sums(values: list[float], k_max: int) -> list[float]:
    """[0, v1, v1 + v2, ...]: the sums of the j largest values for j = 0..k_max (all of them once j runs out)."""
    out = [0.0]
    for v in sorted(values, reverse=True)[:k_max]:
        out.append(out[-1] + v)
    return out + [out[-1]] * (k_max + 1 - len(out))


def _all_below(cols: list[tuple[float, ...]], start: int, cur: tuple[float, ...]) -> list[bool]:
    """For each position p >= start: is its fit below ``cur`` on every requirement? (``cols[r][p]`` = fit)"""
    below = [[f < c for f in col[start:]] for col, c in zip(cols, cur, strict=True)]
    return below[0] if len(below) == 1 else [all(flags) for flags in zip(*below, strict=True)]


def _gains_over(cols: list[tuple[float, ...]], start: int, cur: tuple[float, ...]) -> list[float]:
    """For each position p >= start: the sum over requirements of how far its fit exceeds ``cur`` (0 if not)."""
    parts = [[f - c if f > c else 0.0 for f in col[start:]] for col, c in zip(cols, cur, strict=True)]
    return parts[0] if len(parts) == 1 else [sum(g) for g in zip(*parts, strict=True)]


def best_teams(inst: Instance, alternatives: int = 1) -> list[Solution]:
    """The ``alternatives`` best valid teams (distinct member sets), best first; [] when none exists.

    Instances are small (tens of members, a few requirements), so the search works on plain Python
    tuples, floats and bit masks (bit r = requirement r; bit p = search position p): at this size that is
    many times faster than small numpy arrays.
    """
    if alternatives < 1 or inst.n_requirements == 0 or inst.max_members < 1:
        return []
    useful = _useful(inst)
    if not useful:
        return []
    n_req = inst.n_requirements
    req_range = range(n_req)
    raw_u = [tuple(-math.inf if f is None else float(f) for f in inst.fits[m]) for m in useful]
    if any(f < 0 for row in raw_u for f in row if math.isfinite(f)):
        raise ValueError("fits must be non-negative")
    # Search order: most promising first (total fit, then turnover), so good teams are found early.
    gain_u = [tuple(f if math.isfinite(f) else 0.0 for f in row) for row in raw_u]
    potential = [sum(row) for row in gain_u]
    turn_u = [float(inst.turnover[m]) for m in useful]
    order = sorted(range(len(useful)), key=lambda i: (-potential[i], -turn_u[i], useful[i]))
    orig = [useful[i] for i in order]  # search position -> original index
    raw = [raw_u[i] for i in order]  # fits, -inf = cannot cover
    gain = [gain_u[i] for i in order]  # fits, 0 = cannot cover
    covers = [_mask(math.isfinite(f) for f in raw[p]) for p in range(len(orig))]
    raw_cols = list(zip(*raw, strict=True))  # raw_cols[r][p] = raw[p][r]
    gain_cols = list(zip(*gain, strict=True))
    turn = [turn_u[i] for i in order]
    n = len(orig)
    full = (1 << n_req) - 1
    pos_of = {m: p for p, m in enumerate(orig)}
    partners = [0] * n  # bit q set when positions p and q already share a consortium
    for a, b in inst.shared:
        if a in pos_of and b in pos_of:
            partners[pos_of[a]] |= 1 << pos_of[b]
            partners[pos_of[b]] |= 1 << pos_of[a]
    # suffix tables: which requirements can still be covered, the best fit still available per requirement,
    # the best remaining turnovers, the number of consortium partners each member has among the remaining.
    k_max = inst.max_members
    suffix_cover = [0] * (n + 1)
    suffix_best = [(0.0,) * n_req] * (n + 1)
    for p in range(n - 1, -1, -1):
        suffix_cover[p] = suffix_cover[p + 1] | covers[p]
        suffix_best[p] = tuple(max(a, b) for a, b in zip(suffix_best[p + 1], gain[p], strict=True))
    suffix_top_turnover = [_top_sums(turn[p:], k_max) for p in range(n)]
    suffix_degree = [[(partners[m] >> p).bit_count() for p in range(n + 1)] for m in range(n)]

    # Capacity: a team needs turnover >= floor (the need less a rounding allowance; evaluate() decides
    # exactly) and has met it once turnover >= met_at. No need stated: every team meets it.
    need = inst.needed_turnover
    floor = -math.inf if need is None else need - _EPS * max(1.0, abs(need))
    met_at = -math.inf if need is None else need
    penalty, bonus_w = inst.member_penalty, inst.shared_bonus
    best = _Best(alternatives)

    def offer(positions: list[int]) -> None:
        sol = evaluate(inst, [orig[p] for p in positions])
        if sol is not None and sol.value >= best.threshold() - _EPS:
            best.offer(sol)

    def visit(
        team: list[int], bits: int, start: int, cur: tuple[float, ...], covered: int, turnover: float, pairs: int
    ) -> None:
        """Offer ``team`` (search positions, also as bit mask ``bits``) if valid, then extend it from ``start`` on."""
        if team and covered == full and turnover >= floor:
            offer(team)
        room = k_max - len(team)
        if room == 0 or start >= n:
            return
        # (a) coverage: every uncovered requirement needs a remaining candidate
        if covered | suffix_cover[start] != full:
            return
        # (b) capacity: the best remaining turnovers must be able to close the gap
        if turnover + suffix_top_turnover[start][room] < floor:
            return
        rest = range(start, n)
        if turnover >= met_at:
            # Capacity is met, so a newcomer strictly worse than the team on every requirement could only
            # be idle padding, now and in every extension (the team's fits only grow): leave it out.
            useless = _all_below(raw_cols, start, cur)
            if all(useless):
                return
        else:
            useless = [False] * (n - start)
        fit_gain = _gains_over(gain_cols, start, cur)
        with_team = [(partners[q] & bits).bit_count() for q in rest]
        value_now = sum(cur) - penalty * len(team) + bonus_w * pairs
        if room == 1:  # the children are leaves: value them exactly here instead of recursing
            for i, q in enumerate(rest):
                if useless[i] or covered | covers[q] != full or turnover + turn[q] < floor:
                    continue
                if value_now + fit_gain[i] - penalty + bonus_w * with_team[i] >= best.threshold() - _EPS:
                    offer([*team, q])
            return
        # (c) bounds on any extension by 1..room members from positions >= start; the smaller one counts.
        # Bound A: the best room single-member gains added up (fit gains are submodular).
        # Pairs with the team count once per newcomer; a pair of newcomers is shared by both (half each).
        bonus_gain = [
            0.0 if useless[i] else bonus_w * (with_team[i] + 0.5 * min(room - 1, suffix_degree[q][start]))
            for i, q in enumerate(rest)
        ]
        gains = [-math.inf if useless[i] else fit_gain[i] - penalty + bonus_gain[i] for i in range(n - start)]
        top = sorted(gains, reverse=True)[:room]
        bound_a = value_now + top[0] + sum(max(g, 0.0) for g in top[1:])
        # Bound B: every requirement at the best fit still available, at least one more member's penalty.
        bonus_room = sum(sorted(bonus_gain, reverse=True)[:room])
        after = -penalty * (len(team) + 1) + bonus_w * pairs
        bound_b = sum(max(c, b) for c, b in zip(cur, suffix_best[start], strict=True)) + after
        if min(bound_a, bound_b + bonus_room) < best.threshold() - _EPS:
            return
        # Child q and its extensions: bound A with q's own gain, bound B with q's fits counted.
        others_a = value_now + sum(max(g, 0.0) for g in top[: room - 1])
        for i, q in enumerate(rest):
            if useless[i] or others_a + gains[i] < best.threshold() - _EPS:
                continue
            fits_q, later = gain[q], suffix_best[q + 1]
            child_b = sum(max(cur[r], fits_q[r], later[r]) for r in req_range) + after + bonus_room
            if child_b < best.threshold() - _EPS:
                continue
            visit(
                [*team, q],
                bits | 1 << q,
                q + 1,
                tuple(max(c, f) for c, f in zip(cur, fits_q, strict=True)),
                covered | covers[q],
                turnover + turn[q],
                pairs + with_team[i],
            )

    visit([], 0, 0, (0.0,) * n_req, 0, 0.0, 0)
    return list(best.items)
