"""The ledger's nouns: contracts and their versions, spend lines, resolutions, entries.

Plain dataclasses, no I/O. Amounts are GBP floats (spend files and returns are in pounds);
negative amounts are credits. ``None`` means "not known", never zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

KIND_RETURN = "return"  # a contractor's supply-chain return: lines carry a contract reference
KIND_COUNCIL = "council"  # a council "spend over £500" transparency file
KINDS = (KIND_RETURN, KIND_COUNCIL)


@dataclass(slots=True, kw_only=True)
class ContractVersion:
    """One value of a contract, as recorded; a modification adds a version, never overwrites."""

    value: float
    currency: str = "GBP"
    effective: date | None = None  # when the value took effect (award date, modification date)
    source: str = ""  # file or command that recorded it
    note: str = ""


@dataclass(slots=True, kw_only=True)
class Contract:
    id: str  # identity: OCID/award id for awards from notices, the contract reference for CSV rows
    ref: str = ""  # the reference returns may use (award id, CSV contract_ref); "" = the id itself
    title: str = ""
    buyer: str | None = None
    supplier: str | None = None
    cpv: str | None = None  # main 8-digit CPV code
    start: date | None = None
    end: date | None = None
    value: float | None = None  # GBP, as given in this registration
    currency: str = "GBP"
    value_date: date | None = None
    target_pct: float | None = None  # per-contract override (CSV column or set-target)
    source: str = ""


@dataclass(slots=True, kw_only=True)
class SpendLine:
    """One payment read from a spend file or a contractor's return."""

    row: str  # where in the file: "12" (line 12) or "1034/7" (7th record glued onto line 1034)
    supplier: str
    amount: float
    date: date | None = None
    date_note: str = ""  # "month of the file name" when the file has no date column
    buyer: str | None = None
    contract_ref: str | None = None
    registration_id: str | None = None
    description: str = ""
    department: str = ""
    transaction: str = ""

    def content_key(self) -> tuple:
        """Everything but the amount and the row: re-imports compare rows by this (plus occurrence)."""
        return (
            (self.buyer or "").strip().lower(),
            (self.contract_ref or "").strip().lower(),
            self.supplier.strip().lower(),
            (self.registration_id or "").strip().upper(),
            self.date.isoformat() if self.date else "",
            self.description.strip().lower(),
            self.department.strip().lower(),
            self.transaction.strip(),
        )


@dataclass(slots=True, kw_only=True)
class ParsedSpendFile:
    """A spend file after header detection: which row was the header, which column is which field."""

    path: str
    sha256: str
    encoding: str
    header_row: int  # 1-based line number of the header
    columns: dict[str, str]  # field -> header text as found
    column_scores: dict[str, float]  # field -> header match score (100 = exact alias or mapped)
    lines: list[SpendLine] = field(default_factory=list)
    buyer_note: str = ""  # how the buyer was found
    preamble: list[str] = field(default_factory=list)  # lines skipped above the header
    lines_skipped: int = 0  # records reported as problems and not counted (total lines, stray quotes, ...)


@dataclass(slots=True, kw_only=True)
class Breach:
    """One failed ledger invariant, as ``ledger check`` prints it."""

    invariant: str
    detail: str
