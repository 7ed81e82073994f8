"""Inferred CPV codes and enrichment files (issue 11, item 5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from procure_match.cli.main import app
from procure_match.domain import Enterprise
from procure_match.errors import IngestReport, InputFileError
from procure_match.ingest.directory import load_directory
from procure_match.ingest.profile import enrich, infer_cpv, load_enrichment
from procure_match.profiles import profile_lines, size_text
from procure_match.reference.services import families_for_sic, notice_services
from procure_match.scoring.rules import cpv_part
from procure_match.settings import Settings

ECONOMY_HEADER = (
    '"CUK Organisation ID","Registered Name","Turnover","Profit before tax","Member/Shareholder Funds",'
    '"Memberships","Employees","Is Most Recent?","Year End Date","Economic Year"\n'
)


def test_sic_concordance_and_description_words():
    assert [f.key for f in families_for_sic("81210")] == ["cleaning"]
    assert [f.key for f in families_for_sic("81200")] == ["cleaning"]  # a class padded to five digits
    assert families_for_sic("94990") == []  # no clear CPV counterpart: left out, not guessed
    codes, sources = infer_cpv(Enterprise(id="x", name="X", sic_codes=("56290",), description="We do gardening."))
    assert "55520000" in codes and sources[codes.index("55520000")] == "SIC 56290"
    assert "77314000" in codes and sources[codes.index("77314000")] == "the description: 'gardening'"


def test_declared_codes_are_not_repeated_as_inferred():
    codes, _ = infer_cpv(Enterprise(id="x", name="X", sic_codes=("81210",), cpv_codes=("90910000",)))
    assert "90910000" not in codes


def test_notice_services_ignore_boilerplate_words():
    fm = notice_services(("79993000",), "Soft FM", "Cleaning, grounds maintenance and catering for the centre.")
    assert [e.family.key for e in fm] == ["cleaning", "grounds", "catering"]
    # "training" and "youth services" name boilerplate or the client, not a service line
    assert [e.family.key for e in notice_services(("72413000",), "Website for youth services", "Staff training.")] == [
        "it"
    ]


def test_inferred_cpv_is_a_weaker_feature_with_its_source():
    declared = cpv_part(("90911200",), ("90911200",), ("55520000",), ("SIC 56290",), 0.6)
    assert declared.value == 1.0 and declared.weight_factor == 1.0
    inferred = cpv_part(("90911200",), (), ("55520000", "90911200"), ("SIC 56290", "SIC 81210"), 0.6)
    assert inferred.value == 1.0 and inferred.weight_factor == 0.6
    assert "inferred from SIC 81210" in inferred.sentence and "0.6x the CPV weight" in inferred.sentence
    unknown = cpv_part(("90911200",), (), (), (), 0.6)
    assert unknown.value is None  # nothing declared or inferred: unknown, not zero


def test_weaker_weight_lowers_the_cpv_share_of_the_score():
    from procure_match.scoring.rank import build_candidate
    from procure_match.scoring.rules import semantic_similarity

    weights = {"semantic": 0.6, "cpv": 0.25}
    outs = [semantic_similarity(0.5), cpv_part(("90911200",), (), ("90911200",), ("SIC 81210",), 0.6)]
    cand = build_candidate("t", None, "e", outs, weights)
    assert cand.score == pytest.approx((0.6 * 0.5 + 0.15 * 1.0) / 0.75)


def test_enrichment_uses_the_latest_year_and_never_replaces_recorded_turnover(tmp_path):
    path = tmp_path / "economy.csv"
    path.write_text(
        ECONOMY_HEADER
        + '"R1","A","1000","","","","2","0","2014-03-31 00:00:00","2015"\n'
        + '"R1","A","1500","","","","3","1","2015-03-31 00:00:00","2016"\n'
        + '"R2","B","","","","","","1","2015-03-31 00:00:00","2016"\n'
        + '"R3","C","9999","","","","","1","2015-03-31 00:00:00","2016"\n',
        encoding="utf-8",
    )
    records = load_enrichment(path)
    assert records["R1"].turnover == 1500 and records["R1"].employees == 3 and "R2" not in records
    ents = [
        Enterprise(id="R1", name="A"),
        Enterprise(id="x", name="C", registration_ids=("GB-MPR-R3",)),
        Enterprise(id="R3", name="C2", turnover=5.0),
    ]
    report = IngestReport()
    enrich(ents, records, report)
    assert size_text(ents[0]) == "turnover £1.5k, 3 employees (2015-03-31, economy.csv)"
    assert ents[1].turnover == 9999  # joined on the registration number
    assert ents[2].turnover == 5.0 and size_text(ents[2]) == "turnover £5 (the directory)"
    assert report.counts["directory:size_from_enrichment"] == 2
    assert size_text(Enterprise(id="y", name="Y")) == "size unknown"


def test_enrichment_file_without_the_columns_names_the_fix(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("name,notes\nA,b\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="no id column"):
        load_enrichment(path)


def test_scan_enrich_option_checks_the_file(tmp_path):
    fix = Path(__file__).resolve().parent.parent / "fixtures" / "scan"
    args = ["scan", "--notices", str(fix / "notices.json"), "--directory", str(fix / "directory.csv")]
    result = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "o"), "--enrich", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2 and "nope.csv" in result.output


@pytest.mark.realdata
def test_worker_coops_enriched_from_the_2016_economy_data(shared_data):
    settings = Settings()
    settings.directory.enrichment = [str(shared_data / "orgs" / "coops_uk_2016_economy.csv")]
    ents, report = load_directory(shared_data / "orgs" / "workers_coop_2023-06-23_with_descriptions.csv", settings)
    enriched = [e for e in ents if e.size_source]
    assert report.counts["directory:size_from_enrichment"] == len(enriched) >= 150
    assert all("coops_uk_2016_economy.csv" in e.size_source for e in enriched)
    lines = profile_lines(enriched[0])
    assert any(line.startswith("Size: ") and "coops_uk_2016_economy.csv" in line for line in lines)
