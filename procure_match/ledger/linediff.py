"""Pure steps of a spend import: key the lines, diff them against the ledger, find cross-file duplicates.

No I/O. ``diff_lines`` compares a file's lines with the live entries of an earlier version of the
same source; ``payment_key`` and ``split_duplicates`` find payments already in the ledger from
*another* file (a council's annual file and then one of its monthly files).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from procure_match.ledger.model import SpendLine

AMOUNT_TOLERANCE = 0.004  # amounts are pounds with 2 decimals: a smaller difference is the same amount

LineKey = tuple[str, int]  # (content key as JSON, occurrence of that content in the file)
PaymentKey = tuple[str, str, str, float, str]  # (buyer, transaction, supplier, amount, date)


def keyed_lines(lines: Sequence[SpendLine]) -> dict[LineKey, SpendLine]:
    """(content key, occurrence) -> line: identical rows are told apart by their order in the file."""
    seen: Counter = Counter()
    out: dict[LineKey, SpendLine] = {}
    for line in lines:
        key = json.dumps(line.content_key(), ensure_ascii=False)
        out[(key, seen[key])] = line
        seen[key] += 1
    return out


@dataclass
class LineDiff:
    """What applying a new version of a source does, before anything is written."""

    added: list[tuple[Hashable, SpendLine]] = field(default_factory=list)  # keys not in the ledger
    changed: list[tuple[Hashable, Any, SpendLine]] = field(default_factory=list)  # (key, old entry, new line)
    removed: list[tuple[Hashable, Any]] = field(default_factory=list)  # (key, old entry) not in the file
    unchanged: int = 0

    @property
    def to_add(self) -> list[tuple[Hashable, SpendLine]]:
        return [*self.added, *((k, line) for k, _, line in self.changed)]

    @property
    def to_reverse(self) -> list[Any]:
        return [*(old for _, old, _ in self.changed), *(old for _, old in self.removed)]


def diff_lines(previous: Mapping[Hashable, Mapping[str, Any]], current: Mapping[Hashable, SpendLine]) -> LineDiff:
    """Diff the live entries of a source (key -> entry with an ``amount``) against a file's keyed lines.

    A key in both with the same amount is unchanged; with another amount it is changed (the old
    entry reversed, the new line added); a key only in the file is added; a key only in the ledger
    is removed (reversed).
    """
    diff = LineDiff()
    for key, line in current.items():
        old = previous.get(key)
        if old is None:
            diff.added.append((key, line))
        elif abs(old["amount"] - line.amount) > AMOUNT_TOLERANCE:
            diff.changed.append((key, old, line))
        else:
            diff.unchanged += 1
    diff.removed = [(key, old) for key, old in previous.items() if key not in current]
    return diff


def _norm(text: str | None) -> str:
    return " ".join((text or "").split()).lower()


def payment_key(
    buyer: str | None, transaction: str | None, supplier: str, amount: float, when: str | None
) -> PaymentKey | None:
    """What makes one payment the same payment in two files; None without a transaction number
    (two payments of the same amount to the same supplier on one day are then indistinguishable)."""
    tx = (transaction or "").strip()
    if not tx:
        return None
    return (_norm(buyer), tx, _norm(supplier), round(amount, 2), when or "")


def split_duplicates(
    lines: Sequence[tuple[Hashable, SpendLine]], elsewhere: Mapping[PaymentKey, list[str]], iso_date
) -> tuple[list[tuple[Hashable, SpendLine]], list[tuple[SpendLine, str]]]:
    """(lines to add, [(duplicate line, where it already is)]).

    ``elsewhere`` maps a payment key to where each live copy from other files sits (one string per
    copy); each copy absorbs one line of this file, so a payment listed twice in both files is a
    duplicate twice, and one listed twice here but once elsewhere is added once.
    """
    left = {k: list(v) for k, v in elsewhere.items()}
    keep: list[tuple[Hashable, SpendLine]] = []
    dupes: list[tuple[SpendLine, str]] = []
    for key, line in lines:
        pk = payment_key(line.buyer, line.transaction, line.supplier, line.amount, iso_date(line.date))
        copies = left.get(pk) if pk is not None else None
        if copies:
            dupes.append((line, copies.pop(0)))
        else:
            keep.append((key, line))
    return keep, dupes
