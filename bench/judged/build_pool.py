"""Build the judged development set's pool: real notices x a real directory, top 5 of three rankers, blind.

    python bench/judged/build_pool.py [--data ../shared/data] [--seed 20261202]

Writes, beside this script:

* ``notices.jsonl``   the sampled notices (what a grader reads), one per line, with their source file;
* ``directory.jsonl`` the sampled directory (worker co-ops + NI charities), one enterprise per line;
* ``pool.jsonl``      every pooled (notice, enterprise) pair with the rankers that proposed it
                      (kept from the graders: they read the packets only);
* ``packets/packet_N.md`` what a grader reads: each notice, then its pooled enterprises in a
                      shuffled order, with no score, rank or ranker named.

The held-out file ``uk_notices_csv/cf_export_open_2025-11.csv`` is never read here.

Rankers pooled (top 5 each, whole notices only):
1. procure-match's hand-weighted score (sentence-transformers + CPV + distance + rules) as of this commit;
2. TF-IDF cosine (procure-match's tfidf backend);
3. Okapi BM25 (``procure_match.scoring.lexical``).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import html
import json
import random
import re
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from procure_match.domain import Enterprise, Tender  # noqa: E402
from procure_match.settings import settings_from_dict  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data"
HELD_OUT = "cf_export_open_2025-11.csv"
POOL_DEPTH = 5
# Notices per source file: a mix of England (CF), Scotland, Wales and a 2020 dump without CPV codes.
NOTICE_QUOTAS = {
    "uk_notices_csv/cf_notices_2020-10_to_11_tolgadur.csv": 45,
    "uk_notices_csv/cf_export_awarded_2020-09.csv": 35,
    "uk_notices_csv/cf_export_hmrc_search.csv": 35,
    "ocds/uk_cf_pcs_s2w_2025/public_contracts_scotland_releases.jsonl": 15,
    "ocds/uk_cf_pcs_s2w_2025/sell2wales_releases.jsonl": 15,
    "ocds/uk_cf_pcs_s2w_2025/contracts_finder_releases.jsonl": 15,
}
DIRECTORIES = {
    "orgs/workers_coop_2023-06-23_with_descriptions.csv": None,  # all 387
    "orgs/ni_charity_register_2020-06-30_cp1252.csv": 1000,  # a seeded sample of the 6,223 kept
}
MIN_DESCRIPTION = 80


def read_tolgadur(path: Path) -> list[Tender]:
    """The 2020 CF dump (Id, Title, PublishedDate, OrganisationName, DeadlineDate, Description): no CPV, no place."""
    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            desc = html.unescape(html.unescape(row.get("Description") or ""))
            desc = re.sub(r"<[^>]+>", " ", desc)
            published = None
            with contextlib.suppress(ValueError):
                published = datetime.fromisoformat((row.get("PublishedDate") or "")[:19])
            out.append(
                Tender(
                    tender_id=f"cf2020-{row['Id']}",
                    source="Contracts Finder",
                    title=html.unescape(row.get("Title") or ""),
                    description=" ".join(desc.split()),
                    buyer_name=row.get("OrganisationName") or None,
                    published=published,
                    source_file=str(path),
                )
            )
    return out


def load_sample_notices(data: Path, rng: random.Random) -> list[Tender]:
    from procure_match.ingest import load_notices

    settings = settings_from_dict({})
    chosen: list[Tender] = []
    seen_titles: set[str] = set()
    for rel, quota in NOTICE_QUOTAS.items():
        assert HELD_OUT not in rel
        path = data / rel
        tenders = read_tolgadur(path) if "tolgadur" in rel else load_notices([path], settings)[0]
        pool = [t for t in tenders if len(t.description or "") >= MIN_DESCRIPTION and t.title]
        pool.sort(key=lambda t: t.tender_id)
        rng.shuffle(pool)
        taken = 0
        for t in pool:
            key = " ".join(t.title.lower().split())
            if key in seen_titles:
                continue
            seen_titles.add(key)
            chosen.append(replace(t, source_file=rel, lots=()))
            taken += 1
            if taken == quota:
                break
    return chosen


def load_sample_directory(data: Path, rng: random.Random) -> list[Enterprise]:
    from procure_match.ingest.directory import load_directory

    settings = settings_from_dict({})
    out: list[Enterprise] = []
    for rel, size in DIRECTORIES.items():
        ents, _ = load_directory(data / rel, settings)
        ents = [e for e in ents if e.description.strip()]
        ents.sort(key=lambda e: e.id)
        if size is not None and len(ents) > size:
            ents = rng.sample(ents, size)
        out.extend(replace(e, source_file=rel) for e in ents)
    return out


def top_indices(scores: np.ndarray, k: int) -> list[int]:
    order = np.argsort(-scores, kind="stable")
    return [int(i) for i in order[:k]]


def project_rank(tenders, enterprises, settings) -> list[list[int]]:
    """procure-match's own ranking (hand-weighted score, rules) of every notice's top candidates."""
    from procure_match.pipeline import embed_texts, make_fitted_embedder
    from procure_match.reference.cpv import default_vocabulary
    from procure_match.reference.postcodes import load_postcode_lookup
    from procure_match.reference.sic import default_sic_vocabulary
    from procure_match.scoring.match import build_targets, enterprise_coordinates, match_targets
    from procure_match.texts import enterprise_text, tender_text

    cpv, sic = default_vocabulary(None), default_sic_vocabulary(None)
    lookup = load_postcode_lookup(settings)
    targets = [build_targets(t, lookup, match_lots=False)[0] for t in tenders]
    t_texts = [tender_text(t, cpv) for t in tenders]
    e_texts = [enterprise_text(e, cpv, sic) for e in enterprises]
    embedder = make_fitted_embedder(settings, t_texts + e_texts)
    tv = embed_texts(embedder, settings, t_texts)
    ev = embed_texts(embedder, settings, e_texts)
    lat, lon = enterprise_coordinates(enterprises, lookup)
    cands = match_targets(targets, tv, enterprises, ev, settings, enterprise_lat=lat, enterprise_lon=lon)
    index = {e.id: i for i, e in enumerate(enterprises)}
    by_tender: dict[str, list[int]] = {}
    for c in cands:  # ranked within each notice already
        by_tender.setdefault(c.tender_id, []).append(index[c.enterprise_id])
    return [by_tender.get(t.tender_id, [])[:POOL_DEPTH] for t in tenders], t_texts, e_texts, tv, ev


def tfidf_rank(t_texts: Sequence[str], e_texts: Sequence[str]) -> list[list[int]]:
    from procure_match.embed.tfidf import TfidfEmbedder

    emb = TfidfEmbedder()
    emb.fit(list(t_texts) + list(e_texts))
    tv, ev = np.asarray(emb.embed(list(t_texts))), np.asarray(emb.embed(list(e_texts)))
    sims = tv @ ev.T
    return [top_indices(row, POOL_DEPTH) for row in sims]


def bm25_rank(t_texts: Sequence[str], e_texts: Sequence[str]) -> list[list[int]]:
    from procure_match.scoring.lexical import BM25Index

    scores = BM25Index(e_texts).scores(t_texts)
    return [top_indices(row, POOL_DEPTH) for row in scores]


def place_of(t: Tender) -> str:
    parts = []
    for loc in t.locations:
        parts.extend(x for x in (loc.description, loc.region, loc.nuts, loc.postcode) if x)
    return ", ".join(dict.fromkeys(parts)) or "not stated"


def notice_record(t: Tender, cpv) -> dict:
    value = t.value.amount_gbp if t.value.amount_gbp is not None else t.value.amount
    return {
        "notice_id": t.tender_id,
        "source_file": t.source_file,
        "title": t.title,
        "buyer": t.buyer_name,
        "place": place_of(t),
        "value_gbp": value,
        "published": t.published.date().isoformat() if t.published else None,
        "cpv": [f"{c} {cpv.describe(c)}" for c in t.cpv_codes[:6]],
        "description": " ".join((t.description or "").split())[:900],
    }


def enterprise_record(e: Enterprise, sic) -> dict:
    return {
        "enterprise_id": e.id,
        "source_file": e.source_file,
        "name": e.name,
        "postcode": e.postcode,
        "legal_form": e.legal_form or e.legal_form_raw,
        "turnover_gbp": e.turnover,
        "sectors": list(e.sectors),
        "activities": [sic.describe(c) for c in e.sic_codes],
        "description": " ".join(e.description.split())[:600],
    }


def write_packets(notices: list[dict], ents: dict[str, dict], pool: dict[str, list[str]], rng, n_packets: int) -> None:
    out = HERE / "packets"
    out.mkdir(exist_ok=True)
    for i in range(n_packets):
        part = notices[i::n_packets]
        lines = [f"# Grading packet {i + 1} of {n_packets}: {len(part)} notices", ""]
        for n in part:
            lines += [
                f"## NOTICE {n['notice_id']}",
                f"- Title: {n['title']}",
                f"- Buyer: {n['buyer'] or 'not stated'}; place of work: {n['place']}",
                f"- Value: {'£{:,.0f}'.format(n['value_gbp']) if n['value_gbp'] else 'not stated'}; "
                f"published {n['published'] or 'date not stated'}",
                f"- CPV: {'; '.join(n['cpv']) or 'none given'}",
                f"- Description: {n['description']}",
                "",
                "Candidates:",
            ]
            ids = list(pool[n["notice_id"]])
            rng.shuffle(ids)
            for eid in ids:
                e = ents[eid]
                facts = [f"postcode {e['postcode'] or 'unknown'}", f"legal form {e['legal_form'] or 'unknown'}"]
                if e["turnover_gbp"]:
                    facts.append(f"income/turnover £{e['turnover_gbp']:,.0f}")
                lines.append(f"- `{eid}` **{e['name']}** ({'; '.join(facts)})")
                if e["sectors"] or e["activities"]:
                    lines.append(f"  - Sectors/activities: {'; '.join(e['sectors'] + e['activities'])}")
                lines.append(f"  - {e['description']}")
            lines.append("")
        (out / f"packet_{i + 1}.md").write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--seed", type=int, default=20261202)
    ap.add_argument("--packets", type=int, default=4)
    args = ap.parse_args(argv)
    from procure_match.reference.cpv import default_vocabulary
    from procure_match.reference.sic import default_sic_vocabulary

    rng = random.Random(args.seed)
    tenders = load_sample_notices(args.data, rng)
    enterprises = load_sample_directory(args.data, rng)
    print(f"{len(tenders)} notices, {len(enterprises)} enterprises", file=sys.stderr)
    settings = settings_from_dict({"scan": {"top_k": 30}})
    proj, t_texts, e_texts, _, _ = project_rank(tenders, enterprises, settings)
    rankers = {"project": proj, "tfidf": tfidf_rank(t_texts, e_texts), "bm25": bm25_rank(t_texts, e_texts)}
    pool: dict[str, dict[str, list[str]]] = {}
    for ti, t in enumerate(tenders):
        entry: dict[str, list[str]] = {}
        for name, lists in rankers.items():
            for ei in lists[ti]:
                entry.setdefault(enterprises[ei].id, []).append(name)
        pool[t.tender_id] = entry
    cpv, sic = default_vocabulary(None), default_sic_vocabulary(None)
    notices = [notice_record(t, cpv) for t in tenders]
    ents = {e.id: enterprise_record(e, sic) for e in enterprises}
    with (HERE / "notices.jsonl").open("w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(n, ensure_ascii=False) + "\n" for n in notices)
    with (HERE / "directory.jsonl").open("w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(e, ensure_ascii=False) + "\n" for e in ents.values())
    with (HERE / "pool.jsonl").open("w", encoding="utf-8") as fh:
        for tid, entry in pool.items():
            for eid, by in entry.items():
                fh.write(json.dumps({"notice_id": tid, "enterprise_id": eid, "rankers": by}) + "\n")
    write_packets(notices, ents, {tid: list(entry) for tid, entry in pool.items()}, rng, args.packets)
    pairs = sum(len(e) for e in pool.values())
    print(f"pool: {pairs} pairs ({pairs / len(tenders):.1f} per notice)", file=sys.stderr)


if __name__ == "__main__":
    main()
