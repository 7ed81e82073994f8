"""Exact team search: the best member sets for one notice, by branch and bound.

The problem, in numbers only (no enterprises, no text), so it can be tested against brute force:

* ``fits[m][r]`` is member m's fit for requirement r, or ``None`` when m cannot cover r;
* ``turnover[m]`` is member m's yearly turnover, or ``None`` when it is not recorded (never read as 0);
* a *team* is a set of at most ``max_members`` members that covers every requirement and whose
  capacity is *met* (known turnovers add up to ``needed_turnover``), *unverified* (they do not, but a
  member's turnover is unknown, so it may) or *not checked* (no ``needed_turnover``); a team whose
  turnovers are all known and fall short is not a team;
* given a team, each requirement is assigned to the member with the highest fit for it (ties go to
  the lower index, i.e. the better-ranked candidate); a member may cover several requirements;
* a member assigned no requirement is allowed only as a *capacity partner*: it can cover some
  requirement (it shares that work), the team's capacity is met, its turnover is recorded and
  without it the known turnovers would fall short (otherwise it is padding and the team is
  rejected); a member that could cover nothing is never part of a team;
* value = sum of assigned fits - ``member_penalty`` x members + ``shared_bonus`` x pairs of members
  who already share a consortium.

``best_teams`` returns the ``alternatives`` best teams (distinct member sets), best first, exactly:
the search visits member sets depth first and prunes a branch only when (a) some uncovered
requirement has no candidate left, (b) the best remaining turnovers cannot reach capacity, or (c) an
upper bound on every extension is below the current k-th best value (an unknown turnover counts as
unlimited in (b), and as nothing when deciding that capacity is met). Two bounds are used, the smaller
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
    turnover: tuple[float | None, ...]  # GBP a year; None = not recorded
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
    turnover: float  # the known turnovers added up
    capacity: str = "not checked"  # "met" | "unverified" | "not checked"

    def key(self) -> tuple[float, tuple[int, ...]]:
        """Sort key: higher value first, then the lexicographically smaller member set."""
        return (-round(self.value, 9), self.members)


def _capacity(inst: Instance, team: tuple[int, ...], assignment: list[int]) -> tuple[float, str] | None:
    """(known turnover, capacity status) of a team, or None when it falls short or carries padding."""
    known = sum(t for m in team if (t := inst.turnover[m]) is not None)
    unknown = any(inst.turnover[m] is None for m in team)
    need = inst.needed_turnover
    if need is None:
        status = "not checked"
    elif known >= need:
        status = "met"
    elif unknown:
        status = "unverified"
    else:
        return None
    assigned = set(assignment)
    for m in team:
        if m in assigned:
            continue
        own = inst.turnover[m]
        if all(f is None for f in inst.fits[m]):
            return None  # a member that could cover nothing is never part of a team
        if status != "met" or own is None or known - own >= need:  # type: ignore[operator]
            return None  # sharing work it can do, but not needed to meet capacity on recorded figures: padding
    return known, status


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
    capacity = _capacity(inst, team, assignment)
    if capacity is None:
        return None
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
        turnover=capacity[0],
        capacity=capacity[1],
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
    """Members that can be in some valid team: those that can cover a requirement."""
    return [m for m in range(inst.n_members) if any(f is not None for f in inst.fits[m])]


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


@dataclass(frozen=True, slots=True)
class _Tables:
    """The instance in search order (most promising first) with the suffix tables the bounds read."""

    orig: list[int]  # search position -> original member index
    raw_cols: list[tuple[float, ...]]  # raw_cols[r][p]: fit, -inf = cannot cover
    gain: list[tuple[float, ...]]  # gain[p][r]: fit, 0 = cannot cover
    gain_cols: list[tuple[float, ...]]
    covers: list[int]  # bit r set when position p can cover requirement r
    known: list[float]  # recorded turnover, 0 when unknown (what counts towards "met")
    optimistic: list[float]  # recorded turnover, +inf when unknown (what might count)
    partners: list[int]  # bit q set when positions p and q already share a consortium
    suffix_cover: list[int]
    suffix_best: list[tuple[float, ...]]
    suffix_top_turnover: list[list[float]]
    suffix_degree: list[list[int]]


def _order(inst: Instance, useful: list[int]) -> list[int]:
    """Search order of the useful members: total fit, then turnover (unknown last), then index."""

    def key(m: int) -> tuple[float, float, int]:
        fits = sum(f for f in inst.fits[m] if f is not None)
        own = inst.turnover[m]
        return (-fits, -(own if own is not None else -1.0), m)

    return sorted(useful, key=key)


def _tables(inst: Instance, useful: list[int]) -> _Tables:
    orig = _order(inst, useful)
    raw = [tuple(-math.inf if f is None else float(f) for f in inst.fits[m]) for m in orig]
    if any(f < 0 for row in raw for f in row if math.isfinite(f)):
        raise ValueError("fits must be non-negative")
    gain = [tuple(f if math.isfinite(f) else 0.0 for f in row) for row in raw]
    turnovers = [inst.turnover[m] for m in orig]
    known = [float(t) if t is not None else 0.0 for t in turnovers]
    optimistic = [float(t) if t is not None else math.inf for t in turnovers]
    n, n_req, k_max = len(orig), inst.n_requirements, inst.max_members
    pos_of = {m: p for p, m in enumerate(orig)}
    partners = [0] * n
    for a, b in inst.shared:
        if a in pos_of and b in pos_of:
            partners[pos_of[a]] |= 1 << pos_of[b]
            partners[pos_of[b]] |= 1 << pos_of[a]
    covers = [_mask(math.isfinite(f) for f in row) for row in raw]
    suffix_cover = [0] * (n + 1)
    suffix_best = [(0.0,) * n_req] * (n + 1)
    for p in range(n - 1, -1, -1):
        suffix_cover[p] = suffix_cover[p + 1] | covers[p]
        suffix_best[p] = tuple(max(a, b) for a, b in zip(suffix_best[p + 1], gain[p], strict=True))
    return _Tables(
        orig=orig,
        raw_cols=list(zip(*raw, strict=True)),
        gain=gain,
        gain_cols=list(zip(*gain, strict=True)),
        covers=covers,
        known=known,
        optimistic=optimistic,
        partners=partners,
        suffix_cover=suffix_cover,
        suffix_best=suffix_best,
        suffix_top_turnover=[_top_sums(optimistic[p:], k_max) for p in range(n)],
        suffix_degree=[[(partners[m] >> p).bit_count() for p in range(n + 1)] for m in range(n)],
    )


@dataclass(slots=True)
class _Node:
    """A partial team in the search: positions, as a bit mask too, its best fit per requirement, what it covers."""

    team: list[int]
    bits: int
    start: int  # newcomers come from positions >= start
    cur: tuple[float, ...]
    covered: int
    known: float  # recorded turnover of the team
    optimistic: float  # turnover it might have (+inf with an unknown member)
    pairs: int


class _Search:
    """Depth-first branch and bound over member sets (see the module doc for the bounds)."""

    def __init__(self, inst: Instance, alternatives: int, useful: list[int]):
        self.inst, self.t = inst, _tables(inst, useful)
        self.n, self.full = len(self.t.orig), (1 << inst.n_requirements) - 1
        need = inst.needed_turnover
        # A team needs turnover >= floor (the need less a rounding allowance; evaluate() decides exactly)
        # and has met it once its recorded turnover >= met_at. No need stated: every team meets it.
        self.floor = -math.inf if need is None else need - _EPS * max(1.0, abs(need))
        self.met_at = -math.inf if need is None else need
        self.best = _Best(alternatives)

    def offer(self, positions: list[int]) -> None:
        sol = evaluate(self.inst, [self.t.orig[p] for p in positions])
        if sol is not None and sol.value >= self.best.threshold() - _EPS:
            self.best.offer(sol)

    def run(self) -> list[Solution]:
        n_req = self.inst.n_requirements
        self.visit(_Node([], 0, 0, (0.0,) * n_req, 0, 0.0, 0.0, 0))
        return list(self.best.items)

    def pruned(self, node: _Node, room: int) -> bool:
        """(a) some uncovered requirement has no candidate left; (b) capacity cannot be reached."""
        if room == 0 or node.start >= self.n:
            return True
        if node.covered | self.t.suffix_cover[node.start] != self.full:
            return True
        return node.optimistic + self.t.suffix_top_turnover[node.start][room] < self.floor

    def useless(self, node: _Node) -> list[bool]:
        """Positions >= start that could only be idle padding (capacity met, worse on every requirement)."""
        if node.known >= self.met_at:
            return _all_below(self.t.raw_cols, node.start, node.cur)
        return [False] * (self.n - node.start)

    def visit(self, node: _Node) -> None:
        """Offer ``node.team`` if valid, then extend it from ``node.start`` on."""
        if node.team and node.covered == self.full and node.optimistic >= self.floor:
            self.offer(node.team)
        room = self.inst.max_members - len(node.team)
        if self.pruned(node, room):
            return
        useless = self.useless(node)
        if all(useless):
            return
        rest = range(node.start, self.n)
        fit_gain = _gains_over(self.t.gain_cols, node.start, node.cur)
        with_team = [(self.t.partners[q] & node.bits).bit_count() for q in rest]
        value_now = sum(node.cur) - self.inst.member_penalty * len(node.team) + self.inst.shared_bonus * node.pairs
        if room == 1:
            self.leaves(node, useless, fit_gain, with_team, value_now)
        else:
            self.branch(node, room, useless, fit_gain, with_team, value_now)

    def leaves(
        self, node: _Node, useless: list[bool], fit_gain: list[float], with_team: list[int], value_now: float
    ) -> None:
        """The children are leaves: value them exactly here instead of recursing."""
        penalty, bonus_w = self.inst.member_penalty, self.inst.shared_bonus
        for i, q in enumerate(range(node.start, self.n)):
            if useless[i] or node.covered | self.t.covers[q] != self.full:
                continue
            if node.optimistic + self.t.optimistic[q] < self.floor:
                continue
            if value_now + fit_gain[i] - penalty + bonus_w * with_team[i] >= self.best.threshold() - _EPS:
                self.offer([*node.team, q])

    def branch(
        self,
        node: _Node,
        room: int,
        useless: list[bool],
        fit_gain: list[float],
        with_team: list[int],
        value_now: float,
    ) -> None:
        """(c) bounds on every extension by 1..room members; recurse into the children that may beat them.

        Bound A: the best ``room`` single-member gains added up (fit gains are submodular); pairs with the
        team count once per newcomer, a pair of newcomers half each. Bound B: every requirement at the
        best fit still available, at least one more member's penalty, plus the largest bonuses."""
        t, penalty, bonus_w = self.t, self.inst.member_penalty, self.inst.shared_bonus
        rest = range(node.start, self.n)
        bonus_gain = [
            0.0 if useless[i] else bonus_w * (with_team[i] + 0.5 * min(room - 1, t.suffix_degree[q][node.start]))
            for i, q in enumerate(rest)
        ]
        gains = [-math.inf if useless[i] else fit_gain[i] - penalty + bonus_gain[i] for i in range(len(rest))]
        top = sorted(gains, reverse=True)[:room]
        bound_a = value_now + top[0] + sum(max(g, 0.0) for g in top[1:])
        bonus_room = sum(sorted(bonus_gain, reverse=True)[:room])
        after = -penalty * (len(node.team) + 1) + bonus_w * node.pairs
        bound_b = sum(max(c, b) for c, b in zip(node.cur, t.suffix_best[node.start], strict=True)) + after
        if min(bound_a, bound_b + bonus_room) < self.best.threshold() - _EPS:
            return
        others_a = value_now + sum(max(g, 0.0) for g in top[: room - 1])
        for i, q in enumerate(rest):
            if useless[i] or others_a + gains[i] < self.best.threshold() - _EPS:
                continue
            fits_q, later = t.gain[q], t.suffix_best[q + 1]
            child_b = sum(max(c, f, x) for c, f, x in zip(node.cur, fits_q, later, strict=True)) + after + bonus_room
            if child_b < self.best.threshold() - _EPS:
                continue
            self.visit(self.child(node, q, with_team[i]))

    def child(self, node: _Node, q: int, with_team: int) -> _Node:
        return _Node(
            [*node.team, q],
            node.bits | 1 << q,
            q + 1,
            tuple(max(c, f) for c, f in zip(node.cur, self.t.gain[q], strict=True)),
            node.covered | self.t.covers[q],
            node.known + self.t.known[q],
            node.optimistic + self.t.optimistic[q],
            node.pairs + with_team,
        )


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
    return _Search(inst, alternatives, useful).run()
