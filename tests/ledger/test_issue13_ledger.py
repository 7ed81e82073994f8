"""Regression tests for issue 13 (ledger, CSV outputs): one named test per finding.

Fixtures: excerpts of the real Manchester 2021-22 spend file (tests/fixtures/ledger/mcc_excerpts_README.md),
a schema-1 ledger dump made by the code before this fix (ledger_schema1_README.md).
"""

from __future__ import annotations

import csv
import json
import math
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from typer.testing import CliRunner

from procure_match.cli.main import app
from procure_match.csvsafe import neutralise_cell, restore_cell
from procure_match.domain import Award, Money, Supplier, Tender
from procure_match.errors import IngestReport
from procure_match.ledger.contracts import contracts_from_csv, contracts_from_tenders
from procure_match.ledger.linediff import diff_lines, keyed_lines
from procure_match.ledger.model import SpendLine
from procure_match.ledger.spendfiles import parse_spend_file
from procure_match.ledger.store import SCHEMA_VERSION, Ledger
from procure_match.settings import Settings

runner = CliRunner()


def _ledger(*args: object):
    return runner.invoke(app, ["ledger", *map(str, args)])


# ----- item 2: a stray quote swallows lines ------------------------------------------------------
def test_stray_quote_lines_are_reported_by_number_and_not_counted(fixtures):
    path = fixtures / "ledger" / "mcc_stray_quote.csv"
    report = IngestReport()
    parsed = parse_spend_file(path, "council", report=report)
    assert [line.row for line in parsed.lines] == ["2", "3", "24", "25", "26", "27"]
    swallowed = [p for p in report.problems if "read as one record" in p.problem]
    assert [p.record for p in swallowed] == [f"line {n}" for n in range(4, 24)]
    assert all("lines 4-23" in p.problem and p.severity == "skipped" for p in swallowed)
    assert report.records_read == report.records_kept + report.skipped == 26
    assert parsed.lines_skipped == 20
    # no transaction number was taken for an amount: the kept lines are the real payments
    assert sum(line.amount for line in parsed.lines) == pytest.approx(1773.66 + 849.99 + 63125.00 - 44, abs=5e4)
    assert max(line.amount for line in parsed.lines) < 100_000


def test_stray_quote_import_and_check_say_so(fixtures, tmp_path):
    led = tmp_path / "l.sqlite"
    rep = tmp_path / "problems.json"
    r = _ledger(
        "import", fixtures / "ledger" / "mcc_stray_quote.csv", "--kind", "council", "--ledger", led, "--report", rep
    )
    assert r.exit_code == 0, r.output
    assert "6 lines imported" in r.output
    problems = json.loads(rep.read_text())
    assert problems["skipped"] == 20 and problems["records_read"] == 26
    r = _ledger("check", "--ledger", led)
    assert r.exit_code == 0 and "20 reported as problems" in r.output


def test_a_huge_cell_is_a_reported_record_not_a_traceback(tmp_path):
    path = tmp_path / "spend.csv"
    big = "x" * 200_000  # over csv's default 128 KB field limit
    path.write_text(f'Supplier Name,Net Amount\nA Ltd,10.00\n"{big}",5.00\nB Ltd,7.50\n', encoding="utf-8")
    report = IngestReport()
    parsed = parse_spend_file(path, "council", report=report)
    assert [line.supplier for line in parsed.lines] == ["A Ltd", "B Ltd"]
    assert report.skipped == 1 and "200,000 characters" in report.problems[0].problem
    contracts = tmp_path / "contracts.csv"
    contracts.write_text(f'contract_ref,title,value\nC1,"{big}",1000\n', encoding="utf-8")
    r = _ledger("contracts", contracts, "--ledger", tmp_path / "l.sqlite")
    assert r.exit_code == 0 and "1 contract(s) read: 1 new" in r.output, r.output


# ----- item 3: awards sharing an id --------------------------------------------------------------
def _award_tender(ocid: str, supplier: str, value: float, title: str) -> Tender:
    return Tender(
        tender_id=ocid,
        title=title,
        buyer_name="Nottinghamshire PCC",
        awards=(
            Award(
                id="1",
                title=title,
                value=Money(amount=value, currency="GBP", amount_gbp=value),
                suppliers=(Supplier(name=supplier),),
            ),
        ),
    )


def test_awards_sharing_id_1_are_two_contracts(tmp_path):
    tenders = [
        _award_tender("ocds-h6vhtk-06d285", "SWITCH UP C.I.C.", 211_232.0, "Mentoring in Education"),
        _award_tender("ocds-h6vhtk-078217", "BiP Solutions Ltd", 31_715.0, "eSourcing Tendering Platform"),
    ]
    found = contracts_from_tenders(tenders, Settings())
    assert [c.id for c in found] == ["ocds-h6vhtk-06d285/1", "ocds-h6vhtk-078217/1"]
    with Ledger(tmp_path / "l.sqlite") as led:
        tally = led.register_contracts(found, Settings())
        assert tally["new"] == 2 and tally["modified"] == 0
        values = {c["id"]: c["versions"][-1]["value"] for c in led.contracts()}
    assert values == {"ocds-h6vhtk-06d285/1": 211_232.0, "ocds-h6vhtk-078217/1": 31_715.0}


def test_real_find_a_tender_awards_register_as_separate_contracts(shared_data, tmp_path):
    package = shared_data / "ocds" / "uk_fts_2026" / "fts_release_package_limit4_2026-10-06.json"
    led = tmp_path / "l.sqlite"
    r = _ledger("contracts", package, "--ledger", led)
    assert r.exit_code == 0, r.output
    with Ledger(led) as ledger:
        rows = {c["id"]: (c["supplier"], c["versions"][-1]["value"]) for c in ledger.contracts()}
    assert rows["ocds-h6vhtk-06d285/1"] == ("SWITCH UP C.I.C.", 211_232.0)
    assert rows["ocds-h6vhtk-078217/1"] == ("BiP Solutions Ltd", 31_715.0)


def test_a_shared_award_id_in_a_return_is_reported_as_ambiguous(tmp_path):
    tenders = [
        _award_tender("ocds-a", "X Ltd", 1000.0, "A"),
        _award_tender("ocds-b", "Y Ltd", 2000.0, "B"),
    ]
    ret = tmp_path / "return.csv"
    ret.write_text("contract_ref,supplier_name,amount\n1,Z CIC,10\nocds-b/1,Z CIC,20\n", encoding="utf-8")
    report = IngestReport()
    with Ledger(tmp_path / "l.sqlite") as led:
        led.register_contracts(contracts_from_tenders(tenders, Settings()), Settings())
        led.import_spend(parse_spend_file(ret, "return"), "return", report=report)
        by_contract = {e["row"]: e["contract_id"] for e in led.entries()}
    assert by_contract == {"2": None, "3": "ocds-b/1"}
    assert any("names more than one registered contract" in p.problem for p in report.problems)


def _schema1_ledger(fixtures: Path, path: Path) -> Path:
    con = sqlite3.connect(path)
    con.executescript((fixtures / "ledger" / "ledger_schema1_dump.sql").read_text(encoding="utf-8"))
    con.close()
    return path


def test_schema1_ledger_is_upgraded_in_place_and_rekeyed(fixtures, tmp_path):
    path = _schema1_ledger(fixtures, tmp_path / "old.sqlite")
    with Ledger(path) as led:
        version = led.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0]
        assert version == SCHEMA_VERSION == "2"
        legacy = {c["id"]: (c["ref"], c["legacy_key"]) for c in led.contracts()}
        assert legacy == {"1": ("1", 1), "ocds-h6vhtk-06d285/1": ("ocds-h6vhtk-06d285/1", 1)}
        assert led.check() == []
        # the same award registered again moves the old contract, its versions and entries to its full id
        bip = _award_tender(
            "ocds-h6vhtk-078217",
            "BiP Solutions Ltd",
            31_715.0,
            "eSourcing Tendering Platform - Durham Aged Mineworkers' Homes Association",
        )
        bip.buyer_name = "Durham Aged Mineworkers' Homes Association"
        tally = led.register_contracts(contracts_from_tenders([bip], Settings()), Settings())
        assert tally["re-keyed"] == 1 and tally["unchanged"] == 1 and tally["new"] == 0
        ids = {c["id"] for c in led.contracts()}
        assert ids == {"ocds-h6vhtk-078217/1", "ocds-h6vhtk-06d285/1"}
        moved = [e for e in led.entries() if e["contract_ref"] == "1"]
        assert moved and {e["contract_id"] for e in moved} == {"ocds-h6vhtk-078217/1"}
        assert led.check() == []
    r = _ledger("check", "--ledger", path)
    assert r.exit_code == 0, r.output


# ----- item 5: overlapping spend files -----------------------------------------------------------
def test_overlapping_monthly_file_payments_are_duplicates_not_counted(fixtures, tmp_path):
    f = fixtures / "ledger"
    led, rep = tmp_path / "l.sqlite", tmp_path / "p.json"
    r = _ledger(
        "import",
        f / "mcc_annual_excerpt.csv",
        f / "mcc_2021-04_monthly_excerpt.csv",
        "--kind",
        "council",
        "--ledger",
        led,
        "--report",
        rep,
    )
    assert r.exit_code == 0, r.output
    assert "mcc_annual_excerpt.csv: 30 lines imported" in r.output
    assert "2 lines imported" in r.output and "10 duplicate payment(s)" in r.output
    problems = json.loads(rep.read_text())
    dupes = [p for p in problems["problems"] if p["action"] == "not counted (duplicate)"]
    assert len(dupes) == 10 and all("mcc_annual_excerpt.csv line" in p["record"] for p in dupes)
    assert problems["records_read"] == problems["records_kept"] + problems["skipped"] == 42
    with Ledger(led) as ledger:
        live = ledger.conn.execute("SELECT COUNT(*), SUM(amount) FROM live_entries").fetchone()
    annual = parse_spend_file(f / "mcc_annual_excerpt.csv", "council")
    monthly = parse_spend_file(f / "mcc_2021-04_monthly_excerpt.csv", "council")
    assert live[0] == 32
    assert live[1] == pytest.approx(sum(x.amount for x in annual.lines) + sum(x.amount for x in monthly.lines[-2:]))
    r = _ledger("check", "--ledger", led)
    assert r.exit_code == 0 and "10 duplicates of payments in other files" in r.output


def test_check_flags_a_payment_live_from_two_files(tmp_path):
    lines = [SpendLine(row="2", supplier="Npower", amount=10.0, date=date(2021, 4, 1), buyer="MCC", transaction="7")]
    with Ledger(tmp_path / "l.sqlite") as led:
        from tests.ledger.test_ledger_store import _parsed

        pf = _parsed("a.csv", [])
        pf.lines = lines
        led.import_spend(pf, "council")
        # what an import before this fix did: the same payment from another file, counted again
        led.conn.execute(
            "INSERT INTO entries (import_id, kind, source_key, sha256, row, content_key, occurrence, buyer,"
            " supplier, supplier_key, amount, date, transaction_ref) SELECT import_id, kind, 'council:b.csv',"
            " sha256, row, content_key, occurrence, buyer, supplier, supplier_key, amount, date, transaction_ref"
            " FROM entries WHERE id = 1"
        )
        assert [b.invariant for b in led.check() if b.invariant == "each payment counted once"] == [
            "each payment counted once"
        ]


_amounts = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(lambda x: round(x, 2))


@hsettings(max_examples=150, deadline=None)
@given(
    old=st.lists(st.tuples(st.sampled_from("ABCD"), _amounts), max_size=8),
    new=st.lists(st.tuples(st.sampled_from("ABCD"), _amounts), max_size=8),
)
def test_line_diff_applied_to_the_old_version_gives_the_new_one(old, new):
    def lines(pairs):
        return [SpendLine(row=str(i), supplier=s, amount=a) for i, (s, a) in enumerate(pairs)]

    previous = {k: {"amount": ln.amount, "row": ln.row, "key": k} for k, ln in keyed_lines(lines(old)).items()}
    current = keyed_lines(lines(new))
    diff = diff_lines(previous, current)
    reversed_keys = [e["key"] for e in diff.to_reverse]
    live = {k: v["amount"] for k, v in previous.items() if k not in reversed_keys}
    for k, line in diff.to_add:
        assert k not in live  # never two live entries for one key
        live[k] = line.amount
    assert live.keys() == current.keys()
    assert all(abs(live[k] - current[k].amount) <= 0.004 for k in live)
    assert len(diff.added) + len(diff.changed) + diff.unchanged == len(current)
    assert len(reversed_keys) == len(set(reversed_keys))


# ----- item 8: CSV formula injection -------------------------------------------------------------
_formula_text = st.text(alphabet=st.sampled_from("=+-@\t\r'a1 ,\"."), max_size=8)


@hsettings(max_examples=300, deadline=None)
@given(_formula_text)
def test_neutralised_cells_round_trip_and_never_start_a_formula(text):
    cell = neutralise_cell(text)
    assert restore_cell(cell) == text
    if cell and cell[0] in "=+-@\t\r":
        float(cell.replace(",", ""))  # only a plain number may start so


def test_formula_injection_neutralised_in_every_ledger_csv_and_review_round_trip(tmp_path):
    led, out, queue = tmp_path / "l.sqlite", tmp_path / "report", tmp_path / "queue.csv"
    contracts = tmp_path / "contracts.csv"
    contracts.write_text(
        'contract_ref,title,buyer,supplier,value,cpv\n=HYPERLINK("x"),@SUM(1),+Council,-Builder,1000000,45000000\n',
        encoding="utf-8",
    )
    directory = tmp_path / "dir.csv"
    directory.write_text("name,postcode\n=Green Garden Growers Co-operative,B1 1AA\n", encoding="utf-8")
    spend = tmp_path / "spend.csv"
    spend.write_text(
        'contract_ref,supplier_name,amount\n=HYPERLINK("x"),=Green Garden Growers Co-operative,100\n'
        '=HYPERLINK("x"),=Green Garden Group,50\n',
        encoding="utf-8",
    )
    assert _ledger("contracts", contracts, "--ledger", led).exit_code == 0
    r = _ledger("import", spend, "--kind", "return", "--directory", directory, "--ledger", led)
    assert r.exit_code == 0, r.output
    assert _ledger("report", "--out", out, "--ledger", led, "--as-of", "2022-01-01").exit_code == 0
    for name in ("ledger_contracts.csv", "ledger_buyers.csv", "ledger_enterprises.csv", "ledger_categories.csv"):
        for row in csv.reader((out / name).open(encoding="utf-8")):
            bad = [c for c in row if c[:1] in ("=", "+", "@", "\t", "\r") or (c[:1] == "-" and not _number(c))]
            assert not bad, (name, bad)
    contracts_csv = (out / "ledger_contracts.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in contracts_csv and "1000000" in contracts_csv
    json.loads((out / "ledger_progress.json").read_text())  # JSON keeps the original text
    assert '=HYPERLINK(\\"x\\")' in (out / "ledger_progress.json").read_text()
    r = _ledger("review", "--out", queue, "--ledger", led)
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(queue.open(encoding="utf-8")))
    assert rows and rows[0]["supplier_name"] == "'=Green Garden Group"
    rows[0]["decision"] = "accept"
    with queue.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    r = _ledger("confirm", queue, "--ledger", led)
    assert r.exit_code == 0 and "1 accepted" in r.output, r.output
    with Ledger(led) as ledger:
        names = {row["supplier_name"] for row in ledger.conn.execute("SELECT supplier_name FROM resolutions")}
    assert "=Green Garden Group" in names and not any(n.startswith("'") for n in names)


def _number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def test_matches_csv_neutralises_names(tmp_path):
    from procure_match.outputs import write_matches_csv

    row = {
        "tender_id": "T1",
        "lot_id": None,
        "tender_title": "=cmd|'/c calc'!A1",
        "lot_title": None,
        "enterprise_id": "E1",
        "enterprise_name": "@SUM(A1)",
        "rank": 1,
        "score": -0.25,
        "fit": 0.5,
        "eligible": True,
        "status": "ok",
        "failed_rules": [],
        "unverified": ["-certifications"],
        "parts": {"cosine": -0.1},
        "reasons": ["+1 reason"],
        "stage": "tender",
        "delivery": {},
    }
    write_matches_csv([row], tmp_path / "m.csv")
    header, cells = list(csv.reader((tmp_path / "m.csv").open(encoding="utf-8")))
    got = dict(zip(header, cells, strict=True))
    assert got["tender_title"] == "'=cmd|'/c calc'!A1" and got["enterprise_name"] == "'@SUM(A1)"
    assert got["reasons"] == "'+1 reason" and got["score"] == "-0.25" and got["part_cosine"] == "-0.1"
    assert got["unverified"] == "'-certifications"


def test_every_csv_writer_goes_through_the_neutralising_helper():
    root = Path(__file__).resolve().parents[2] / "procure_match"
    offenders = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if p.name != "csvsafe.py"
        and any(s in p.read_text(encoding="utf-8") for s in ("csv.writer(", "csv.DictWriter(", ".to_csv("))
    ]
    assert offenders == []


# ----- item 10: non-finite and absurd amounts ----------------------------------------------------
def test_non_finite_and_absurd_spend_amounts_are_problems_and_json_stays_valid(tmp_path):
    spend = tmp_path / "spend.csv"
    spend.write_text(
        "Supplier Name,Net Amount\nA Ltd,1e308\nB Ltd,1e308\nC Ltd,inf\nD Ltd,nan\nE Ltd,-2e9\nF Ltd,12.50\n",
        encoding="utf-8",
    )
    led, out = tmp_path / "l.sqlite", tmp_path / "out"
    r = _ledger("import", spend, "--kind", "council", "--ledger", led)
    assert r.exit_code == 0 and "1 lines imported, net £12.50" in r.output, r.output
    assert _ledger("check", "--ledger", led).exit_code == 0
    assert _ledger("report", "--out", out, "--ledger", led).exit_code == 0
    json.loads((out / "ledger_progress.json").read_text(), parse_constant=_no_constant)
    report = IngestReport()
    parse_spend_file(spend, "council", report=report)
    assert report.skipped == 5 and sum("max_line_amount" in p.problem for p in report.problems) == 3


def _no_constant(name: str) -> float:
    raise AssertionError(f"{name} in JSON")


def test_negative_zero_and_absurd_contract_values(tmp_path):
    path = tmp_path / "contracts.csv"
    path.write_text(
        "contract_ref,title,value\nNEG,a,-125000\nZERO,b,0\nHUGE,c,1.7e308\nINF,d,inf\nOK,e,125000\n",
        encoding="utf-8",
    )
    report = IngestReport()
    found = {c.id: c.value for c in contracts_from_csv(path, Settings(), report)}
    assert found == {"ZERO": None, "OK": 125_000.0}  # zero is "not stated": registered without a value
    problems = {p.record: (p.problem, p.severity) for p in report.problems}
    assert "negative" in problems["row 2"][0] and problems["row 2"][1] == "skipped"
    assert "not stated" in problems["row 3"][0] and problems["row 3"][1] == "repaired"
    assert "max_contract_value" in problems["row 4"][0] and "not a number" in problems["row 5"][0]
    assert report.records_read == report.records_kept + report.skipped == 5
    led, out = tmp_path / "l.sqlite", tmp_path / "out"
    assert _ledger("contracts", path, "--ledger", led).exit_code == 0
    assert _ledger("report", "--out", out, "--ledger", led).exit_code == 0
    data = json.loads((out / "ledger_progress.json").read_text(), parse_constant=_no_constant)
    assert all((c["target_amount"] or 0) >= 0 for c in data["contracts"])


def test_a_non_finite_amount_already_in_a_ledger_is_a_breach_and_a_clear_report_error(tmp_path):
    led, out = tmp_path / "l.sqlite", tmp_path / "out"
    spend = tmp_path / "s.csv"
    spend.write_text("Supplier Name,Net Amount\nA Ltd,5\n", encoding="utf-8")
    assert _ledger("import", spend, "--kind", "council", "--ledger", led).exit_code == 0
    con = sqlite3.connect(led)
    con.execute("UPDATE entries SET amount = 9e999")  # what two 1e308 lines summed to before the bound
    con.commit()
    con.close()
    r = _ledger("check", "--ledger", led)
    assert r.exit_code == 1 and "amounts are finite" in r.output
    r = _ledger("report", "--out", out, "--ledger", led)
    assert r.exit_code == 2 and "not a finite number" in r.output and "Traceback" not in r.output


# ----- item 11: paths that cannot be written ------------------------------------------------------
def test_unwritable_report_path_stops_before_the_import_commits(fixtures, tmp_path):
    led = tmp_path / "l.sqlite"
    spend = fixtures / "ledger" / "mcc_annual_excerpt.csv"
    for bad in (tmp_path, tmp_path / "missing" / "p.json"):
        r = _ledger("import", spend, "--kind", "council", "--ledger", led, "--report", bad)
        assert r.exit_code == 2 and "--report" in r.output and "Traceback" not in r.output, r.output
    r = _ledger("import", spend, "--kind", "council", "--ledger", led)
    assert "30 lines imported" in r.output  # nothing was committed by the refused runs


def test_ledger_paths_under_a_file_or_a_folder_are_one_line_errors(tmp_path, monkeypatch):
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    for args in (["--ledger", blocker / "l.sqlite"], ["--ledger", tmp_path]):
        r = _ledger("check", *args)
        assert r.exit_code == 2 and "error:" in r.output and len(r.output.strip().splitlines()) <= 3, r.output
    monkeypatch.setenv("PROCURE_MATCH_HOME", str(blocker / "home"))
    r = _ledger("check")
    assert r.exit_code == 2 and "PROCURE_MATCH_HOME" in r.output


def test_set_target_and_trace_take_a_unique_award_id_and_refuse_a_shared_one(tmp_path):
    led = tmp_path / "l.sqlite"
    tenders = [_award_tender(f"ocds-{x}", "X Ltd", 1000.0, x) for x in "abc"]
    tenders[1].awards = (Award(id="B-7", value=Money(amount=2000.0, currency="GBP", amount_gbp=2000.0)),)
    with Ledger(led) as ledger:
        ledger.register_contracts(contracts_from_tenders(tenders, Settings()), Settings())
    r = _ledger("set-target", "B-7", "2.5", "--ledger", led)
    assert r.exit_code == 0 and "Target for ocds-b/B-7 set to 2.5%" in r.output, r.output
    assert _ledger("trace", "B-7", "--ledger", led).exit_code == 0
    r = _ledger("set-target", "1", "2.5", "--ledger", led)
    assert r.exit_code == 2 and "'1' names 2 contracts (ocds-a/1, ocds-c/1)" in r.output, r.output


def test_stray_quote_in_a_contract_csv_reports_the_swallowed_rows(fixtures, tmp_path):
    text = (fixtures / "ledger" / "contracts.csv").read_text(encoding="utf-8")
    text = text.replace(",Sandwell Aquatics", ',"Sandwell Aquatics')  # runs on to the end of the file
    text += 'BCC-2021-005,"Canal towpath, phase 2",Birmingham City Council,Towpath Ltd,400000,GBP,,,45233000,\n'
    text += "BCC-2021-006,Kerbs,Birmingham City Council,Kerb Ltd,10000,GBP,,,45233000,\n"
    path = tmp_path / "contracts.csv"
    path.write_text(text, encoding="utf-8")
    report = IngestReport()
    found = [c.id for c in contracts_from_csv(path, Settings(), report)]
    assert found == ["BCC-2021-001", "BCC-2021-006"]
    swallowed = [p.record for p in report.problems if "read as one record" in p.problem]
    assert swallowed == ["line 3", "line 4", "line 5", "line 6"]
    assert report.records_read == report.records_kept + report.skipped == 6
    # a multi-paragraph description is not a stray quote
    path.write_text(
        'contract_ref,title,value\nC1,"Para one.\nPara two.\nPara three.\nPara four.",1000\nC2,t,5\n',
        encoding="utf-8",
    )
    assert [c.id for c in contracts_from_csv(path, Settings())] == ["C1", "C2"]
