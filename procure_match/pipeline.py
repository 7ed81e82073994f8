"""The weekly scan as one readable function: load, select, embed, match, remember.

``run_scan`` calls the stages in order and returns a ``ScanRun`` (the ``ScanResult`` handed to the
consortium stage and the report writers, the merged ingest report and timings). ``explain_pair``
scores one (notice or lot, enterprise) pair directly, even when it is outside the top K.

Nothing here prints or reads the clock: the CLI passes ``now`` and a progress callback.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np

from procure_match.domain import Candidate, Enterprise, ScanResult, Tender
from procure_match.errors import IngestReport, InputFileError, NotFoundError
from procure_match.heap import long_lived
from procure_match.outputs import quality_counts
from procure_match.scoring.match import (
    build_targets,
    delivery_counts,
    enterprise_coordinates,
    match_targets,
    pair_distance_km,
    score_pair,
    target_for,
)
from procure_match.scoring.rules import MatchTarget, RuleOutcome, exclusion_reason
from procure_match.settings import Settings
from procure_match.store import ScanStore, default_store_path

Progress = Callable[[str], None]


@dataclass
class ScanRun:
    result: ScanResult
    report: IngestReport
    store_path: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    counts: dict[str, int] = field(default_factory=dict)
    outputs: Any = None  # what ``write_outputs`` returned (e.g. the scan folder)


@dataclass
class Inputs:
    tenders: list[Tender]
    enterprises: list[Enterprise]
    report: IngestReport
    lookup: object | None
    cpv: object
    sic: object
    evidence: dict[str, str] = field(default_factory=dict)  # enterprise id -> "Contracts won: ..." line
    plain_texts: dict[str, str] = field(default_factory=dict)  # enterprise id -> text without evidence (snapshot)
    directory_note: str = ""  # how the directory was read (parsed, or its snapshot reused)

    def enterprise_texts(self, enterprises: Sequence[Enterprise] | None = None) -> list[str]:
        """The text each enterprise is embedded from (with its award evidence when there is some)."""
        from procure_match.texts import enterprise_text

        out = []
        for e in self.enterprises if enterprises is None else enterprises:
            evidence = self.evidence.get(e.id, "")
            text = None if evidence else self.plain_texts.get(e.id)
            out.append(text if text is not None else enterprise_text(e, self.cpv, self.sic, evidence))
        return out


def check_paths(notice_paths: Sequence[str | Path], directory_path: str | Path) -> None:
    """Fail early, naming the file, before any expensive work."""
    if not notice_paths:
        raise InputFileError("no notice files given", fix="pass --notices PATH (one or more OCDS or CSV files)")
    for p in [*notice_paths, directory_path]:
        path = Path(p)
        if not path.exists():
            raise InputFileError("file not found", path=path, fix="check the path, or pass another file")
        if path.is_dir():
            raise InputFileError("is a folder, not a file", path=path, fix="pass the file inside it")


def load_inputs(notice_paths: Sequence[str | Path], directory_path: str | Path, settings: Settings) -> Inputs:
    """Read notices and the directory, merging both ingest reports; duplicate notice ids are reported once."""
    from procure_match.ingest import load_notices
    from procure_match.ingest.directory import load_directory
    from procure_match.reference.cpv import default_vocabulary
    from procure_match.reference.postcodes import load_postcode_lookup
    from procure_match.reference.sic import default_sic_vocabulary

    check_paths(notice_paths, directory_path)
    lookup = load_postcode_lookup(settings)
    cpv = default_vocabulary(settings.ingest.cpv_vocabulary or None)
    sic = default_sic_vocabulary(settings.ingest.sic_vocabulary or None)
    report = IngestReport()
    tenders, notice_report = load_notices([Path(p) for p in notice_paths], settings)
    report.merge(notice_report)

    def parse():
        return load_directory(Path(directory_path), settings, postcodes=lookup)

    plain_texts: dict[str, str] = {}
    note = ""
    if settings.directory.snapshots:
        from procure_match.ingest.snapshot import load_directory_snapshot
        from procure_match.reference.postcodes import postcodez_file
        from procure_match.texts import enterprise_text

        snap = load_directory_snapshot(
            directory_path,
            settings,
            parse,
            lambda ents: [enterprise_text(e, cpv, sic) for e in ents],
            reference_files=[postcodez_file(), *settings.directory.enrichment],
        )
        enterprises, dir_report, plain_texts, note = snap.enterprises, snap.report, snap.texts, snap.note
        report.counts["directory:snapshot_reused"] += int(snap.reused)
    else:
        enterprises, dir_report = parse()
    report.merge(dir_report)
    tenders = dedupe_tenders(tenders, report)
    enterprises = dedupe_enterprises(enterprises, report)
    evidence: dict[str, str] = {}
    if settings.scan.award_history:
        from procure_match.award_history import evidence_line, won_contracts

        evidence = {eid: evidence_line(won) for eid, won in won_contracts(tenders, enterprises).items()}
        report.counts["enterprises with award history"] = len(evidence)
    return Inputs(tenders, enterprises, report, lookup, cpv, sic, evidence, plain_texts, note)


def dedupe_tenders(tenders: Sequence[Tender], report: IngestReport) -> list[Tender]:
    """One notice per id (the last read wins); each duplicate is a Problem, never counted twice."""
    by_id: dict[str, Tender] = {}
    for t in tenders:
        if t.tender_id in by_id:
            report.problem(
                t.source_file or "notices",
                t.tender_id,
                "tender_id",
                "the same notice id appears more than once across the notice files",
                "kept the last one read",
                "pass each notice once, or only the newest export",
                skipped=True,
            )
        by_id[t.tender_id] = t
    return drop_csv_copies_of_ocds(list(by_id.values()), report)


def _same_title(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def drop_csv_copies_of_ocds(tenders: Sequence[Tender], report: IngestReport) -> list[Tender]:
    """A Contracts Finder notice read from both its OCDS release and the website's CSV export is one notice.

    The CSV export has no OCID: its "Notice Identifier" is the OCDS ``tender.id``. When a ``cf-<id>``
    notice has the same identifier and title as an OCDS notice from Contracts Finder, the OCDS version is
    kept (it carries lots, parties and the release history) and the CSV copy is reported, never counted
    twice. Same identifier with a different title: both are kept, and the coincidence is reported.
    """
    ocds_by_notice = {
        t.notice_id: t for t in tenders if t.ocid and t.source == "Contracts Finder" and t.notice_id is not None
    }
    kept = []
    for t in tenders:
        twin = ocds_by_notice.get(t.notice_id) if t.ocid is None and t.tender_id.startswith("cf-") else None
        if twin is None:
            kept.append(t)
            continue
        same = _same_title(t.title, twin.title)
        report.problem(
            t.source_file or "notices",
            t.tender_id,
            "Notice Identifier",
            f"the same Contracts Finder notice as {twin.tender_id} (read from {twin.source_file or 'OCDS'})"
            if same
            else f"shares its Notice Identifier with {twin.tender_id}, but the titles differ",
            "kept the OCDS version only" if same else "kept both",
            "pass each notice once (the OCDS release is the richer source)" if same else "check both notices",
            skipped=same,
        )
        if not same:
            kept.append(t)
    return kept


def dedupe_enterprises(enterprises: Sequence[Enterprise], report: IngestReport) -> list[Enterprise]:
    by_id: dict[str, Enterprise] = {}
    for e in enterprises:
        if e.id in by_id:
            report.problem(
                e.source_file or "directory",
                f"row {e.source_row}" if e.source_row else e.id,
                "id",
                f"enterprise id {e.id} appears more than once",
                "kept the first one",
                "give each enterprise a unique id",
                skipped=True,
            )
            continue
        by_id[e.id] = e
    return list(by_id.values())


def _as_date(t: datetime | None) -> date | None:
    return None if t is None else t.date()


def select_tenders(
    tenders: Sequence[Tender], now: datetime, settings: Settings, since: date | None = None
) -> tuple[list[Tender], list[Tender], dict[str, str]]:
    """(in the scan's scope, scanned, excluded id -> reason).

    Scope is every notice published on or after ``since`` (notices with no publication date are
    kept: they cannot be shown to be older). Of those, past-deadline and withdrawn notices are
    excluded from matching but stay in scope, so the history still tracks them.
    """
    in_scope, scanned, excluded = [], [], {}
    for t in tenders:
        published = _as_date(t.published)
        if since is not None and published is not None and published < since:
            excluded[t.tender_id] = f"published {published:%d %b %Y}, before --since {since:%d %b %Y}"
            continue
        in_scope.append(t)
        reason = exclusion_reason(
            t.deadline, t.status, now, past_deadline=settings.scan.exclude_past_deadline, stage=t.stage
        )
        if reason:
            excluded[t.tender_id] = reason
        else:
            scanned.append(t)
    return in_scope, scanned, excluded


def target_texts(inputs: Inputs, tender: Tender, targets: Sequence[MatchTarget]) -> list[str]:
    from procure_match.texts import lot_text, tender_text

    lots = {lot.id: lot for lot in tender.lots}
    return [
        tender_text(tender, inputs.cpv) if t.lot_id is None else lot_text(tender, lots[t.lot_id], inputs.cpv)
        for t in targets
    ]


def make_fitted_embedder(settings: Settings, corpus: list[str]):
    """The embedder the settings name, fitted on the scan's whole corpus (TF-IDF learns its vocabulary)."""
    from procure_match.embed import make_embedder

    embedder = make_embedder(settings)
    embedder.fit(corpus)
    return embedder


def embed_texts(
    embedder,
    settings: Settings,
    texts: list[str],
    progress: bool = False,
    say: Progress | None = None,
    tally: dict[str, int] | None = None,
    cache=None,
) -> np.ndarray:
    """Embed through the on-disk cache (only texts not seen before are computed).

    ``say`` hears what happened; ``tally`` (when given) adds the texts embedded and served from the cache.
    Pass one open ``cache`` for several calls in a scan, so its shards are read once.
    """
    from procure_match.embed import VectorCache, default_cache_dir, embed_with_cache

    if cache is None:
        cache = VectorCache(default_cache_dir(settings))
    vectors, stats = embed_with_cache(embedder, texts, cache, progress=progress)
    if say is not None:
        say(stats.summary())
        for problem in stats.problems:
            say(f"vector cache: {problem}")
    if tally is not None:
        tally["texts_embedded"] = tally.get("texts_embedded", 0) + stats.embedded
        tally["texts_from_cache"] = tally.get("texts_from_cache", 0) + stats.cache_hits
    return np.asarray(vectors, dtype=np.float32)


def corpus_texts(inputs: Inputs, settings: Settings, enterprise_texts: list[str] | None = None) -> list[str]:
    """Every notice/lot text and enterprise text read: what the embedder is fitted on, in scan and explain alike.

    ``enterprise_texts`` (one per ``inputs.enterprises``, in order) saves building them twice (6 s at 100,000)."""
    match_lots = settings.scan.match_lots
    notices = [txt for t in inputs.tenders for txt in target_texts(inputs, t, build_targets(t, match_lots=match_lots))]
    if enterprise_texts is None:
        enterprise_texts = inputs.enterprise_texts()
    return notices + list(enterprise_texts)


def run_scan(
    notice_paths: Sequence[str | Path],
    directory_path: str | Path,
    settings: Settings,
    *,
    now: datetime,
    since: date | None = None,
    store_path: str | Path | None = None,
    progress: Progress | None = None,
    show_bars: bool = False,
    write_outputs: Callable[[ScanRun], Any] | None = None,
) -> ScanRun:
    """Load, select, embed, retrieve, score, rank and record one scan.

    ``write_outputs(run)`` writes the scan's files; the history is committed only after it returns,
    so a scan whose outputs fail (or are killed) is not remembered and the rerun reports it again.
    """
    say = progress or (lambda _msg: None)
    check_paths(notice_paths, directory_path)
    # Absolute paths: the history recognises a notice file whatever folder the scan runs from.
    notice_paths = [Path(p).resolve() for p in notice_paths]
    # Open the history first: an unusable store stops the scan before any expensive work.
    store = ScanStore(
        Path(store_path) if store_path else default_store_path(settings.scan.store),
        timeout_s=settings.scan.store_timeout_s,
    )
    try:
        with long_lived():  # the directory, notices and candidates live until the outputs are written
            return _run_stages(store, notice_paths, directory_path, settings, now, since, say, show_bars, write_outputs)
    finally:
        store.close()


class Laps:
    """Seconds per stage: ``lap("embed")`` records the time since the previous lap under that name."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._clock = time.perf_counter()

    def __call__(self, name: str) -> None:
        self.timings[name] = round(time.perf_counter() - self._clock, 3)
        self._clock = time.perf_counter()


def _run_stages(
    store: ScanStore,
    notice_paths: list[Path],
    directory_path: str | Path,
    settings: Settings,
    now: datetime,
    since: date | None,
    say: Progress,
    show_bars: bool,
    write_outputs: Callable[[ScanRun], Any] | None = None,
) -> ScanRun:
    """The stages in order: load, select, texts, embed, match, then record (pending), write outputs, commit."""
    lap = Laps()
    timings = lap.timings
    say("reading notices and directory")
    inputs = load_inputs(notice_paths, directory_path, settings)
    if inputs.directory_note:
        say(inputs.directory_note)
    lap("load")
    in_scope, scanned, excluded = select_tenders(inputs.tenders, now, settings, since)
    say(f"{len(inputs.tenders)} notices read, {len(scanned)} to scan, {len(excluded)} excluded")

    targets, texts, ent_texts, corpus = _scan_texts(inputs, scanned, settings)
    lap("texts")

    say(f"embedding {len(texts)} notice/lot texts and {len(ent_texts)} enterprise texts")
    embedding: dict[str, int] = {}
    target_vecs, ent_vecs, embedder, cache = _embed_scan(settings, corpus, texts, ent_texts, show_bars, say, embedding)
    lap("embed")

    say(f"matching {len(targets)} notices and lots against {len(inputs.enterprises)} enterprises")
    embedded = _Embedded(texts, ent_texts, target_vecs, ent_vecs, embedder, cache)
    candidates, learned = _match_stage(inputs, scanned, targets, embedded, settings, say)
    lap("match")

    seen = {t.tender_id for t in inputs.tenders}
    files = [str(p) for p in notice_paths]
    recorded = store.pending_scan(
        scanned_at=now, tenders=in_scope, candidates=candidates, source_files=files, seen_ids=seen,
        keep_candidates_of=settings.scan.keep_candidates_of,
    )  # fmt: skip
    with recorded as (scan_id, changes):  # committed only once the outputs are written
        lap("store")
        result = ScanResult(
            scanned_at=now,
            tenders=scanned,
            enterprises={e.id: e for e in inputs.enterprises},
            candidates=candidates,
            changes=changes,
            excluded=excluded,
            scan_id=scan_id,
            deliveries={(t.tender_id, t.lot_id): t.delivery_facts() for t in targets},
            **_ranker_fields(learned, settings),
        )
        counts = _scan_counts(inputs, scanned, targets, excluded, candidates, changes, store, embedding)
        run = ScanRun(result=result, report=inputs.report, store_path=store.path, timings=timings, counts=counts)
        if write_outputs is not None:
            run.outputs = write_outputs(run)
    return run


@dataclass
class _Embedded:
    """A scan's texts, their vectors, the fitted embedder and its open vector cache."""

    texts: list[str]
    ent_texts: list[str]
    target_vecs: np.ndarray
    ent_vecs: np.ndarray
    embedder: Any
    cache: Any


def _ranker_fields(learned: Any, settings: Settings) -> dict[str, Any]:
    """ScanResult.ranker and min_fit: which ranker the scan used, and the floor when it is the learned fit."""
    if learned is None:
        return {"ranker": "weighted", "min_fit": None}
    return {"ranker": "learned", "min_fit": settings.scan.min_fit}


def _match_stage(
    inputs: Inputs, scanned: list[Tender], targets: list[MatchTarget], e: _Embedded, settings: Settings, say: Progress
) -> tuple[list[Candidate], Any]:
    """Retrieve, score and rank every target (with the learned fit when the scan can use it)."""
    lat, lon = enterprise_coordinates(inputs.enterprises, inputs.lookup)
    learned, ranker_note = learned_fit_for(
        settings,
        e.embedder.model_id,
        e.texts,
        e.ent_texts,
        e.target_vecs,
        e.ent_vecs,
        lambda titles: embed_texts(e.embedder, settings, titles, cache=e.cache),
        target_noise(targets, scanned),
    )
    say(ranker_note)
    candidates = match_targets(
        targets, e.target_vecs, inputs.enterprises, e.ent_vecs, settings,
        enterprise_lat=lat, enterprise_lon=lon, learned=learned,
    )  # fmt: skip
    return candidates, learned


def _scan_texts(
    inputs: Inputs, scanned: list[Tender], settings: Settings
) -> tuple[list[MatchTarget], list[str], list[str], list[str]]:
    """(match targets, their texts, enterprise texts, the corpus an embedder is fitted on)."""
    targets: list[MatchTarget] = []
    texts: list[str] = []
    for t in scanned:
        ts = build_targets(t, inputs.lookup, match_lots=settings.scan.match_lots, settings=settings)
        targets.extend(ts)
        texts.extend(target_texts(inputs, t, ts))
    ent_texts = inputs.enterprise_texts()
    return targets, texts, ent_texts, corpus_texts(inputs, settings, ent_texts)


def _embed_scan(
    settings: Settings,
    corpus: list[str],
    texts: list[str],
    ent_texts: list[str],
    show_bars: bool,
    say: Progress,
    embedding: dict[str, int],
) -> tuple[np.ndarray, np.ndarray, Any, Any]:
    """Vectors of the notice/lot texts and of the enterprise texts (through the vector cache), the fitted
    embedder and the open cache (the learned fit embeds the notice titles with them)."""
    from procure_match.embed import VectorCache, default_cache_dir

    embedder = make_fitted_embedder(settings, corpus)
    cache = VectorCache(default_cache_dir(settings))
    target_vecs = embed_texts(embedder, settings, texts, show_bars, say, embedding, cache)
    ent_vecs = embed_texts(embedder, settings, ent_texts, show_bars, say, embedding, cache)
    return target_vecs, ent_vecs, embedder, cache


def _scan_counts(
    inputs: Inputs,
    scanned: list[Tender],
    targets: list[MatchTarget],
    excluded: dict,
    candidates: list[Candidate],
    changes: dict,
    store: ScanStore,
    embedding: dict[str, int],
) -> dict[str, int]:
    """The counts a scan reports (scan-summary.json, the CLI summary)."""
    return {
        "notices_read": len(inputs.tenders),
        "notices_scanned": len(scanned),
        "targets": len(targets),
        "lots_matched": sum(1 for t in targets if t.lot_id is not None),
        "enterprises": len(inputs.enterprises),
        "excluded": len(excluded),
        "directory_snapshot_reused": inputs.report.counts["directory:snapshot_reused"],
        "history_candidates_pruned": store.pruned_candidates,
        "candidates": len(candidates),
        "eligible": sum(c.eligible for c in candidates),
        "placeholder_values": inputs.report.counts["placeholder_values"],
        **quality_counts(scanned, candidates),
        **{kind: sum(1 for c in changes.values() if c.kind == kind) for kind in ("new", "changed", "withdrawn")},
        **embedding,
        **delivery_counts(targets),
    }


def target_noise(targets: Sequence[MatchTarget], tenders: Sequence[Tender]) -> list[frozenset[str]]:
    """Per target, the words of its notice's buyer and places (never shown as shared words)."""
    from procure_match.scoring.learned import tender_noise

    by_id = {t.tender_id: tender_noise(t) for t in tenders}
    return [by_id.get(t.tender_id, frozenset()) for t in targets]


def learned_fit_for(
    settings: Settings,
    embedder_id: str,
    target_texts: list[str],
    enterprise_texts: list[str],
    target_vectors: np.ndarray,
    enterprise_vectors: np.ndarray,
    embed: Callable[[list[str]], np.ndarray],
    noise: Sequence[frozenset[str]] = (),
):
    """(the learned fit for this scan or None, a sentence saying which ranker the scan uses and why).

    The fit model was trained on one embedder's cosines; a scan that embeds with another (TF-IDF, or
    another model) ranks by the hand-weighted score instead, and says so."""
    if settings.scan.ranker != "learned":
        return None, 'ranked by the hand-weighted score (scan.ranker = "weighted")'
    from procure_match.scoring.fit import embedder_family, fit_model_path, load_fit_model
    from procure_match.scoring.learned import LearnedFit
    from procure_match.texts import title_of

    path = fit_model_path(settings.scan.fit_model)
    model = load_fit_model(path)
    trained_on, used = model.card.get("embedder", ""), embedder_family(embedder_id)
    if trained_on != used:
        return None, (
            f"ranked by the hand-weighted score: the learned fit ({path.name}) was trained on {trained_on or '?'} "
            f"similarities and this scan embeds with {used}"
        )
    titles = embed([title_of(text) for text in target_texts])
    learned = LearnedFit.build(
        model, target_texts, enterprise_texts, target_vectors, titles, enterprise_vectors,
        min_fit=settings.scan.min_fit, noise=noise,
    )  # fmt: skip
    return learned, f"ranked by the learned fit ({path.name}); floor scan.min_fit = {settings.scan.min_fit:.2f}"


@dataclass
class Explanation:
    tender: Tender
    enterprise: Enterprise
    target: MatchTarget
    candidate: Candidate
    outcomes: list[RuleOutcome]
    cosine: float
    km: float | None
    ranker_note: str = ""  # which ranker scored the pair, and why (the learned fit, or the hand-weighted score)


def _closest(name: str, options: Sequence[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(options), n=3, cutoff=0.5)
    return f"close matches: {', '.join(close)}" if close else "no close match"


def explain_pair(
    notice_paths: Sequence[str | Path],
    directory_path: str | Path,
    tender_id: str,
    enterprise_id: str,
    settings: Settings,
    *,
    lot_id: str | None = None,
) -> Explanation:
    """Score one (notice or lot, enterprise) pair directly and return every part and rule outcome."""
    inputs = load_inputs(notice_paths, directory_path, settings)
    tenders = {t.tender_id: t for t in inputs.tenders}
    ents = {e.id: e for e in inputs.enterprises}
    if tender_id not in tenders:
        raise NotFoundError(
            f"notice {tender_id!r} is not in the notice files ({_closest(tender_id, tenders)})",
            fix="pass the OCID (or cf-<notice id>) exactly as in matches.json",
        )
    if enterprise_id not in ents:
        raise NotFoundError(
            f"enterprise {enterprise_id!r} is not in the directory ({_closest(enterprise_id, ents)})",
            fix="pass the enterprise_id exactly as in matches.json",
        )
    tender, enterprise = tenders[tender_id], ents[enterprise_id]
    lots = {lot.id: lot for lot in tender.lots}
    if lot_id is not None and lot_id not in lots:
        listed = ", ".join(lots) or "none"
        raise NotFoundError(f"notice {tender_id} has no lot {lot_id!r} (its lots: {listed})", fix="pass --lot LOT_ID")
    target = target_for(tender, lot_id, inputs.lookup, settings)
    return _explain_scored(inputs, tender, enterprise, target, settings)


def _explain_scored(inputs: Inputs, tender: Tender, enterprise: Enterprise, target: MatchTarget, settings: Settings):
    """The pair scored exactly as a scan scores it: with the learned fit, among the notice's retrieved top K
    (the fit's features compare a pair with the notice's other candidates), the pair itself added when
    retrieval would not have kept it."""
    embedder = make_fitted_embedder(settings, corpus_texts(inputs, settings))
    t_texts = target_texts(inputs, tender, [target])
    vec_t = embed_texts(embedder, settings, t_texts)
    ent_texts = inputs.enterprise_texts()
    ent_vecs = embed_texts(embedder, settings, ent_texts)
    e_i = next(i for i, e in enumerate(inputs.enterprises) if e.id == enterprise.id)
    cos_row = ent_vecs @ vec_t[0]
    lat, lon = enterprise_coordinates(inputs.enterprises, inputs.lookup)

    def scored(i: int) -> tuple[Candidate, list[RuleOutcome]]:
        km = pair_distance_km(target, float(lat[i]), float(lon[i]))
        return score_pair(target, inputs.enterprises[i], float(cos_row[i]), km, settings)

    learned, note = learned_fit_for(
        settings, embedder.model_id, t_texts, ent_texts, vec_t, ent_vecs,
        lambda titles: embed_texts(embedder, settings, titles), target_noise([target], [tender]),
    )  # fmt: skip
    if learned is None:
        cand, outcomes = scored(e_i)
    else:
        idx = [int(i) for i in np.argsort(-cos_row, kind="stable")[: settings.scan.top_k]]
        idx = idx if e_i in idx else [*idx, e_i]
        pairs = [scored(i) for i in idx]
        learned.apply(target, 0, np.array(idx), cos_row[idx], pairs)
        cand, outcomes = pairs[idx.index(e_i)]
    km = pair_distance_km(target, float(lat[e_i]), float(lon[e_i]))
    return Explanation(tender, enterprise, target, cand, outcomes, float(cos_row[e_i]), km, note)


def utc_now() -> datetime:
    """The scan time; only the CLI calls this (pure code takes ``now`` as an argument)."""
    return datetime.now(UTC)
