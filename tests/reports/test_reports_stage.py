"""Issue 11: planning, pipeline and market-engagement notices get an early-interest brief (no submission
deadline, no go/no-go) and sit under "Coming up" in the digest; statuses show their unverified checks."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from html_check import check_html
from scan_sample import SCANNED_AT, sample_scan

from procure_match.consortium import form_teams
from procure_match.domain import Candidate, Contact, Tender
from procure_match.reference.cpv import default_vocabulary
from procure_match.reports.context import (
    brief_context,
    change_entries,
    checks_text,
    digest_context,
    digest_counts,
    digest_inputs,
    early_steps,
    expected_text,
    notice_entries,
)
from procure_match.reports.render import render
from procure_match.settings import Settings

WEB = "ocds-b5fd17-web-002"
CONTACT = Contact(name="Ann Buyer", email="ann.buyer@example.gov.uk")


def _pipeline_scan():
    result = sample_scan()
    result.tenders = [
        dataclasses.replace(t, stage="pipeline", buyer_contact=CONTACT) if t.tender_id == WEB else t
        for t in result.tenders
    ]
    return result


@pytest.fixture(scope="module")
def pipeline_scan():
    result = _pipeline_scan()
    return result, form_teams(result, Settings())


def test_a_pipeline_notice_gets_an_early_interest_brief_without_a_submission_deadline(pipeline_scan):
    result, teams = pipeline_scan
    team = next(t for t in teams if t.tender_id == WEB and t.feasible)
    ctx = brief_context(result, team, Settings())
    assert ctx["early"] and ctx["title"].startswith("Early interest: ")
    whats = " ".join(s["what"] for s in ctx["next_steps"])
    assert "Submission deadline" not in whats and "go/no-go" not in whats
    assert "Ann Buyer" in whats  # who to talk to
    for template in ("brief.md.j2", "brief.html.j2"):
        text = render(template, ctx)
        assert "Submission deadline" not in text and "go/no-go" not in text
        assert "Which consortium to form" in text and "ann.buyer@example.gov.uk" in text
    check_html(render("brief.html.j2", ctx))


def test_a_tender_keeps_its_bid_brief(pipeline_scan):
    result, teams = pipeline_scan
    team = next(t for t in teams if t.tender_id != WEB and t.feasible)
    ctx = brief_context(result, team, Settings())
    assert not ctx["early"] and ctx["title"].startswith("Bid brief: ")
    assert ctx["next_steps"][-1]["what"] == "Submission deadline."


def test_early_notices_are_listed_under_coming_up_not_closing(pipeline_scan):
    result, teams = pipeline_scan
    ctx = digest_context(result, teams, Settings())
    assert [n["id"] for n in ctx["coming_up"]] == [WEB]
    assert WEB not in {n["id"] for n in ctx["notices"]} | {n["id"] for n in ctx["closing"]}
    assert ctx["counts"]["coming_up"] == 1 and ctx["counts"]["notices"] == 3
    assert "date on the notice" in ctx["coming_up"][0]["expected"]
    md = render("digest.md.j2", ctx)
    assert "## Coming up" in md and "(pipeline)" in md
    check_html(render("digest.html.j2", ctx))


def test_expected_text_prefers_the_published_future_notice_date():
    t = Tender(tender_id="p", stage="pipeline", future_notice_date=datetime(2026, 6, 29, tzinfo=UTC))
    assert expected_text(t) == "tender notice expected Mon 29 Jun 2026"
    engagement = Tender(tender_id="m", stage="market engagement", deadline=datetime(2026, 12, 1, tzinfo=UTC))
    assert expected_text(engagement) == "engagement closes Tue 1 Dec 2026"
    assert "ask the buyer" in expected_text(Tender(tender_id="n", stage="planning"))
    steps = early_steps(engagement, SCANNED_AT)
    assert any("Market engagement closes" in s["what"] for s in steps)
    assert "no contact named" in steps[0]["what"]


def test_digest_steps_each_do_one_thing():
    result = _pipeline_scan()
    d = digest_inputs(result, [])
    assert [t.tender_id for t in d.tenders] == [
        t.tender_id for t in result.tenders if t.tender_id not in result.excluded
    ]
    entries = notice_entries(d, Settings(), default_vocabulary())
    assert [n["early"] for n in entries if n["id"] == WEB] == [True]
    by_id = {n["id"]: n for n in entries}
    changes = change_entries(result, by_id)
    assert [c["kind"] for c in changes] == sorted(
        (c["kind"] for c in changes), key=["new", "changed", "withdrawn"].index
    )
    counts = digest_counts(entries[:1], entries[1:], changes, teams=0)
    assert counts["notices"] == len(entries) and counts["coming_up"] == len(entries) - 1 and counts["teams"] == 0


def test_status_shows_unverified_checks():
    c = Candidate(
        tender_id="t", lot_id=None, enterprise_id="e", score=0.5, fit=0.5, eligible=True, status="eligible",
        unverified=["certifications", "capacity"],
    )  # fmt: skip
    assert c.status_text == "eligible, 2 checks unverified"
    assert checks_text(c) == "check: certification, turnover"


def test_no_gaps_sentence_does_not_claim_capacity_is_met_when_it_was_not_checked(pipeline_scan):
    result, teams = pipeline_scan
    team = next(t for t in teams if t.tender_id == WEB and t.feasible)
    ctx = brief_context(result, team, Settings())
    ctx["gaps"], ctx["capacity"]["verdict"] = [], "unverified"
    text = render("brief.md.j2", ctx)
    assert "capacity is unverified" in text and "capacity is met" not in text
