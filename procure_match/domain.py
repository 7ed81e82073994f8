"""The nouns of procure-match: tender notices, enterprises, and match candidates.

Plain dataclasses with no I/O. Ingest modules build them once, at the boundary; every later
stage (scoring, consortia, reports) reads them. Amounts are floats in their stated currency plus
a GBP figure where it could be converted; ``None`` always means "not known", never zero.

Identifiers are stable across runs:
* a tender is its OCID (Contracts Finder CSV rows without one get ``cf-<Notice Identifier>``);
* a lot is ``(tender_id, lot_id)``;
* an enterprise is its directory id (a registration id such as ``GB-COH-01234567`` where known).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

# Registration-id schemes from org-id.guide that social enterprises carry.
SCHEME_COMPANIES_HOUSE = "GB-COH"
SCHEME_MUTUALS_REGISTER = "GB-MPR"
SCHEME_CHARITY_ENGLAND_WALES = "GB-CHC"
SCHEME_CHARITY_SCOTLAND = "GB-SC"
SCHEME_CHARITY_NI = "GB-NIC"

# Normalised legal forms (directory ingest maps free text onto these).
LEGAL_FORMS = (
    "community interest company",
    "co-operative society",
    "co-operative company",  # a co-operative by ownership (workers, consumers, ...) registered as a company
    "community benefit society",
    "charitable incorporated organisation",
    "charity",
    "company limited by guarantee",
    "company limited by shares",
    "limited liability partnership",
    "partnership",
    "sole trader",
    "public body",
    "other",
)
# Legal forms that count as VCSE / social-economy organisations for reserved contracts.
SOCIAL_LEGAL_FORMS = frozenset(
    {
        "community interest company",
        "co-operative society",
        "co-operative company",
        "community benefit society",
        "charitable incorporated organisation",
        "charity",
        "company limited by guarantee",
    }
)
MUTUAL_LEGAL_FORMS = frozenset({"co-operative society", "community benefit society"})

# Where a notice is in the procurement cycle (ingest/stage.py reads it from each source).
NoticeStage = Literal["planning", "pipeline", "market engagement", "tender", "award", "cancelled"]
NOTICE_STAGES: tuple[NoticeStage, ...] = ("planning", "pipeline", "market engagement", "tender", "award", "cancelled")
# Stages before a tender is open: matched and listed under "Coming up", with an early-interest brief.
EARLY_STAGES: frozenset[str] = frozenset({"planning", "pipeline", "market engagement"})


@dataclass(slots=True, kw_only=True)
class Money:
    """An amount as published, and in GBP where it could be converted.

    ``amount`` is the single figure (for a range, the high end); ``low``/``high`` keep a range.
    ``gbp_note`` explains the GBP figure ("converted from EUR at 0.85") or why there is none.
    """

    amount: float | None = None
    currency: str | None = None
    low: float | None = None
    high: float | None = None
    amount_gbp: float | None = None
    gbp_note: str = ""

    @property
    def known(self) -> bool:
        return self.amount is not None


@dataclass(slots=True, kw_only=True)
class Location:
    postcode: str | None = None
    region: str | None = None
    nuts: str | None = None
    description: str | None = None
    latitude: float | None = None
    longitude: float | None = None


@dataclass(slots=True, kw_only=True)
class Supplier:
    name: str
    identifiers: tuple[str, ...] = ()  # scheme-prefixed, e.g. "GB-COH-01234567"
    postcode: str | None = None
    is_sme: bool | None = None
    is_vcse: bool | None = None


@dataclass(slots=True, kw_only=True)
class Award:
    id: str
    title: str | None = None
    status: str | None = None
    date: datetime | None = None
    value: Money = field(default_factory=Money)
    suppliers: tuple[Supplier, ...] = ()
    lot_ids: tuple[str, ...] = ()


@dataclass(slots=True, kw_only=True)
class Lot:
    id: str
    title: str | None = None
    description: str | None = None
    value: Money = field(default_factory=Money)
    cpv_codes: tuple[str, ...] = ()  # 8-digit, main first
    locations: tuple[Location, ...] = ()
    status: str | None = None


@dataclass(slots=True, kw_only=True)
class Amendment:
    """A visible change to a notice: which release made it and what it says changed."""

    release_id: str
    date: datetime | None = None
    description: str | None = None
    changed_fields: tuple[str, ...] = ()


@dataclass(slots=True, kw_only=True)
class Tender:
    tender_id: str  # OCID, or "cf-<notice id>" when the source has none
    ocid: str | None = None
    notice_id: str | None = None
    source: str | None = None  # publisher, e.g. "Contracts Finder", "Find a Tender"
    title: str = ""
    description: str = ""
    buyer_name: str | None = None
    buyer_id: str | None = None
    value: Money = field(default_factory=Money)
    main_cpv: str | None = None
    cpv_codes: tuple[str, ...] = ()  # 8-digit, main first, no duplicates
    lots: tuple[Lot, ...] = ()
    locations: tuple[Location, ...] = ()
    published: datetime | None = None
    deadline: datetime | None = None
    contract_start: date | None = None
    contract_end: date | None = None
    suitable_sme: bool | None = None
    suitable_vcse: bool | None = None
    reserved_participation: tuple[str, ...] = ()  # e.g. ("publicServiceMissionOrganization",)
    procurement_category: str | None = None  # goods / works / services
    status: str | None = None  # OCDS tender.status or CF "Status"
    url: str | None = None
    awards: tuple[Award, ...] = ()
    amendments: tuple[Amendment, ...] = ()
    release_ids: tuple[str, ...] = ()
    source_file: str | None = None
    stage: NoticeStage = "tender"  # where the notice is in the procurement cycle
    future_notice_date: datetime | None = None  # early notices: when the tender notice is expected (OCDS)
    buyer_contact: Contact | None = None  # the buyer's named contact, when the notice gives one

    @property
    def is_early(self) -> bool:
        """A planning, pipeline or market-engagement notice: no tender to bid for yet."""
        return self.stage in EARLY_STAGES

    @property
    def contract_years(self) -> float | None:
        """Length of the contract period in years, when both ends are known."""
        if self.contract_start and self.contract_end and self.contract_end > self.contract_start:
            return (self.contract_end - self.contract_start).days / 365.25
        return None


@dataclass(slots=True, kw_only=True)
class Contact:
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    website: str | None = None


@dataclass(slots=True, kw_only=True)
class Enterprise:
    id: str
    name: str
    legal_form: str | None = None  # one of LEGAL_FORMS, or None when unknown
    legal_form_raw: str | None = None
    legal_form_evidence: str = ""  # which signals decided legal_form ("" when unknown)
    registration_ids: tuple[str, ...] = ()  # e.g. ("GB-COH-01234567", "GB-MPR-12345R")
    description: str = ""
    sectors: tuple[str, ...] = ()
    cpv_codes: tuple[str, ...] = ()  # declared by the directory
    # Inferred from SIC codes and the description (ingest.profile), never declared; one source per code.
    cpv_inferred: tuple[str, ...] = ()
    cpv_inferred_from: tuple[str, ...] = ()  # e.g. "SIC 81210", "the description: 'cleaning'"
    sic_codes: tuple[str, ...] = ()  # 5-digit strings, leading zeros kept
    postcode: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    location_precision: str | None = None  # "postcode", "district", "file" or None
    turnover: float | None = None  # GBP a year
    employees: int | None = None
    size_source: str = ""  # where turnover/employees came from when not the directory: "2016-03-31, economy.csv"
    certifications: tuple[str, ...] = ()
    consortia: tuple[str, ...] = ()
    max_contract_value: float | None = None  # GBP, when the enterprise states one
    max_radius_km: float | None = None  # how far it will travel, when it states it: a hard radius for on-site work
    contact: Contact = field(default_factory=Contact)
    source_file: str | None = None
    source_row: int | None = None

    @property
    def is_social_legal_form(self) -> bool:
        return self.legal_form in SOCIAL_LEGAL_FORMS


@dataclass(slots=True, kw_only=True)
class Candidate:
    """One (tender or lot, enterprise) pair after scoring.

    ``score`` is in [0, 1]. ``fit`` is the score the pair would have if capacity were no
    object: the consortium stage uses it for enterprises marked "fits, needs partners".
    ``parts`` maps feature name to value (None = unknown); ``reasons`` are human sentences.
    """

    tender_id: str
    lot_id: str | None
    enterprise_id: str
    score: float
    fit: float
    eligible: bool
    status: str  # "eligible" | "fits, needs partners" | "ineligible"
    parts: dict[str, float | None] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    failed_rules: list[str] = field(default_factory=list)  # names of hard rules that failed
    rank: int = 0
    unverified: list[str] = field(default_factory=list)  # names of checks whose input is missing: check by hand

    @property
    def status_text(self) -> str:
        """The status as shown: "eligible, 2 checks unverified" when some checks could not be made."""
        n = len(self.unverified)
        if not n or self.status == "ineligible":
            return self.status
        return f"{self.status}, {n} check{'s' if n != 1 else ''} unverified"


@dataclass(slots=True, kw_only=True)
class NoticeChange:
    """How a notice differs from the last scan that saw it."""

    tender_id: str
    kind: str  # "new" | "changed" | "unchanged" | "withdrawn"
    changed_fields: tuple[str, ...] = ()  # e.g. ("deadline", "value", "description")
    details: tuple[str, ...] = ()  # human sentences: "deadline moved from 3 Mar to 10 Mar"


@dataclass(slots=True, kw_only=True)
class ScanResult:
    """Everything one scan produced, handed to the consortium stage and the report writers.

    ``candidates`` holds every kept (tender or lot, enterprise) pair, ranked within its
    (tender_id, lot_id) group (rank 1 = best). ``excluded`` maps tender ids left out of the scan
    to the reason (e.g. past deadline).
    """

    scanned_at: datetime
    tenders: list[Tender]
    enterprises: dict[str, Enterprise]
    candidates: list[Candidate]
    changes: dict[str, NoticeChange] = field(default_factory=dict)
    excluded: dict[str, str] = field(default_factory=dict)
    scan_id: int | None = None
    # (tender_id, lot_id) -> where the work is and how much distance counts (MatchTarget.delivery_facts)
    deliveries: dict[tuple[str, str | None], dict[str, object]] = field(default_factory=dict)
    # "learned": candidates carry the calibrated fit and "below floor" statuses; "weighted": the hand score
    ranker: str = "weighted"
    min_fit: float | None = None  # the floor of a learned scan (scan.min_fit)
