"""Award history as evidence: won contracts are attributed by id or exact normalised name, never guessed."""

from __future__ import annotations

from datetime import UTC, datetime

from procure_match.award_history import evidence_line, won_contracts
from procure_match.domain import Award, Enterprise, Supplier, Tender
from procure_match.reference.cpv import default_vocabulary
from procure_match.texts import enterprise_text


def _tender(tid: str, title: str, *suppliers: Supplier, day: int = 1) -> Tender:
    award = Award(id=f"{tid}-a", title=title, date=datetime(2021, 3, day, tzinfo=UTC), suppliers=suppliers)
    return Tender(tender_id=tid, title=title, awards=(award,))


ENTERPRISES = [
    Enterprise(id="se-1", name="Green Roots Co-operative Ltd", registration_ids=("GB-MPR-1234R",)),
    Enterprise(id="se-2", name="Sparkle Cleaning CIC", registration_ids=("GB-COH-01234567",)),
    Enterprise(id="se-3", name="Twin Kitchen CIC"),
    Enterprise(id="se-4", name="Twin Kitchen Limited"),  # same normalised name as se-3: ambiguous
]


def test_attribution_by_id_then_exact_name_and_never_when_ambiguous():
    tenders = [
        _tender("t1", "Grounds maintenance of Handsworth parks", Supplier(name="GR Co-op", identifiers=("IP01234R",))),
        _tender("t2", "Office cleaning", Supplier(name="SPARKLE CLEANING C.I.C."), day=5),
        _tender("t3", "School meals", Supplier(name="Twin Kitchen")),
        _tender("t4", "Window cleaning", Supplier(name="Sparkle Cleaning Services Ltd")),  # not the same name
    ]
    won = won_contracts(tenders, ENTERPRISES)
    assert [(w.tender_id, w.matched_by) for w in won["se-1"]] == [("t1", "registration id")]
    assert [(w.tender_id, w.matched_by) for w in won["se-2"]] == [("t2", "name")]
    assert "se-3" not in won and "se-4" not in won


def test_newest_first_capped_and_deduplicated_into_one_line():
    supplier = Supplier(name="Green Roots Co-operative", identifiers=("GB-MPR-1234R",))
    tenders = [_tender(f"t{i}", f"Planting {i % 3}", supplier, day=i + 1) for i in range(12)]
    won = won_contracts(tenders, ENTERPRISES)["se-1"]
    assert len(won) == 8 and won[0].date > won[-1].date
    line = evidence_line(won)
    assert line.startswith("Contracts won: ") and line.count("Planting") == 3


def test_enterprise_text_carries_the_evidence_last():
    text = enterprise_text(ENTERPRISES[0], default_vocabulary(), None, "Contracts won: Grounds maintenance")
    assert text.splitlines()[-1] == "Contracts won: Grounds maintenance"
    assert "Contracts won" not in enterprise_text(ENTERPRISES[0], default_vocabulary())
