"""Smoke tests for bench/: the scale-data generator and the award-evaluation metrics.

Fast (no model): the generator is deterministic for a seed and writes valid files at small size;
hit@k, MRR, the random-baseline formulas, BM25 and the supplier-name key are right on hand cases.
"""

from __future__ import annotations

import csv
import json
import random
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import common  # noqa: E402
import eval_awards as ev  # noqa: E402
import make_scale_data as msd  # noqa: E402
import scale_vocab  # noqa: E402

from procure_match.reference.cpv import normalise_cpv  # noqa: E402

SMALL = {"enterprises": 300, "notices": 30, "spend_lines": 400, "change_fraction": 0.02}
POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    a = tmp_path_factory.mktemp("scale-a")
    b = tmp_path_factory.mktemp("scale-b")
    c = tmp_path_factory.mktemp("scale-c")
    return (
        a,
        msd.generate(a, seed=7, **SMALL),
        msd.generate(b, seed=7, **SMALL),
        msd.generate(c, seed=8, **SMALL),
    )


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# ----------------------------------------------------------------------------- generator


def test_same_seed_same_bytes_other_seed_differs(generated):
    _, first, second, other = generated
    assert first["files"] == second["files"]
    assert first["files"]["directory.csv"]["sha256"] != other["files"]["directory.csv"]["sha256"]
    assert set(first["files"]) == {
        "directory.csv",
        "directory_changed.csv",
        "changed_ids.txt",
        "notices.jsonl",
        "spend.csv",
        "spend_truth.csv",
    }


def test_directory_rows_are_valid(generated):
    folder, manifest, _, _ = generated
    with (folder / "directory.csv").open(encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == msd.HEADERS
    rows = read_csv(folder / "directory.csv")
    assert len(rows) == SMALL["enterprises"] == manifest["enterprises"]
    assert len({r["id"] for r in rows}) == len(rows)
    assert len({r["name"].lower() for r in rows}) == len(rows)
    for r in rows:
        assert 15 <= len(r["description"].split()) <= 40, r["description"]
        assert POSTCODE.match(r["postcode"]), r["postcode"]
        codes = r["cpv_codes"].split(";")
        assert codes and all(normalise_cpv(c) == c for c in codes)
        assert all(re.fullmatch(r"\d{5}", s) for s in r["sic_codes"].split(";"))
        assert float(r["turnover"]) > 0 and int(r["employees"]) >= 0
        assert (
            r["companies_house_number"]
            or r["mutuals_register_number"]
            or r["charity_number"]
            or (r["legal_form"] == "Partnership")
        )
    turnovers = np.array([float(r["turnover"]) for r in rows])
    assert 0.8 <= np.mean((turnovers >= 20_000) & (turnovers <= 2_000_000)) <= 1.0


def test_changed_directory_differs_only_in_named_descriptions(generated):
    folder, manifest, _, _ = generated
    before = read_csv(folder / "directory.csv")
    after = read_csv(folder / "directory_changed.csv")
    changed = (folder / "changed_ids.txt").read_text().split()
    assert len(changed) == round(SMALL["enterprises"] * SMALL["change_fraction"]) == manifest["changed_rows"]
    differing = [b["id"] for b, a in zip(before, after, strict=True) if a != b]
    assert differing == changed
    for b, a in zip(before, after, strict=True):
        if b["id"] in changed:
            assert {k for k in b if a[k] != b[k]} == {"description"}


def test_notices_are_ocds_packages_with_future_deadlines(generated):
    folder, _, _, _ = generated
    lines = (folder / "notices.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == SMALL["notices"]
    ocids = set()
    for line in lines:
        package = json.loads(line)
        assert len(package["releases"]) == 1
        release = package["releases"][0]
        ocids.add(release["ocid"])
        tender = release["tender"]
        assert 100 <= len(tender["description"].split()) <= 200
        assert normalise_cpv(tender["classification"]["id"]) == tender["classification"]["id"]
        assert tender["tenderPeriod"]["endDate"][:10] > msd.SCAN_DATE.isoformat()
        assert all(POSTCODE.match(a["postalCode"]) for item in tender["items"] for a in item["deliveryAddresses"])
        if "lots" in tender:
            assert 2 <= len(tender["lots"]) <= 5
            assert {i["relatedLot"] for i in tender["items"]} == {lot["id"] for lot in tender["lots"]}
    assert len(ocids) == len(lines)


def test_spend_truth_points_at_the_right_enterprises(generated):
    folder, _, _, _ = generated
    names = {r["id"]: r["name"] for r in read_csv(folder / "directory.csv")}
    lowered = {n.lower() for n in names.values()}
    spend = read_csv(folder / "spend.csv")
    truth = read_csv(folder / "spend_truth.csv")
    assert len(spend) == len(truth) == SMALL["spend_lines"]
    kinds = set()
    for s, t in zip(spend, truth, strict=True):
        assert s["Transaction Number"] == t["Transaction Number"] and s["Supplier Name"] == t["Supplier Name"]
        kinds.add(t["variant"])
        if t["variant"] == "none":
            assert t["enterprise_id"] == "" and t["Supplier Name"].lower() not in lowered
        elif t["variant"] == "exact":
            assert names[t["enterprise_id"]] == t["Supplier Name"]
        else:
            assert t["Supplier Name"] != names[t["enterprise_id"]]
    assert {"exact", "none", "case", "typo"} <= kinds


@pytest.mark.parametrize("kind", ["case", "suffix", "typo", "word_order", "punctuation"])
def test_name_variants_change_the_name(kind):
    rng = random.Random(1)
    for name in ("Green Shoots Landscapes CIC", "The Hive Kitchen Ltd", "Acorn Care Co-op", "Unity Print C.I.C."):
        varied = msd.vary_name(name, kind, rng)
        assert varied != name


def test_postcode_sample_is_seeded(tmp_path):
    sample = tmp_path / "pc.csv"
    lines = [",id,postcode,latitude,longitude,postcode_clean"]
    lines += [f"{i},{i},B{i % 30 + 1} {i % 9}AA,52.4{i % 10},-1.8{i % 7},x" for i in range(400)]
    lines += ["999,999,ZZ1 1ZZ,99.9,0.0,zz11zz"]  # outside the UK: never sampled
    sample.write_text("\n".join(lines) + "\n")
    a = msd.sample_postcodes(20, random.Random(3), sample)
    b = msd.sample_postcodes(20, random.Random(3), sample)
    assert a == b and len({p for p, _, _ in a}) == 20
    assert all(p.startswith("B") for p, _, _ in a)


@pytest.mark.realdata
def test_vocabulary_codes_exist_in_the_real_code_lists(shared_data):
    cpv = json.loads((shared_data / "codelists" / "cpv2008_en.json").read_text(encoding="utf-8"))
    cpv8 = {code[:8] for code in cpv}
    sic = {r["code"] for r in read_csv(shared_data / "codelists" / "sic2007_companies_house_condensed.csv")}
    for act in scale_vocab.ACTIVITIES:
        assert {c for c, _ in act.cpv} <= cpv8, act.key
        assert set(act.sic) <= sic, act.key


# ----------------------------------------------------------------------------- metrics


def test_ranks_hits_and_mrr_on_hand_cases():
    scores = np.array(
        [
            [0.9, 0.8, 0.1, 0.0],  # relevant {0}: rank 1
            [0.9, 0.8, 0.1, 0.0],  # relevant {2, 3}: best is 2 at rank 3
            [0.5, 0.5, 0.5, 0.1],  # relevant {1}: tied with two others -> mid-rank 2
        ]
    )
    ranks = ev.first_relevant_ranks(scores, [{0}, {2, 3}, {1}])
    assert ranks.tolist() == [1.0, 3.0, 2.0]
    assert ev.hit_at_k(ranks, 1) == pytest.approx(1 / 3)
    assert ev.hit_at_k(ranks, 2) == pytest.approx(2 / 3)
    assert ev.hit_at_k(ranks, 3) == 1.0
    assert ev.mean_reciprocal_rank(ranks) == pytest.approx((1 + 1 / 3 + 1 / 2) / 3)


def test_random_baseline_formulas():
    assert ev.random_hit_at_k(10, 1, 1) == pytest.approx(0.1)
    assert ev.random_hit_at_k(10, 2, 1) == pytest.approx(0.2)
    assert ev.random_hit_at_k(4, 2, 2) == pytest.approx(1 - 1 / 6)
    assert ev.random_mrr(4, 1) == pytest.approx((1 + 1 / 2 + 1 / 3 + 1 / 4) / 4)
    assert ev.random_mrr(3, 3) == pytest.approx(1.0)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(2, 7), r=st.integers(1, 3), k=st.integers(1, 7), seed=st.integers(0, 10_000))
def test_random_formulas_match_simulation(n, r, k, seed):
    r = min(r, n)
    rng = np.random.default_rng(seed)
    sims = 4000
    ranks = []
    for _ in range(sims):
        order = rng.permutation(n)
        ranks.append(1 + int(np.min(np.nonzero(order < r)[0])))
    ranks = np.array(ranks, dtype=float)
    assert ev.random_hit_at_k(n, r, k) == pytest.approx(np.mean(ranks <= k), abs=0.04)
    assert ev.random_mrr(n, r) == pytest.approx(np.mean(1 / ranks), abs=0.04)


def test_bm25_matches_hand_computation():
    docs = ["grounds maintenance grass", "office cleaning", "grass grass"]
    scores = ev.bm25_scores(["grass"], docs)
    n, df = 3, 2
    idf = np.log1p((n - df + 0.5) / (df + 0.5))
    lengths = [3, 2, 2]
    avgdl = sum(lengths) / 3

    def term(tf, dl):
        return idf * tf * 2.2 / (tf + 1.2 * (1 - 0.75 + 0.75 * dl / avgdl))

    assert scores.shape == (1, 3)
    assert scores[0] == pytest.approx([term(1, 3), 0.0, term(2, 2)])
    assert ev.bm25_scores(["unknown words"], docs).tolist() == [[0.0, 0.0, 0.0]]


def test_rank_fusion_prefers_items_both_rankers_like():
    a = np.array([[0.9, 0.8, 0.1, 0.0]])  # ranks 1 2 3 4
    b = np.array([[0.0, 0.9, 0.8, 0.1]])  # ranks 4 1 2 3
    fused = ev.reciprocal_rank_fusion(a, b)
    assert int(np.argmax(fused[0])) == 1


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("Smith & Sons (UK) Ltd", "smith sons"),
        ("SMITH AND SONS LIMITED", "smith sons"),
        ("The Green Works C.I.C.", "green works"),
        ("Ramboll UK Ltd t/a Ramboll", "ramboll"),
        ("Kier Group plc", "kier group"),
        ("", ""),
    ],
)
def test_supplier_name_key(raw, key):
    assert ev.normalise_supplier(raw) == key


def test_time_split_uses_only_earlier_wins(tmp_path):
    path = tmp_path / "awards.csv"
    header = (
        "SUPPLIER_NAME,CONTRACT_TITLE,CONTRACT_DATE,CONTRACT_DESC,CONTRACT_URL,CONTRACT_BUYER,CONTRACT_BUYER_POSTCODE"
    )
    rows = [
        "Acme Ltd,Grass cutting,20200105,Parks grass cutting,u1,Council,B1 1AA",
        "Beta Limited,Cleaning,20200110,Office cleaning,u2,Council,B1 1AA",
        "ACME LIMITED,Hedges,20200801,Hedge cutting,u3,Council,B1 1AA",
        "Gamma Ltd,Hedges,20200801,Hedge cutting,u3,Council,B1 1AA",
        "Gamma Ltd,Catering,20200901,School meals,u4,Council,B1 1AA",
        ",Blank,20200102,No supplier,u5,Council,B1 1AA",
    ]
    path.write_text(header + "\n" + "\n".join(rows) + "\n")
    data = ev.load_awards(path)
    assert data.rows_read == 6 and sum(data.rows_skipped.values()) == 1
    split = ev.time_split(data, ev.DEFAULT_CUTOFF)
    assert split.suppliers == ["acme", "beta"]
    assert [n.key for n in split.test] == ["u3"]  # u4's only winner has no profile
    assert split.relevant == [{0}]


def test_results_markdown_lists_every_figure(tmp_path):
    fig = common.figure("x throughput", 123.4, "texts/s", target=">= 0.95 x floor", ratio=0.97, floor="bare")
    path = common.write_result("demo", [fig], results_dir=tmp_path, machine={"cores": 2, "packages": {"numpy": "2"}})
    text = common.render_results_md(common.load_results(tmp_path))
    assert path.name == "demo.json"
    assert "| x throughput | 123 | texts/s | >= 0.95 x floor | 0.970 | bare |" in text
    timed = common.interleaved_medians({"a": lambda: 1, "b": lambda: 2}, repeats=3)
    assert len(timed["a"]["runs_s"]) == 3 and timed["b"]["last"] == 2
