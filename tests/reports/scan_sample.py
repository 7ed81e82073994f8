"""A fixed, hand-built ScanResult for the report tests (fictional notices and enterprises, fixed dates)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from procure_match.domain import (
    Candidate,
    Contact,
    Enterprise,
    Location,
    Lot,
    Money,
    NoticeChange,
    ScanResult,
    Tender,
)

SCANNED_AT = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
EVIL_TITLE = 'Community hub refurbishment <script>alert(1)</script> & "friends"'


def gbp(x: float | None) -> Money:
    return Money(amount=x, amount_gbp=x, currency="GBP") if x is not None else Money()


def row(tender, eid, lot, fit, rank, *, score=None, km=5.0, failed=(), reasons=()):
    status = "eligible" if not failed else ("fits, needs partners" if list(failed) == ["capacity"] else "ineligible")
    return Candidate(
        tender_id=tender,
        lot_id=lot,
        enterprise_id=eid,
        score=fit if score is None else score,
        fit=fit,
        eligible=not failed,
        status=status,
        parts={"distance_km": km},
        reasons=list(reasons),
        failed_rules=list(failed),
        rank=rank,
    )


def sample_scan(title: str = EVIL_TITLE) -> ScanResult:
    hub = Tender(
        tender_id="ocds-b5fd17-hub-001",
        title=title,
        description="Refurbishment of the Ladywood community hub: roof repairs, scaffolding hire and cafe catering "
        "for the reopening. Social value and local employment are scored.",
        buyer_name="Birmingham City Council",
        value=gbp(600_000),
        cpv_codes=("45261000", "45262100", "55520000"),
        lots=(
            Lot(id="1", title="Roof repairs", value=gbp(400_000), cpv_codes=("45261000",)),
            Lot(id="2", title="Scaffolding hire", value=gbp(150_000), cpv_codes=("45262100",)),
            Lot(id="3", title="Cafe catering", value=gbp(50_000), cpv_codes=("55520000",)),
        ),
        locations=(Location(postcode="B16 8AA", description="Ladywood, Birmingham"),),
        published=datetime(2026, 11, 10, 9, 0, tzinfo=UTC),
        deadline=datetime(2026, 12, 4, 12, 0, tzinfo=UTC),
        contract_start=date(2027, 2, 1),
        contract_end=date(2029, 1, 31),
        suitable_sme=True,
        suitable_vcse=True,
        source="Contracts Finder",
        url="https://www.contractsfinder.service.gov.uk/Notice/hub-001",
    )
    web = Tender(
        tender_id="ocds-b5fd17-web-002",
        title="Website for youth services",
        description="Design and build an accessible website for the youth service, with content management.",
        buyer_name="Sandwell Council",
        value=Money(amount=40_000, currency="GBP", low=30_000, high=40_000, amount_gbp=40_000),
        cpv_codes=("72413000",),
        deadline=datetime(2027, 1, 15, 17, 0, tzinfo=UTC),
        suitable_sme=True,
        reserved_participation=("publicServiceMissionOrganization",),
        url="javascript:alert(2)",
    )
    repairs = Tender(
        tender_id="ocds-b5fd17-gas/003",
        title="Gas safety repairs",
        buyer_name=None,
        value=Money(),
        cpv_codes=("45333000",),
        deadline=datetime(2026, 11, 30, 12, 0, tzinfo=UTC),
    )
    enterprises = {
        "GB-COH-00000001": Enterprise(
            id="GB-COH-00000001",
            name="Ladywood Roofing Co-operative",
            legal_form="co-operative society",
            description="Worker co-operative doing roof repairs, slating and leadwork across Birmingham.",
            cpv_codes=("45261000",),
            turnover=900_000,
            consortia=("Brum Build Consortium",),
            certifications=("CHAS",),
            contact=Contact(email="hello@ladywood-roofing.example"),
        ),
        "GB-COH-00000002": Enterprise(
            id="GB-COH-00000002",
            name="Scaffold Skills CIC",
            legal_form="community interest company",
            description="Scaffolding hire and training for young people leaving care.",
            cpv_codes=("45262100",),
            turnover=250_000,
            consortia=("Brum Build Consortium",),
            certifications=("CHAS",),
        ),
        "GB-COH-00000003": Enterprise(
            id="GB-COH-00000003",
            name="Cafe <b>Bold</b> Kitchen",
            legal_form="community interest company",
            description="Community cafe and event catering employing people in recovery.",
            cpv_codes=("55520000",),
            turnover=None,
        ),
        "GB-COH-00000004": Enterprise(
            id="GB-COH-00000004",
            name="Pixel Works Co-op",
            legal_form="co-operative society",
            description="Accessible website design and content management for charities and councils.",
            cpv_codes=("72413000",),
            turnover=300_000,
        ),
        "GB-COH-00000005": Enterprise(
            id="GB-COH-00000005",
            name="Handy Trades Ltd",
            legal_form="company limited by shares",
            description="General building repairs and catering for events.",
            cpv_codes=("45000000",),
            turnover=2_000_000,
        ),
    }
    hub_id, web_id, gas_id = hub.tender_id, web.tender_id, repairs.tender_id
    candidates = [
        row(
            hub_id,
            "GB-COH-00000001",
            "1",
            0.86,
            1,
            score=0.7,
            km=2.1,
            failed=["capacity"],
            reasons=["Roof repairs match: cosine 0.71.", "CPV 45261000 agrees at category level."],
        ),
        row(hub_id, "GB-COH-00000005", "1", 0.55, 2, km=12.0, reasons=["General building repairs."]),
        row(
            hub_id,
            "GB-COH-00000002",
            "2",
            0.81,
            1,
            score=0.6,
            km=3.4,
            failed=["capacity"],
            reasons=["Scaffolding hire matches."],
        ),
        row(hub_id, "GB-COH-00000005", "2", 0.40, 2, km=12.0),
        row(hub_id, "GB-COH-00000003", "3", 0.77, 1, km=None, reasons=["Cafe catering matches."]),
        row(hub_id, "GB-COH-00000005", "3", 0.45, 2, km=12.0),
        row(web_id, "GB-COH-00000004", None, 0.9, 1, km=60.0, reasons=["Accessible website design."]),
        row(
            gas_id,
            "GB-COH-00000005",
            None,
            0.7,
            1,
            km=8.0,
            failed=["certifications"],
            reasons=["Missing certification: CPV 45 needs one of CHAS, Constructionline, SafeContractor."],
        ),
    ]
    return ScanResult(
        scanned_at=SCANNED_AT,
        tenders=[hub, web, repairs],
        enterprises=enterprises,
        candidates=candidates,
        changes={
            hub_id: NoticeChange(
                tender_id=hub_id,
                kind="changed",
                changed_fields=("deadline",),
                details=("deadline moved from Thu 26 Nov 2026 to Fri 4 Dec 2026",),
            ),
            web_id: NoticeChange(tender_id=web_id, kind="new"),
            gas_id: NoticeChange(tender_id=gas_id, kind="new"),
            "ocds-b5fd17-old-009": NoticeChange(tender_id="ocds-b5fd17-old-009", kind="withdrawn"),
        },
        excluded={},
        scan_id=7,
    )
