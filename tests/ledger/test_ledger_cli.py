"""The ledger commands end to end through typer's CliRunner, on the bundled fixtures."""

from __future__ import annotations

import csv
import json

import pytest
from typer.testing import CliRunner

from procure_match.cli.main import app

runner = CliRunner()


@pytest.fixture
def ledger(tmp_path):
    return str(tmp_path / "ledger.sqlite")


def _run(*args):
    return runner.invoke(app, ["ledger", *map(str, args)])


def _setup(fixtures, ledger):
    f = fixtures / "ledger"
    r = _run("contracts", f / "contracts.csv", f / "contracts_modified.csv", "--ledger", ledger)
    assert r.exit_code == 0, r.output
    assert "4 new, 1 modified" in r.output
    r = _run("import", f / "return_q1.csv", "--kind", "return", "--directory", f / "directory.csv", "--ledger", ledger)
    assert r.exit_code == 0, r.output
    assert "return_q1.csv: 9 lines imported" in r.output
    return f


def test_import_twice_then_corrected_then_check(fixtures, ledger):
    f = _setup(fixtures, ledger)
    r = _run("import", f / "return_q1.csv", "--kind", "return", "--ledger", ledger)
    assert r.exit_code == 0 and "already imported on" in r.output and "0 new entries" in r.output
    r = _run(
        "import",
        f / "corrected" / "return_q1.csv",
        "--kind",
        "return",
        "--directory",
        f / "directory.csv",
        "--ledger",
        ledger,
    )
    assert r.exit_code == 0, r.output
    assert "1 rows added, 1 removed (reversed), 1 amounts changed, 7 unchanged" in r.output
    assert "Greenworks CIC: £45,000.00 -> £47,000.00" in r.output
    r = _run("check", "--ledger", ledger)
    assert r.exit_code == 0 and "all invariants hold" in r.output


def test_trace_sums_to_report_figure(fixtures, ledger, tmp_path):
    f = _setup(fixtures, ledger)
    r = _run(
        "import",
        f / "council_2022-01_cp1252_cr.csv",
        "--kind",
        "council",
        "--directory",
        f / "directory.csv",
        "--ledger",
        ledger,
    )
    assert r.exit_code == 0, r.output
    out = tmp_path / "rep"
    r = _run("report", "--out", out, "--as-of", "2021-12-31", "--ledger", ledger)
    assert r.exit_code == 0, r.output
    data = json.loads((out / "ledger_progress.json").read_text())
    c1 = next(c for c in data["contracts"] if c["id"] == "BCC-2021-001")
    # 45,000 (id) + 30,000 - 2,500 (exact name, credit) + 12,000 (fuzzy) ; plant hire and redacted not counted
    assert c1["se_spend"] == 84_500.0 and c1["target_amount"] == 124_000.0
    assert c1["target_explanation"].startswith("1% of £12,400,000 current value (modified 2022-03-01 from £12,000,000)")
    r = _run("trace", "BCC-2021-001", "--ledger", ledger)
    assert r.exit_code == 0, r.output
    assert "£84,500.00" in r.output and "reversed" not in r.output and "redacted" in r.output
    html = (out / "ledger_report.html").read_text()
    assert "<svg" in html and "Perry Barr residential scheme" in html and "http" not in html.split("<body>")[1][:200]
    with (out / "ledger_buyers.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    bcc = next(r for r in rows if r["name"] == "Birmingham City Council")
    assert float(bcc["buyer_level_spend"]) == 5470.0  # the council file: not inside any contract target
    assert (out / "settings.toml").is_file()


def test_review_and_confirm(fixtures, ledger):
    f = _setup(fixtures, ledger)
    r = _run("import", f / "return_q2.csv", "--kind", "return", "--directory", f / "directory.csv", "--ledger", ledger)
    assert r.exit_code == 0, r.output
    queue = ledger.replace("ledger.sqlite", "queue.csv")
    r = _run("review", "--out", queue, "--ledger", ledger)
    assert r.exit_code == 0 and "2 supplier(s) to review" in r.output
    with open(queue, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["supplier_name"]: r["suggested_enterprise_id"] for r in rows} == {
        "Bham Community Builders": "R000002",
        "Ladywood Landscaping": "R000003",
    }
    assert all(r["decision"] == "" for r in rows)
    for row in rows:
        row["decision"] = "accept" if row["supplier_name"].startswith("Bham") else "reject"
    with open(queue, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    r = _run("confirm", queue, "--ledger", ledger)
    assert r.exit_code == 0 and "1 accepted, 1 rejected" in r.output
    r = _run("review", "--out", queue, "--ledger", ledger)
    assert "0 supplier(s) to review" in r.output
    r = _run("trace", "BCC-2021-001", "--ledger", ledger)
    assert "accepted (manual)" in r.output and "£88,500.00" in r.output  # 84,500 + 4,000 confirmed


def test_set_target_and_unknown_contract(fixtures, ledger, tmp_path):
    _setup(fixtures, ledger)
    r = _run("set-target", "BCC-2021-002", "3", "--ledger", ledger)
    assert r.exit_code == 0, r.output
    r = _run("report", "--out", tmp_path / "r", "--as-of", "2021-12-31", "--ledger", ledger)
    data = json.loads((tmp_path / "r" / "ledger_progress.json").read_text())
    c2 = next(c for c in data["contracts"] if c["id"] == "BCC-2021-002")
    assert c2["target_amount"] == 75_000.0 and c2["target_pct"] == 3.0
    r = _run("set-target", "NOPE", "3", "--ledger", ledger)
    assert r.exit_code == 2 and "no contract 'NOPE'" in r.output
    r = _run("trace", "NOPE", "--ledger", ledger)
    assert r.exit_code == 2


def test_errors_are_one_line_with_a_fix(tmp_path, ledger):
    r = _run("import", tmp_path / "missing.csv", "--kind", "council", "--ledger", ledger)
    assert r.exit_code == 2 and "file not found" in r.output and "Fix:" in r.output
    r = _run("import", tmp_path / "missing.csv", "--kind", "bogus", "--ledger", ledger)
    assert r.exit_code == 2 and "--kind return" in r.output
    r = _run("report", "--out", tmp_path, "--as-of", "yesterday", "--ledger", ledger)
    assert r.exit_code == 2 and "YYYY-MM-DD" in r.output


def test_user_text_is_escaped_in_html(tmp_path, ledger):
    c = tmp_path / "c.csv"
    c.write_text(
        "contract_ref,title,buyer,value,start,end,cpv\n"
        'X<1>,"<script>alert(1)</script>",<b>Council</b>,100000,2021-01-01,2022-01-01,45000000\n',
        encoding="utf-8",
    )
    assert _run("contracts", c, "--ledger", ledger).exit_code == 0
    r = _run("report", "--out", tmp_path / "r", "--ledger", ledger)
    assert r.exit_code == 0, r.output
    html = (tmp_path / "r" / "ledger_report.html").read_text()
    assert "<script>" not in html and "&lt;script&gt;" in html and "<b>Council" not in html


def test_every_ledger_command_has_help_with_example():
    for cmd in ("contracts", "import", "set-target", "review", "confirm", "check", "report", "trace"):
        r = _run(cmd, "--help")
        assert r.exit_code == 0 and "Example" in r.output, cmd


def test_check_exits_non_zero_and_prints_each_breach(fixtures, ledger):
    import sqlite3

    _setup(fixtures, ledger)
    con = sqlite3.connect(ledger)
    con.execute("UPDATE imports SET net_amount = net_amount + 1")  # what a bug (or a hand edit) would do
    con.execute(
        "INSERT INTO entries (import_id, kind, reverses, source_key, sha256, row, content_key, occurrence,"
        " supplier, supplier_key, amount) VALUES (1, 'reversal', 999, 's', 'h', '1', 'k', 0, 'X', 'x', -1)"
    )
    con.commit()
    con.close()
    r = _run("check", "--ledger", ledger)
    assert r.exit_code == 1
    assert "BREACH [totals reconcile]" in r.output and "BREACH [reversals net to zero]" in r.output
    assert "missing entry 999" in r.output


def test_directory_given_later_resolves_earlier_lines(fixtures, ledger):
    f = fixtures / "ledger"
    council = f / "council_2022-01_cp1252_cr.csv"
    r = _run("import", council, "--kind", "council", "--ledger", ledger)
    assert r.exit_code == 0 and "5 lines imported (1 credits)" in r.output
    r = _run("import", council, "--kind", "council", "--directory", f / "directory.csv", "--ledger", ledger)
    assert r.exit_code == 0, r.output
    assert "0 new entries" in r.output and "earlier lines resolved now: accepted 2, none 2" in r.output
    r = _run("check", "--ledger", ledger)
    assert r.exit_code == 0
