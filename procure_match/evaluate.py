"""Quality of a scan against a coordinator's shortlist labels: precision@k, recall@k, hit@k, MRR.

Pure functions over plain data. Labels say, for a notice (``lot_id`` null) or one of its lots,
which enterprises a well-informed coordinator would shortlist. A scan's ranked matches are compared
with them per labelled item; figures are macro-averaged over the items the scan ranked. Items the
scan did not rank (excluded, e.g. past deadline, or missing from the inputs) are counted apart,
never silently scored as zero or dropped.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from procure_match.errors import InputFileError

Key = tuple[str, str | None]  # (tender_id, lot_id)


@dataclass(frozen=True)
class Label:
    tender_id: str
    lot_id: str | None
    shortlist: tuple[str, ...]
    why: str = ""


@dataclass
class ItemScore:
    tender_id: str
    lot_id: str | None
    shortlist_size: int
    ranked: int
    first_hit_rank: int | None
    hits_at: dict[int, int]  # k -> number of shortlisted enterprises in the top k


@dataclass
class Evaluation:
    ks: tuple[int, ...]
    items: list[ItemScore] = field(default_factory=list)
    unranked: list[Key] = field(default_factory=list)  # labelled but absent from the scan

    @property
    def evaluated(self) -> int:
        return len(self.items)

    def precision_at(self, k: int) -> float:
        return _mean([i.hits_at[k] / k for i in self.items])

    def recall_at(self, k: int) -> float:
        return _mean([i.hits_at[k] / i.shortlist_size for i in self.items])

    def hit_at(self, k: int) -> float:
        return _mean([1.0 if i.hits_at[k] else 0.0 for i in self.items])

    @property
    def mrr(self) -> float:
        return _mean([1.0 / i.first_hit_rank if i.first_hit_rank else 0.0 for i in self.items])

    def to_dict(self) -> dict:
        return {
            "labelled_items": self.evaluated + len(self.unranked),
            "evaluated_items": self.evaluated,
            "unranked_items": [{"tender_id": t, "lot_id": lot} for t, lot in self.unranked],
            "metrics": {
                f"@{k}": {
                    "precision": round(self.precision_at(k), 4),
                    "recall": round(self.recall_at(k), 4),
                    "hit": round(self.hit_at(k), 4),
                }
                for k in self.ks
            },
            "mrr": round(self.mrr, 4),
            "note": "macro-averaged over labelled notices/lots that the scan ranked",
        }


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def evaluate(ranked: dict[Key, list[str]], labels: Iterable[Label], ks: Sequence[int] = (1, 3, 5, 10)) -> Evaluation:
    """Score ranked enterprise ids per (tender_id, lot_id) against the labels."""
    result = Evaluation(ks=tuple(ks))
    for label in labels:
        key = (label.tender_id, label.lot_id)
        shortlist = set(label.shortlist)
        if not shortlist:
            continue
        order = ranked.get(key)
        if not order:
            result.unranked.append(key)
            continue
        first = next((pos for pos, eid in enumerate(order, start=1) if eid in shortlist), None)
        hits = {k: len(shortlist.intersection(order[:k])) for k in ks}
        result.items.append(
            ItemScore(label.tender_id, label.lot_id, len(shortlist), len(order), first, hits),
        )
    return result


def ranked_from_matches(matches: Iterable[dict], *, eligible_only: bool = False) -> dict[Key, list[str]]:
    """Group matches.json rows into enterprise ids ordered by rank per (tender_id, lot_id)."""
    groups: dict[Key, list[tuple[int, str]]] = defaultdict(list)
    for row in matches:
        if eligible_only and not row.get("eligible", True):
            continue
        groups[(row["tender_id"], row.get("lot_id"))].append((int(row["rank"]), row["enterprise_id"]))
    return {key: [eid for _, eid in sorted(rows)] for key, rows in groups.items()}


def load_labels(path: str | Path) -> list[Label]:
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise InputFileError("labels file not found", path=p, fix="give the path of a labels JSON file") from exc
    except json.JSONDecodeError as exc:
        raise InputFileError(f"labels file is not valid JSON ({exc})", path=p, fix="repair the JSON") from exc
    rows = data.get("labels") if isinstance(data, dict) else data
    if not isinstance(rows, list):
        raise InputFileError(
            "expected {'labels': [...]} or a list of labels", path=p, fix="see tenders/README.md for the format"
        )
    labels = []
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or "tender_id" not in row or not isinstance(row.get("shortlist"), list):
            raise InputFileError(
                f"label {i} needs tender_id and a shortlist list", path=p, fix="add the missing keys to that label"
            )
        labels.append(Label(row["tender_id"], row.get("lot_id"), tuple(row["shortlist"]), row.get("why", "")))
    return labels


def load_matches(path: str | Path) -> list[dict]:
    p = Path(path)
    if p.is_dir():
        p = p / "matches.json"
    try:
        rows = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputFileError(
            "matches file not found", path=p, fix="run 'procure-match scan --out DIR' first and pass DIR"
        ) from exc
    except json.JSONDecodeError as exc:
        raise InputFileError(f"matches file is not valid JSON ({exc})", path=p, fix="re-run the scan") from exc
    if not isinstance(rows, list):
        raise InputFileError("matches.json must hold a list of matches", path=p, fix="re-run the scan")
    return rows
