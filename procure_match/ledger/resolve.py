"""Supplier resolution: which directory enterprise (if any) a spend line's supplier is.

Order of evidence, strongest first:

1. a registration id (Companies House / Mutuals Register, padding normalised) found in the
   directory -> method ``id``, score 100, accepted;
2. the normalised name equals a normalised directory name -> ``exact-normalised``, score 100
   (a one-word normalised name must also agree with its legal form kept, e.g. "Software Limited"
   vs "Software Co-operative Limited", else it is queued for review);
3. rapidfuzz similarity of normalised names -> ``fuzzy`` with its score: at or above
   ``ledger.accept_threshold`` accepted, at or above ``ledger.review_threshold`` queued for a
   person, below that "not a social enterprise" (``none``).

Several directory entries may share one normalised name ("Oak Tree CIC" and "Oak Tree Limited"):
the supplier is then pinned to the one whose name agrees with its legal form kept (``_light``);
if none or several agree it is queued for review, never silently given to the first of them.

"Redacted" suppliers are never resolved (status ``redacted``). A person's decision later becomes a
``manual`` resolution in the store.

Blocking keeps this far from every-pair: distinct normalised names are resolved once, and fuzzy
scoring only compares a query with directory names sharing a block key with it: the first 4
letters of a token, or the last 4 letters of a token of 6+ letters (so one typo near the start of
a word still leaves a shared key). Each block is scored with one ``rapidfuzz.process.cdist`` call
(``score_cutoff``, ``workers=-1``). If the blocks together would cost more than
``PAIR_BUDGET`` (18%) of the every-pair comparison, the most common keys are dropped (each
query always keeps its rarest key) until they fit; small problems (under ``MIN_PAIR_BUDGET``
pairs) are never cut.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from procure_match.ledger.names import normalise_name
from procure_match.reference import orgids

SCORER = fuzz.token_sort_ratio  # the scorer for names; a benchmark's full cdist must use the same one
PREFIX = 4
PAIR_BUDGET = 0.18  # blocks may cost at most this share of comparing every distinct query with every name
MIN_PAIR_BUDGET = 20_000_000  # ...but never less than this many pairs (a fraction of a second)
METHOD_ID = "id"
METHOD_EXACT = "exact-normalised"
METHOD_FUZZY = "fuzzy"
METHOD_MANUAL = "manual"
METHOD_NONE = "none"
STATUS_ACCEPTED = "accepted"
STATUS_REVIEW = "review"
STATUS_NONE = "none"
STATUS_REDACTED = "redacted"
_REDACTED = re.compile(r"\bredacted\b|\bwithheld\b|personal (information|data)|data protection", re.IGNORECASE)


def is_redacted(name: str | None) -> bool:
    return bool(name) and bool(_REDACTED.search(str(name)))


@dataclass(frozen=True, slots=True)
class NameMatch:
    """Best directory name for one query: ``index`` into the directory list (None = no candidate)."""

    index: int | None
    score: float
    method: str
    status: str


def _thresholds(settings) -> tuple[float, float]:
    ledger = getattr(settings, "ledger", settings)
    return float(ledger.accept_threshold), float(ledger.review_threshold)


def _keys(normalised: str) -> list[str]:
    tokens = normalised.split()
    keys = {t[:PREFIX] for t in tokens if len(t) >= 2}
    keys |= {">" + t[-PREFIX:] for t in tokens if len(t) >= PREFIX + 2}
    return sorted(keys or {t[:PREFIX] for t in tokens})


class NameIndex:
    """Directory names prepared once: exact lookup by normalised name and a prefix index for blocking."""

    def __init__(self, directory_names: Sequence[str]):
        self.names = list(directory_names)
        distinct: dict[str, int] = {}
        for i, name in enumerate(self.names):
            norm = normalise_name(name)
            if norm and norm not in distinct:
                distinct[norm] = i
        self.exact = distinct
        self.norms = list(distinct)  # distinct normalised names
        self.first_index = np.fromiter(distinct.values(), dtype=np.int64, count=len(distinct))
        # first directory index of a normalised name -> every index sharing it (only names shared by 2+)
        shared: dict[int, list[int]] = defaultdict(list)
        for i, name in enumerate(self.names):
            norm = normalise_name(name)
            if norm:
                shared[distinct[norm]].append(i)
        self.shared = {first: members for first, members in shared.items() if len(members) > 1}
        postings: dict[str, list[int]] = defaultdict(list)
        for j, norm in enumerate(self.norms):
            for key in _keys(norm):
                postings[key].append(j)
        self.postings = {k: np.asarray(v, dtype=np.int64) for k, v in postings.items()}

    def df(self, key: str) -> int:
        hits = self.postings.get(key)
        return 0 if hits is None else len(hits)

    def plan_blocks(self, norms: Sequence[str]) -> dict[str, list[int]]:
        """Block key -> query positions, within the pair budget (see module docstring)."""
        per_query = [sorted((self.df(k), k) for k in _keys(n) if k in self.postings) for n in norms]
        budget = max(MIN_PAIR_BUDGET, PAIR_BUDGET * len(norms) * len(self.norms))
        limit = None  # largest df allowed for a non-rarest key; None = no limit
        cost = sum(df for keys in per_query for df, _ in keys)
        if cost > budget:
            # Cost of allowing non-rarest keys up to each df, found by one sort instead of a search.
            rarest = sum(keys[0][0] for keys in per_query if keys)
            others = np.sort(np.fromiter((df for keys in per_query for df, _ in keys[1:]), dtype=np.int64))
            cumulative = rarest + np.cumsum(others)
            fits = np.nonzero(cumulative <= budget)[0]
            limit = -1
            if len(fits):
                last = fits[-1]
                limit = int(others[last])
                if last + 1 < len(others) and others[last + 1] == limit:
                    limit -= 1  # keys sharing that df would not all fit: leave them all out
        blocks: dict[str, list[int]] = defaultdict(list)
        for qi, keys in enumerate(per_query):
            for i, (df, key) in enumerate(keys):
                if i == 0 or limit is None or df <= limit:
                    blocks[key].append(qi)
        return blocks

    def best_fuzzy(self, norms: Sequence[str], cutoff: float) -> tuple[np.ndarray, np.ndarray]:
        """For each normalised query, the best (directory position, score) over its blocks (-1, 0 = none)."""
        best_score = np.zeros(len(norms), dtype=np.float64)
        best_pos = np.full(len(norms), -1, dtype=np.int64)
        for key, qidx in self.plan_blocks(norms).items():
            members = self.postings[key]
            choices = [self.norms[j] for j in members]
            queries = [norms[q] for q in qidx]
            scores = process.cdist(queries, choices, scorer=SCORER, score_cutoff=cutoff, workers=-1, dtype=np.float32)
            arg = scores.argmax(axis=1)
            q = np.asarray(qidx, dtype=np.int64)
            top = scores[np.arange(len(qidx)), arg].astype(np.float64)
            pos = members[arg]
            better = (top > best_score[q]) | ((top == best_score[q]) & (top > 0) & (pos < best_pos[q]))
            best_score[q[better]] = top[better]
            best_pos[q[better]] = pos[better]
        return best_pos, best_score


def resolve_names(queries: Sequence[str], directory_names: Sequence[str] | NameIndex, settings) -> list[NameMatch]:
    """Resolve supplier names to directory names (aligned with ``queries``).

    ``settings`` is a ``Settings`` or ``LedgerSettings`` (thresholds). ``directory_names`` may be a
    prepared ``NameIndex`` to reuse across calls. Each distinct normalised query is scored once.
    """
    accept, review = _thresholds(settings)
    index = directory_names if isinstance(directory_names, NameIndex) else NameIndex(directory_names)
    norm_of = [normalise_name(q) for q in queries]
    distinct = sorted({n for n in norm_of if n})
    results: dict[str, NameMatch] = {}
    fuzzy_needed = []
    for norm in distinct:
        hit = index.exact.get(norm)
        if hit is not None:
            results[norm] = NameMatch(hit, 100.0, METHOD_EXACT, STATUS_ACCEPTED)
        else:
            fuzzy_needed.append(norm)
    if fuzzy_needed and index.norms:
        pos, score = index.best_fuzzy(fuzzy_needed, review)
        for norm, p, s in zip(fuzzy_needed, pos, score, strict=True):
            if p < 0 or s < review:
                results[norm] = NameMatch(None, float(s), METHOD_NONE, STATUS_NONE)
            else:
                status = STATUS_ACCEPTED if s >= accept else STATUS_REVIEW
                results[norm] = NameMatch(int(index.first_index[p]), round(float(s), 2), METHOD_FUZZY, status)
    none = NameMatch(None, 0.0, METHOD_NONE, STATUS_NONE)
    out = []
    for query, norm in zip(queries, norm_of, strict=True):
        match = _pin_shared(query, index, results.get(norm, none))
        if match.method == METHOD_EXACT and " " not in norm and match.index is not None:
            match = _check_one_word(query, index.names[match.index], match, review)
        out.append(match)
    return out


def _pin_shared(query: str, index: NameIndex, match: NameMatch) -> NameMatch:
    """When the matched normalised name belongs to several directory entries, pick the one whose name
    agrees with the query's legal form kept; if none or several do, the closest one, queued for review."""
    members = index.shared.get(match.index) if match.index is not None else None
    if not members:
        return match
    light = _light(query)
    agree = [i for i in members if _light(index.names[i]) == light]
    if len(agree) == 1:
        return NameMatch(agree[0], match.score, match.method, match.status)
    pool = agree or members
    scores = [float(SCORER(light, _light(index.names[i]))) for i in pool]
    best = max(scores)
    tied = [i for i, s in zip(pool, scores, strict=True) if s == best]
    if len(tied) == 1 and not agree:
        return NameMatch(tied[0], match.score, match.method, match.status)
    return NameMatch(
        tied[0], match.score, match.method, STATUS_REVIEW if match.status == STATUS_ACCEPTED else match.status
    )


def _light(name: str) -> str:
    """Only case, punctuation, "&"/and, "The" and Ltd/Limited/plc/LLP removed: legal forms that tell
    organisations apart (Co-operative, Society, CIC, & Co) are kept."""
    text = re.sub(r"[^\w\s]", " ", str(name).lower().replace("&", " and "))
    return " ".join(t for t in text.split() if t not in {"the", "ltd", "limited", "plc", "llp", "uk"})


def _check_one_word(query: str, directory_name: str, match: NameMatch, review: float) -> NameMatch:
    """A one-word normalised name ("software", "martin") matches too easily once legal words are
    stripped: accept it only if the names also agree with their legal forms kept, else ask a person."""
    a, b = _light(query), _light(directory_name)
    if a == b:
        return match
    score = max(review, round(float(SCORER(a, b)), 2))
    return NameMatch(match.index, min(score, 99.0), METHOD_EXACT, STATUS_REVIEW)


def resolve_names_full(queries: Sequence[str], directory_names: Sequence[str], settings) -> list[NameMatch]:
    """The every-pair reference (same normalisation, scorer and thresholds): for recall checks only."""
    accept, review = _thresholds(settings)
    index = NameIndex(directory_names)
    norms = [normalise_name(q) for q in queries]
    out = []
    scores = process.cdist(norms, index.norms, scorer=SCORER, score_cutoff=review, workers=-1, dtype=np.float32)
    for query, norm, row in zip(queries, norms, scores, strict=True):
        if norm in index.exact:
            match = _pin_shared(query, index, NameMatch(index.exact[norm], 100.0, METHOD_EXACT, STATUS_ACCEPTED))
            if " " not in norm:
                match = _check_one_word(query, index.names[match.index], match, review)
            out.append(match)
            continue
        p = int(row.argmax()) if len(row) else -1
        s = float(row[p]) if p >= 0 else 0.0
        if p < 0 or s < review or not norm:
            out.append(NameMatch(None, s, METHOD_NONE, STATUS_NONE))
        else:
            status = STATUS_ACCEPTED if s >= accept else STATUS_REVIEW
            out.append(
                _pin_shared(query, index, NameMatch(int(index.first_index[p]), round(s, 2), METHOD_FUZZY, status))
            )
    return out


@dataclass(frozen=True, slots=True)
class DirectoryEntry:
    id: str
    name: str
    registration_ids: tuple[str, ...] = ()
    postcode: str | None = None


@dataclass(frozen=True, slots=True)
class SupplierResolution:
    """How one supplier (name + optional registration id) was resolved."""

    enterprise_id: str | None
    method: str
    score: float
    status: str
    candidate_name: str | None = None  # the directory name matched or suggested


class SupplierResolver:
    """Resolve (name, registration id) pairs against a directory: ids first, then names."""

    def __init__(self, directory: Iterable[DirectoryEntry], settings):
        self.entries = list(directory)
        self.settings = settings
        self.by_id: dict[str, int] = {}
        for i, e in enumerate(self.entries):
            for rid in (e.id, *e.registration_ids):
                canon = orgids.registration_id(rid)
                if canon and canon not in self.by_id:
                    self.by_id[canon] = i
        self.index = NameIndex([e.name for e in self.entries])

    def resolve(self, suppliers: Sequence[tuple[str, str | None]]) -> list[SupplierResolution]:
        out: list[SupplierResolution | None] = [None] * len(suppliers)
        name_rows: list[int] = []
        for i, (name, reg) in enumerate(suppliers):
            if is_redacted(name):
                out[i] = SupplierResolution(None, METHOD_NONE, 0.0, STATUS_REDACTED)
                continue
            canon = orgids.registration_id(reg) if reg else None
            if canon and canon in self.by_id:
                e = self.entries[self.by_id[canon]]
                out[i] = SupplierResolution(e.id, METHOD_ID, 100.0, STATUS_ACCEPTED, e.name)
                continue
            name_rows.append(i)
        matches = resolve_names([suppliers[i][0] for i in name_rows], self.index, self.settings)
        for i, m in zip(name_rows, matches, strict=True):
            if m.index is None:
                out[i] = SupplierResolution(None, m.method, m.score, m.status)
            else:
                e = self.entries[m.index]
                out[i] = SupplierResolution(e.id, m.method, m.score, m.status, e.name)
        return [r for r in out if r is not None]
