"""Bid briefs, digest and consortia.json: golden outputs, valid and escaped HTML, file names, dates."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from html_check import check_html
from hypothesis import given, settings
from hypothesis import strategies as st
from scan_sample import EVIL_TITLE, SCANNED_AT, sample_scan

from procure_match.consortium import form_teams
from procure_match.domain import Tender
from procure_match.reports import write_all
from procure_match.reports.context import (
    brief_context,
    brief_stem,
    days_between,
    digest_context,
    matching_phrases,
    money_text,
    next_steps,
    safe_stem,
    safe_url,
)
from procure_match.reports.render import md_escape, render
from procure_match.settings import Settings

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "reports"


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"{path} missing: run with UPDATE_GOLDEN=1 to create it"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from golden (UPDATE_GOLDEN=1 to accept)"


@pytest.fixture(scope="module")
def scan_and_teams():
    result = sample_scan()
    return result, form_teams(result, Settings())


def test_brief_golden(scan_and_teams):
    result, teams = scan_and_teams
    best = next(t for t in teams if t.tender_id == "ocds-b5fd17-hub-001" and t.alternative == 0)
    context = brief_context(result, best, Settings())
    golden("brief.md", render("brief.md.j2", context))
    golden("brief.html", render("brief.html.j2", context))


def test_digest_golden(scan_and_teams):
    result, teams = scan_and_teams
    context = digest_context(result, teams, Settings())
    golden("digest.md", render("digest.md.j2", context))
    golden("digest.html", render("digest.html.j2", context))


def test_write_all_outputs_valid_escaped_html(tmp_path):
    written = write_all(sample_scan(), tmp_path / "out", Settings())
    out = tmp_path / "out"
    assert written["consortia"] == out / "consortia.json"
    briefs = sorted(p.name for p in (out / "briefs").iterdir())
    assert briefs == sorted(
        f"ocds-b5fd17-{stem}.{ext}"
        for stem in ("hub-001-1", "hub-001-2", "hub-001-3", "web-002-1")
        for ext in ("md", "html")
    )
    htmls = [out / "digest.html", *(out / "briefs").glob("*.html")]
    for path in htmls:
        html = path.read_text(encoding="utf-8")
        parser = check_html(html)
        assert "<script>" not in html and "<b>Bold" not in html
        assert all(h.startswith(("https://", "#", "briefs/", "ocds-")) for h in parser.hrefs), parser.hrefs
        assert not any(h.startswith("javascript") for h in parser.hrefs)
        if "hub-001" in path.name or path.name == "digest.html":
            assert EVIL_TITLE in "".join(parser.text)  # shown as text, exactly as published
    for path in [out / "digest.md", *(out / "briefs").glob("*.md")]:
        text = path.read_text(encoding="utf-8")
        assert "<script>" not in text and "<b>" not in text
    # every brief the digest links to exists
    digest = (out / "digest.html").read_text(encoding="utf-8")
    for href in check_html(digest).hrefs:
        if href.startswith("briefs/"):
            assert (out / href).is_file()


def test_consortia_json_fields(tmp_path):
    write_all(sample_scan(), tmp_path, Settings())
    records = json.loads((tmp_path / "consortia.json").read_text(encoding="utf-8"))
    required = {
        "tender_id",
        "members",
        "lead",
        "assignment",
        "combined_turnover",
        "score",
        "reasons",
        "gaps",
        "alternative",
    }
    assert all(required <= set(r) for r in records)
    hub = [r for r in records if r["tender_id"] == "ocds-b5fd17-hub-001"]
    assert [r["alternative"] for r in hub] == [0, 1, 2]
    assert hub[0]["lead"] == "GB-COH-00000001" and hub[0]["gaps"] == []
    assert hub[0]["assignment"] == {"lot:1": "GB-COH-00000001", "lot:2": "GB-COH-00000002", "lot:3": "GB-COH-00000003"}
    assert hub[0]["combined_turnover"] == 1_150_000
    gas = next(r for r in records if r["tender_id"] == "ocds-b5fd17-gas/003")
    assert gas["members"] == [] and gas["brief"] is None
    assert gas["gaps"] == [
        "every candidate for 'Building installation work (CPV group 453)' fails certification: "
        "needs CHAS, Constructionline or SafeContractor"
    ]


def test_digest_sections(scan_and_teams):
    result, teams = scan_and_teams
    ctx = digest_context(result, teams, Settings())
    # a new notice nothing fits is counted, not listed
    assert ctx["counts"]["new_not_listed"] == 1
    assert [(c["kind"], c["id"]) for c in ctx["changes"]] == [
        ("new", "ocds-b5fd17-web-002"),
        ("changed", "ocds-b5fd17-hub-001"),
        ("withdrawn", "ocds-b5fd17-old-009"),
    ]
    # a notice whose every candidate is ineligible on evidence is listed once, under "nothing fits", never as closing
    assert [n["id"] for n in ctx["closing"]] == ["ocds-b5fd17-hub-001"]
    assert [n["id"] for n in ctx["nothing_fits"]] == ["ocds-b5fd17-gas/003"]
    assert ctx["nothing_fits"][0]["nearest"]["why"]  # its best candidate and why it falls short
    assert ctx["counts"]["teams"] == 4 and ctx["counts"]["nothing_fits"] == 1
    # best opportunities first: ordered by their best fit
    fits = [n["best_fit"] for n in ctx["notices"]]
    assert fits == sorted(fits, reverse=True) and all(n["fits"] for n in ctx["notices"])
    roofers = next(e for e in ctx["enterprises"] if e["id"] == "GB-COH-00000001")
    assert [t["role"] for t in roofers["teams"]] == ["lead", "partner"]
    # ineligible matches are not forwarded to the enterprise
    handy = next(e for e in ctx["enterprises"] if e["id"] == "GB-COH-00000005")
    assert all(m["status"] != "ineligible" for m in handy["matches"])
    assert [c["name"] for c in ctx["consortia"]] == ["Brum Build Consortium"]


def test_next_steps_never_before_today():
    t = Tender(tender_id="x", deadline=datetime(2026, 11, 30, 12, 0, tzinfo=UTC))
    steps = next_steps(t, SCANNED_AT, Settings())
    assert [s["when"] for s in steps] == [
        "Tue 24 Nov 2026",
        "Tue 24 Nov 2026 (already late)",
        "Tue 24 Nov 2026 (already late)",
        "Mon 30 Nov 2026, 12:00",
    ]
    later = next_steps(Tender(tender_id="y", deadline=datetime(2027, 1, 20)), SCANNED_AT, Settings())
    assert [s["when"] for s in later[1:3]] == ["Wed 6 Jan 2027", "Sun 10 Jan 2027"]


def test_days_between_mixes_aware_and_naive():
    assert days_between(SCANNED_AT, datetime(2026, 12, 4, 12)) == 10
    assert days_between(SCANNED_AT, datetime(2026, 11, 20, tzinfo=UTC)) == -4


def test_small_helpers():
    assert safe_stem("ocds-b5fd17-hub-001") == "ocds-b5fd17-hub-001"
    assert safe_stem("a/b") != safe_stem("a:b") and "/" not in safe_stem("a/b")
    assert safe_stem("../../etc/passwd").startswith("etc_passwd-")
    assert safe_url("javascript:alert(1)") is None and safe_url("https://x.example/a?b=1") == "https://x.example/a?b=1"
    assert matching_phrases("Roof repairs and scaffolding hire", "We do roof repairs") == ["roof repairs"]
    settings = Settings()
    from procure_match.ledger.contracts import category_for

    assert category_for(("45261000",), settings)[0] == "built environment"
    assert category_for(("50710000",), settings)[0] == "built environment"  # under group 507
    assert category_for(("50100000",), settings)[0] is None
    assert category_for(("55520000",), settings)[0] is None
    from procure_match.domain import Money

    assert money_text(Money()) == "not stated"
    assert money_text(Money(amount=100_000, currency="EUR", amount_gbp=86_000, gbp_note="at 0.86")) == (
        "£86,000 (EUR 100,000, at 0.86)"
    )
    assert money_text(Money(amount=5, currency="XYZ", gbp_note="unconvertible")) == (
        "XYZ 5 (not converted to GBP: unconvertible)"
    )


def test_brief_stem_numbers_alternatives(scan_and_teams):
    _, teams = scan_and_teams
    assert [brief_stem(t) for t in teams if t.tender_id.endswith("hub-001")] == [
        "ocds-b5fd17-hub-001-1",
        "ocds-b5fd17-hub-001-2",
        "ocds-b5fd17-hub-001-3",
    ]


@given(st.text())
def test_md_escape_leaves_no_raw_markup(text):
    out = md_escape(text)
    assert "\n" not in out
    for i, ch in enumerate(out):
        if ch in "<>[]|`*_":
            # preceded by an odd number of backslashes = escaped
            j = i
            while j > 0 and out[j - 1] == "\\":
                j -= 1
            assert (i - j) % 2 == 1, (text, out)


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40))
def test_any_title_renders_as_text_in_html(title):
    result = sample_scan(title=title)
    teams = form_teams(result, Settings())
    best = next(t for t in teams if t.tender_id.endswith("hub-001"))
    html = render("brief.html.j2", brief_context(result, best, Settings()))
    parser = check_html(html)
    assert title in "".join(parser.text)


def test_reasons_shared_by_every_member_are_said_once():
    result = sample_scan()
    for row in result.candidates:
        row.reasons.append("The notice is marked suitable for VCSEs: +0.05.")
    best = next(t for t in form_teams(result, Settings()) if t.tender_id.endswith("hub-001"))
    ctx = brief_context(result, best, Settings())
    assert ctx["team"]["common_reasons"] == ["The notice is marked suitable for VCSEs: +0.05."]
    assert all("The notice is marked suitable for VCSEs: +0.05." not in m["reasons"] for m in ctx["team"]["members"])


def test_one_shared_lookup_gives_the_same_brief_contexts(scan_and_teams):
    from procure_match.reference.cpv import default_vocabulary
    from procure_match.reports.context import ScanLookup

    result, teams = scan_and_teams
    settings = Settings()
    lookup = ScanLookup(result, settings, default_vocabulary(None))
    feasible = [t for t in teams if t.feasible]
    assert len(feasible) == 4
    for team in feasible:  # the alternatives of a notice reuse its notice, steps and member evidence
        assert brief_context(result, team, settings, lookup=lookup) == brief_context(result, team, settings)
    with pytest.raises(ValueError, match="another scan"):
        brief_context(sample_scan(), feasible[0], settings, lookup=lookup)


def test_lookup_finds_the_first_notice_with_an_id():
    from procure_match.reference.cpv import default_vocabulary
    from procure_match.reports.context import ScanLookup

    result = sample_scan()
    first = result.tenders[0]
    result.tenders.append(Tender(tender_id=first.tender_id, title="a later copy"))
    lookup = ScanLookup(result, Settings(), default_vocabulary(None))
    assert lookup.tenders[first.tender_id] is first


def test_templates_read_dict_keys_and_still_call_dict_methods():
    from jinja2 import UndefinedError

    from procure_match.reports.render import environment

    template = environment().from_string("{{ d.title }}|{{ d.items() | list | length }}|{{ d.get('title') }}")
    assert template.render(d={"title": "T", "items": 5}) == "T|2|T"
    with pytest.raises(UndefinedError):
        environment().from_string("{{ d.missing }}").render(d={"title": "T"})


def test_matching_phrases_says_each_phrase_once_in_notice_order():
    assert matching_phrases("roof repairs, roof repairs and roof tiles", "roof repairs and tiles") == [
        "roof repairs",
        "tiles",
    ]
    assert matching_phrases("Grounds maintenance", "") == []


def test_agreeing_codes_names_the_deepest_agreement():
    from procure_match.reference.cpv import default_vocabulary
    from procure_match.reports.context import agreeing_codes

    vocab = default_vocabulary(None)
    codes = agreeing_codes(("45261000", "72000000"), ("45260000", "45261200"), vocab)
    assert len(codes) == 1 and codes[0].endswith("(agrees with 45261200 at category level)")
    assert agreeing_codes((), ("45260000",), vocab) == []


def test_collector_paused_restores_the_collector_however_the_block_ends():
    import gc

    from procure_match.heap import collector_paused

    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        raise RuntimeError("boom")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # left off when it was off before
    finally:
        gc.enable()
