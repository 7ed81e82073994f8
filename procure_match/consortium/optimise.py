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

from dataclasses import dataclass

import numpy as np

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
        return self.items[-1].value if len(self.items) >= self.k else -np.inf

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


def best_teams(inst: Instance, alternatives: int = 1) -> list[Solution]:
    """The ``alternatives`` best valid teams (distinct member sets), best first; [] when none exists."""
    if alternatives < 1 or inst.n_requirements == 0 or inst.max_members < 1:
        return []
    useful = _useful(inst)
    if not useful:
        return []
    n_req = inst.n_requirements
    raw = np.array([[-np.inf if f is None else float(f) for f in inst.fits[m]] for m in useful], dtype=float).reshape(
        len(useful), n_req
    )
    if np.any(raw[np.isfinite(raw)] < 0):
        raise ValueError("fits must be non-negative")
    # Search order: most promising first (total fit, then turnover), so good teams are found early.
    potential = np.where(np.isfinite(raw), raw, 0.0).sum(axis=1)
    turn_u = np.array([inst.turnover[m] for m in useful], dtype=float)
    order = sorted(range(len(useful)), key=lambda i: (-potential[i], -turn_u[i], useful[i]))
    orig = [useful[i] for i in order]  # search position -> original index
    fits = raw[order]
    gain_fits = np.where(np.isfinite(fits), fits, 0.0)
    covers = np.isfinite(fits)
    turn = turn_u[order]
    n = len(orig)
    pos_of = {m: p for p, m in enumerate(orig)}
    adj = np.zeros((n, n), dtype=bool)
    for a, b in inst.shared:
        if a in pos_of and b in pos_of:
            adj[pos_of[a], pos_of[b]] = adj[pos_of[b], pos_of[a]] = True
    # suffix tables: which requirements can still be covered, the best remaining turnovers, the
    # number of consortium partners each member has among the remaining candidates.
    k_max = inst.max_members
    suffix_cover = np.zeros((n + 1, n_req), dtype=bool)
    for p in range(n - 1, -1, -1):
        suffix_cover[p] = suffix_cover[p + 1] | covers[p]
    suffix_best = np.zeros((n + 1, n_req))  # best fit per requirement among positions >= p
    for p in range(n - 1, -1, -1):
        suffix_best[p] = np.maximum(suffix_best[p + 1], gain_fits[p])
    suffix_top_turnover = np.zeros((n + 1, k_max + 1))
    for p in range(n):
        top = np.sort(turn[p:])[::-1][:k_max]
        suffix_top_turnover[p, 1 : len(top) + 1] = np.cumsum(top)
        suffix_top_turnover[p, len(top) + 1 :] = top.sum()
    suffix_degree = np.cumsum(adj[:, ::-1], axis=1)[:, ::-1]  # [m, p] = partners of m at positions >= p
    suffix_degree = np.concatenate([suffix_degree, np.zeros((n, 1), dtype=suffix_degree.dtype)], axis=1)

    need = inst.needed_turnover
    penalty, bonus_w = inst.member_penalty, inst.shared_bonus
    best = _Best(alternatives)

    def visit(team: list[int], start: int, cur: np.ndarray, covered: np.ndarray, turnover: float, pairs: int) -> None:
        if team and covered.all():
            sol = evaluate(inst, [orig[p] for p in team])
            if sol is not None and sol.value >= best.threshold() - _EPS:
                best.offer(sol)
        room = k_max - len(team)
        if room == 0 or start >= n:
            return
        # (a) coverage: every uncovered requirement needs a remaining candidate
        if not np.all(covered | suffix_cover[start]):
            return
        # (b) capacity: the best remaining turnovers must be able to close the gap
        if need is not None and turnover + suffix_top_turnover[start, room] < need - _EPS:
            return
        if need is None or turnover >= need:
            # Capacity is met, so a newcomer strictly worse than the team on every requirement could only
            # be idle padding, now and in every extension (the team's fits only grow): leave it out.
            useless = (fits[start:] < cur).all(axis=1)
            if useless.all():
                return
        else:
            useless = np.zeros(n - start, dtype=bool)
        # (c) bounds on any extension by 1..room members from positions >= start; the smaller one counts.
        # Bound A: the best room single-member gains added up (fit gains are submodular).
        fit_gain = np.maximum(gain_fits[start:] - cur, 0.0).sum(axis=1)
        bonus_gain = np.zeros(n - start)
        if bonus_w:
            with_team = adj[start:][:, team].sum(axis=1) if team else 0
            # pairs with the team count once per newcomer; a pair of newcomers is shared by both (half each)
            bonus_gain = bonus_w * (with_team + 0.5 * np.minimum(room - 1, suffix_degree[start:, start]))
            bonus_gain = np.where(useless, 0.0, bonus_gain)
        gains = np.where(useless, -np.inf, fit_gain - penalty + bonus_gain)
        value_now = float(cur.sum()) - penalty * len(team) + bonus_w * pairs
        top = np.sort(gains)[::-1][:room]
        bound_a = value_now + top[0] + float(np.maximum(top[1:], 0.0).sum())
        # Bound B: every requirement at the best fit still available, at least one more member's penalty.
        bonus_room = float(np.sort(bonus_gain)[::-1][:room].sum())
        bound_b = float(np.maximum(cur, suffix_best[start]).sum()) - penalty * (len(team) + 1) + bonus_w * pairs
        if min(bound_a, bound_b + bonus_room) < best.threshold() - _EPS:
            return
        # Child p and its extensions: bound A with p's own gain, bound B with p's fits counted.
        child_a = value_now + gains + float(np.maximum(top[: room - 1], 0.0).sum())
        child_b = (
            np.maximum(np.maximum(cur, gain_fits[start:]), suffix_best[start + 1 : n + 1]).sum(axis=1)
            - penalty * (len(team) + 1)
            + bonus_w * pairs
            + bonus_room
        )
        child_bounds = np.where(useless, -np.inf, np.minimum(child_a, child_b))
        if room == 1:  # the children are leaves: value them exactly here instead of recursing
            ok = (covered | covers[start:]).all(axis=1)
            if need is not None:
                ok &= turnover + turn[start:] >= need - _EPS
            ok &= ~useless
            leaf_values = value_now + fit_gain - penalty + (bonus_w * with_team if bonus_w and team else 0.0)
            for p in np.flatnonzero(ok) + start:
                if leaf_values[p - start] >= best.threshold() - _EPS:
                    sol = evaluate(inst, [orig[q] for q in (*team, p)])
                    if sol is not None and sol.value >= best.threshold() - _EPS:
                        best.offer(sol)
            return
        for p in range(start, n):
            if child_bounds[p - start] < best.threshold() - _EPS:
                continue
            new_pairs = pairs + int(adj[p, team].sum()) if team else pairs
            visit(
                [*team, p],
                p + 1,
                np.maximum(cur, gain_fits[p]),
                covered | covers[p],
                turnover + turn[p],
                new_pairs,
            )

    visit([], 0, np.zeros(n_req), np.zeros(n_req, dtype=bool), 0.0, 0)
    return list(best.items)
