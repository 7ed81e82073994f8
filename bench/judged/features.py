"""Features of the judged pairs, computed by the same library code a scan runs (``scoring.learned``).

``judged_table(data)`` reloads the judged notices and enterprises from their real source files (by id),
embeds them as a scan does (vector cache, the settings' embedder), and returns one row per graded pair
with the learned fit's features and the baseline rankers' scores (hand-weighted score, semantic part,
TF-IDF cosine, BM25), so every ranker is compared on exactly the same pairs.
"""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from build_pool import DEFAULT_DATA, HELD_OUT, read_tolgadur  # noqa: E402

from procure_match.domain import Enterprise, Tender  # noqa: E402
from procure_match.settings import Settings, settings_from_dict  # noqa: E402


@dataclass
class JudgedTable:
    embedder: str  # the embedder family the features were computed with (the model is only valid with it)
    notice_ids: list[str]  # one per row
    enterprise_ids: list[str]
    grades: np.ndarray  # 0 / 1 / 2
    features: np.ndarray  # (rows, len(FEATURES))
    baselines: dict[str, np.ndarray]  # ranker name -> score per row
    notice_sources: dict[str, str]  # notice id -> source file
    best_of_notice: dict[str, float]  # not used for training: max hand score per notice (diagnostics)


def read_grades(folder: Path = HERE / "grades") -> dict[tuple[str, str], int]:
    grades: dict[tuple[str, str], int] = {}
    for path in sorted(folder.glob("*.tsv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                grades[(row["notice_id"].strip(), row["enterprise_id"].strip())] = int(row["grade"])
    return grades


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_judged_notices(data: Path, settings: Settings) -> list[Tender]:
    from procure_match.ingest import load_notices

    wanted = _jsonl(HERE / "notices.jsonl")
    by_file: dict[str, list[str]] = {}
    for n in wanted:
        assert HELD_OUT not in n["source_file"], "the held-out file is never part of the judged set"
        by_file.setdefault(n["source_file"], []).append(n["notice_id"])
    found: dict[str, Tender] = {}
    for rel, ids in by_file.items():
        path = data / rel
        tenders = read_tolgadur(path) if "tolgadur" in rel else load_notices([path], settings)[0]
        keep = set(ids)
        found.update({t.tender_id: replace(t, source_file=rel, lots=()) for t in tenders if t.tender_id in keep})
    return [found[n["notice_id"]] for n in wanted]


def load_judged_directory(data: Path, settings: Settings) -> list[Enterprise]:
    from procure_match.ingest.directory import load_directory

    wanted = _jsonl(HERE / "directory.jsonl")
    by_file: dict[str, set[str]] = {}
    for e in wanted:
        by_file.setdefault(e["source_file"], set()).add(e["enterprise_id"])
    found: dict[str, Enterprise] = {}
    for rel, ids in by_file.items():
        ents, _ = load_directory(data / rel, settings)
        found.update({e.id: e for e in ents if e.id in ids})
    return [found[e["enterprise_id"]] for e in wanted if e["enterprise_id"] in found]


def judged_table(data: Path = DEFAULT_DATA, settings: Settings | None = None) -> JudgedTable:
    """Every graded pair with its features (``scoring.fit.FEATURES``) and the baseline scores."""
    from procure_match.embed.tfidf import TfidfEmbedder
    from procure_match.pipeline import embed_texts, make_fitted_embedder
    from procure_match.reference.cpv import default_vocabulary
    from procure_match.reference.postcodes import load_postcode_lookup
    from procure_match.reference.sic import default_sic_vocabulary
    from procure_match.scoring.fit import DirectorySpread, embedder_family, feature_matrix, notice_kind, outcome_columns
    from procure_match.scoring.lexical import BM25Index
    from procure_match.scoring.match import build_targets, enterprise_coordinates, pair_distance_km, score_pair
    from procure_match.texts import enterprise_text, tender_text, title_of

    settings = settings or settings_from_dict({"scan": {"ranker": "weighted"}})
    grades = read_grades()
    tenders = load_judged_notices(data, settings)
    ents = load_judged_directory(data, settings)
    e_index = {e.id: i for i, e in enumerate(ents)}
    cpv, sic = default_vocabulary(None), default_sic_vocabulary(None)
    lookup = load_postcode_lookup(settings)
    t_texts = [tender_text(t, cpv) for t in tenders]
    e_texts = [enterprise_text(e, cpv, sic) for e in ents]
    embedder = make_fitted_embedder(settings, t_texts + e_texts)
    t_vecs, e_vecs = embed_texts(embedder, settings, t_texts), embed_texts(embedder, settings, e_texts)
    cos = t_vecs @ e_vecs.T
    title_cos = embed_texts(embedder, settings, [title_of(x) for x in t_texts]) @ e_vecs.T
    spread = DirectorySpread.of(e_vecs)
    tfidf = TfidfEmbedder()
    tfidf.fit(t_texts + e_texts)
    tf_cos = np.asarray(tfidf.embed(t_texts)) @ np.asarray(tfidf.embed(e_texts)).T
    bm25 = BM25Index(e_texts)
    raw_bm25 = bm25.scores(t_texts)
    lex = raw_bm25 / np.array([[bm25.max_score(q) or 1.0] for q in t_texts])
    lat, lon = enterprise_coordinates(ents, lookup)
    k = settings.scan.top_k
    rows: dict[str, list] = {name: [] for name in ("n", "e", "g", "x", "hand", "sem", "tf", "bm")}
    by_notice: dict[str, list[tuple[str, int]]] = {}
    for (nid, eid), grade in grades.items():
        if eid in e_index:
            by_notice.setdefault(nid, []).append((eid, grade))
    for ti, t in enumerate(tenders):
        target = build_targets(t, lookup, match_lots=False)[0]
        top = np.argsort(-cos[ti], kind="stable")[:k]  # the scan's retrieved set
        best_cos, best_lex_top = float(cos[ti, top[0]]), float(lex[ti, top].max())
        z_row = spread.z(t_vecs[ti], cos[ti])
        for eid, grade in by_notice.get(t.tender_id, []):
            ei = e_index[eid]
            km = pair_distance_km(target, float(lat[ei]), float(lon[ei]))
            cand, outcomes = score_pair(target, ents[ei], float(cos[ti, ei]), km, settings)
            cpv_part, distance = outcome_columns([outcomes])
            rows["x"].append(
                feature_matrix(  # one pair: a pair outside the top K counts itself in the notice's best BM25
                    semantic=cos[ti, [ei]].astype(np.float64),
                    best_semantic=best_cos,
                    semantic_z=z_row[[ei]],
                    title_semantic=title_cos[ti, [ei]].astype(np.float64),
                    lexical=lex[ti, [ei]],
                    best_lexical=max(best_lex_top, float(lex[ti, ei])),
                    cpv=cpv_part,
                    distance=distance,
                    enterprise_words=np.array([len(e_texts[ei].split())], dtype=np.float64),
                    notice_kind=notice_kind(target.cpv_codes),
                    value_gbp=target.value_gbp,
                    notice_words=len(t_texts[ti].split()),
                )[0]
            )
            rows["n"].append(t.tender_id)
            rows["e"].append(eid)
            rows["g"].append(grade)
            rows["hand"].append(cand.score)
            rows["sem"].append(float(cos[ti, ei]))
            rows["tf"].append(float(tf_cos[ti, ei]))
            rows["bm"].append(float(raw_bm25[ti, ei]))
    embedder_id = embedder_family(embedder.model_id)
    return JudgedTable(
        embedder=embedder_id,
        notice_ids=rows["n"],
        enterprise_ids=rows["e"],
        grades=np.array(rows["g"], dtype=np.int64),
        features=np.vstack(rows["x"]),
        baselines={
            "hand-weighted score (old default)": np.array(rows["hand"]),
            "semantic part alone": np.array(rows["sem"]),
            "TF-IDF": np.array(rows["tf"]),
            "BM25": np.array(rows["bm"]),
        },
        notice_sources={t.tender_id: t.source_file or "" for t in tenders},
        best_of_notice={},
    )
