"""Merge the releases of one OCID into a compiled release, as OCDS compilation does, while streaming.

OCDS merge rules (ocds-merge): releases apply in date order, a later release's value overwrites an
earlier one field by field; objects merge recursively; arrays of objects with ``id`` merge item by
item on ``id``; other arrays (and arrays flagged ``wholeListMerge`` in the schema, such as
``suppliers`` and ``additionalClassifications``) are replaced whole; ``null`` removes a field.

Releases can arrive in any order (several files, unsorted JSON Lines), so each leaf keeps the date
of the release that set it and a newer date always wins, ties going to the later arrival. The
result is the same as sorting first; memory is one compact tree per OCID, never the raw file.
Fields procure-match never reads (contact points, bids, contracts, document bodies) are pruned
before merging to keep that tree small.

An array whose objects repeat an ``id`` (Contracts Finder writes ``"id": 0`` for every supplier)
cannot be merged by id without losing items, so it is replaced whole instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from procure_match.domain import Amendment
from procure_match.ingest.textutil import clean_or_none, parse_datetime

# Arrays the OCDS 1.1 schema marks wholeListMerge (plus reference lists that are always whole).
WHOLE_LIST_KEYS = frozenset(
    {"suppliers", "tenderers", "additionalClassifications", "additionalIdentifiers", "deliveryAddresses", "roles"}
)
# Top-level release fields that are kept (the rest is never read by procure-match).
KEEP_TOP = frozenset({"ocid", "tender", "awards", "parties", "buyer", "language", "planning"})
# Fields dropped anywhere below (large, never read).
DROP_BELOW = frozenset({"contactPoint", "bids", "transactions", "implementation", "budgetBreakdown", "statistics"})
DOC_KEYS = frozenset({"id", "documentType", "url", "noticeType"})
# Release fields mapped onto Tender field names, for "which fields changed" in amendments.
CHANGE_NAMES = {
    "tender.tenderPeriod.endDate": "deadline",
    "tender.value": "value",
    "tender.minValue": "value",
    "tender.title": "title",
    "tender.description": "description",
    "tender.lots": "lots",
    "tender.items": "cpv_codes",
    "tender.classification": "cpv_codes",
    "tender.contractPeriod": "contract period",
    "tender.status": "status",
    "tender.suitability": "suitability",
    "tender.otherRequirements.reservedParticipation": "reserved_participation",
    "tender.reservedParticipation": "reserved_participation",
    "tender.deliveryAddresses": "locations",
    "tender.documents": "documents",
}
_EPOCH = datetime(1, 1, 1, tzinfo=UTC)


class _Leaf:
    __slots__ = ("stamp", "value")

    def __init__(self, stamp: tuple, value: Any):
        self.stamp = stamp
        self.value = value


class _IdList:
    __slots__ = ("items",)

    def __init__(self) -> None:
        self.items: dict[str, Any] = {}


def prune(release: dict) -> dict:
    """A copy of ``release`` holding only what procure-match reads."""
    out: dict = {}
    for key, value in release.items():
        if key in KEEP_TOP:
            out[key] = _prune_value(value, key)
    return out


def _prune_value(value: Any, key: str) -> Any:
    if key == "documents" and isinstance(value, list):
        return [{k: v for k, v in d.items() if k in DOC_KEYS} if isinstance(d, dict) else d for d in value]
    if isinstance(value, dict):
        if key == "details":
            return {k: v for k, v in value.items() if k in ("scale", "vcse", "url")}
        return {k: _prune_value(v, k) for k, v in value.items() if k not in DROP_BELOW}
    if isinstance(value, list):
        return [_prune_value(v, key) for v in value]
    return value


def _id_mergeable(key: str, items: list) -> bool:
    if key in WHOLE_LIST_KEYS or not items:
        return False
    seen = set()
    for item in items:
        if not isinstance(item, dict):
            return False
        ident = item.get("id")
        if ident is None or isinstance(ident, (dict, list)):
            return False
        sid = str(ident)
        if sid in seen:
            return False
        seen.add(sid)
    return True


def _merge(node: Any, value: Any, stamp: tuple, key: str, path: str, changes: list) -> Any:
    """Merge ``value`` (stamped (date, arrival)) into ``node``; note (path, winning stamp, added) of changed leaves."""
    if isinstance(value, dict):
        if not isinstance(node, dict):
            if isinstance(node, _Leaf) and node.stamp > stamp:
                return node
            node = {}
        for k, v in value.items():
            k = str(k)
            node[k] = _merge(node.get(k), v, stamp, k, f"{path}.{k}" if path else k, changes)
        return node
    if isinstance(value, list) and _id_mergeable(key, value):
        if not isinstance(node, _IdList):
            if isinstance(node, _Leaf) and node.stamp > stamp:
                return node
            node = _IdList()
        for item in value:
            ident = str(item["id"])
            node.items[ident] = _merge(node.items.get(ident), item, stamp, key, path, changes)
        return node
    if isinstance(node, _Leaf):
        if node.stamp > stamp:  # an older release arrived late: the newer value stays
            if node.value != value:
                changes.append((path, node.stamp, False))
            return node
        if node.value != value:
            changes.append((path, stamp, False))
    elif value is not None:
        changes.append((path, stamp, True))
    return _Leaf(stamp, value)


def _plain(node: Any) -> Any:
    if isinstance(node, _Leaf):
        return node.value
    if isinstance(node, _IdList):
        return [_plain(v) for v in node.items.values()]
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            pv = _plain(v)
            if pv is not None:
                out[k] = pv
        return out
    return node


def changed_field_names(paths: list[str]) -> tuple[str, ...]:
    """Release paths -> Tender field names ("tender.tenderPeriod.endDate" -> "deadline"), unique, in order."""
    names: list[str] = []
    for path in paths:
        name = None
        for prefix, mapped in CHANGE_NAMES.items():
            if path == prefix or path.startswith(prefix + "."):
                name = mapped
                break
        if name is None:
            name = path
        if name not in names:
            names.append(name)
    return tuple(names)


@dataclass
class OcidState:
    """Everything known about one OCID so far."""

    ocid: str
    tree: dict = field(default_factory=dict)
    release_ids: list[tuple[tuple, str]] = field(default_factory=list)  # (stamp, id)
    amendments: dict[str, Amendment] = field(default_factory=dict)
    first_date: datetime | None = None
    latest_stamp: tuple = (_EPOCH, -1)
    source_file: str | None = None
    latest_where: str = ""  # "line 12", "release 3" of the latest release
    publisher: str | None = None
    n_releases: int = 0
    repeated: bool = False  # the release just added had an id already merged (the merge is idempotent)
    amendment_seqs: dict[int, str] = field(default_factory=dict)  # arrival number -> release id of amendments
    latest_tags: tuple[str, ...] = ()  # OCDS tags of the latest release (for the notice stage)


class Compiler:
    """Collects releases of any number of OCIDs; ``compiled()`` gives one merged release per OCID."""

    def __init__(self) -> None:
        self._states: dict[str, OcidState] = {}
        self._seq = 0

    def __len__(self) -> int:
        return len(self._states)

    def add(self, release: dict, *, where: str, file: str, publisher: str | None = None) -> OcidState:
        """Merge one release (or compiled release). The caller has checked it has a string ``ocid``."""
        ocid = release["ocid"]
        state = self._states.get(ocid)
        if state is None:
            state = self._states[ocid] = OcidState(ocid=ocid)
        self._seq += 1
        released = parse_datetime(release.get("date"))
        stamp = (released or _EPOCH, self._seq)
        tags = release.get("tag")
        tags = [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []
        is_amendment = any("amendment" in t.lower() for t in tags)
        rid = release.get("id")
        rid = str(rid) if isinstance(rid, (str, int)) and not isinstance(rid, bool) else where
        if is_amendment:
            state.amendment_seqs[self._seq] = rid
        was_empty = not state.tree
        state.repeated = any(known == rid for _, known in state.release_ids)
        changes: list = []
        _merge(state.tree, prune(release), stamp, "", "", changes)
        state.release_ids.append((stamp, rid))
        state.n_releases += 1
        if released and (state.first_date is None or released < state.first_date):
            state.first_date = released
        if stamp >= state.latest_stamp:
            state.latest_stamp = stamp
            state.source_file = file
            state.latest_where = where
            state.latest_tags = tuple(tags)
        if publisher and not state.publisher:
            state.publisher = publisher
        if is_amendment:
            _note_amendment(state, rid, released, None, ())
        by_amendment: dict[str, list[str]] = {}
        for path, winner, added in changes:
            amended_by = state.amendment_seqs.get(winner[1])
            if amended_by is None or (added and was_empty) or not path.startswith("tender."):
                continue
            if path.startswith("tender.amendment"):
                continue
            by_amendment.setdefault(amended_by, []).append(path)
        for amended_by, paths in by_amendment.items():
            _note_amendment(state, amended_by, None, None, changed_field_names(paths))
        self._collect_amendment_objects(state, release)
        return state

    def _collect_amendment_objects(self, state: OcidState, release: dict) -> None:
        tender = release.get("tender")
        if not isinstance(tender, dict):
            return
        objs = tender.get("amendments")
        objs = list(objs) if isinstance(objs, list) else []
        if isinstance(tender.get("amendment"), dict):  # OCDS 1.0
            objs.append(tender["amendment"])
        for obj in objs:
            if not isinstance(obj, dict):
                continue
            rid = obj.get("releaseID") or release.get("id") or obj.get("id") or "amendment"
            description = clean_or_none(obj.get("description")) or clean_or_none(obj.get("rationale"))
            fields_changed: tuple[str, ...] = ()
            if isinstance(obj.get("changes"), list):
                props = [
                    f"tender.{c.get('property')}" for c in obj["changes"] if isinstance(c, dict) and c.get("property")
                ]
                fields_changed = changed_field_names(props)
            _note_amendment(state, str(rid), parse_datetime(obj.get("date")), description, fields_changed)

    def label(self, state: OcidState) -> str:
        """How a problem found in the merged notice names its record."""
        if state.n_releases == 1:
            return f"{state.latest_where} ({state.ocid})" if state.latest_where else state.ocid
        return f"{state.ocid} ({state.n_releases} releases merged; latest at {state.latest_where})"

    def compiled(self) -> list[tuple[dict, OcidState]]:
        """(compiled release, state) per OCID, in the order OCIDs were first seen."""
        out = []
        for state in self._states.values():
            release = _plain(state.tree)
            release["ocid"] = state.ocid
            out.append((release, state))
        return out


def _note_amendment(
    state: OcidState, rid: str, when: datetime | None, description: str | None, fields_changed: tuple[str, ...]
) -> None:
    current = state.amendments.get(rid)
    if current is None:
        state.amendments[rid] = Amendment(
            release_id=rid, date=when, description=description, changed_fields=fields_changed
        )
        return
    if description and not current.description:
        current.description = description
    if when and not current.date:
        current.date = when
    merged = list(current.changed_fields)
    merged += [f for f in fields_changed if f not in merged]
    current.changed_fields = tuple(merged)


def sorted_release_ids(state: OcidState) -> tuple[str, ...]:
    seen: list[str] = []
    for _, rid in sorted(state.release_ids, key=lambda x: x[0]):
        if rid not in seen:
            seen.append(rid)
    return tuple(seen)
