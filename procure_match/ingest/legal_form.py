"""An enterprise's legal form from every signal a directory row has, with the evidence for it.

Signals, strongest first (pure functions, no I/O):

1. the stated legal form, when it names one form (``normalise_legal_form``: "Society" -> co-operative
   society, "CIC" -> community interest company);
2. when the stated form is missing or ambiguous ("Company", "Ltd", "co-operative"):
   * Co-operatives UK's "Ownership Classification": a company owned by its workers, consumers, tenants,
     self-employed or producer members, several kinds of member, or other co-operatives is a
     co-operative in company form (``co-operative company``). Co-operatives UK lists it as a
     co-operative by its ownership, although its own structure code list
     (``legal_ownership_to_membership_coopsuk.csv``) files a worker-owned "Company" under
     "Company (Other)"; "Employee Trust" and "Community of Interest" ownership are not co-operative
     membership and decide nothing;
   * the name: "Community Interest Company" or "CIC" -> community interest company; "co-operative",
     "cooperative" or "co-op" with a Companies House number or a "Company" form -> co-operative company,
     with a Mutuals Register number -> co-operative society;
   * the registration ids: a Mutuals Register (FCA) number -> co-operative society (a registered
     society), a charity number -> charity.
3. nothing: unknown (never "not social"), and an ambiguous stated form is reported as before.

Every inferred form carries a one-line ``evidence`` saying which signals decided it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from procure_match.domain import (
    SCHEME_CHARITY_ENGLAND_WALES,
    SCHEME_CHARITY_NI,
    SCHEME_CHARITY_SCOTLAND,
    SCHEME_COMPANIES_HOUSE,
    SCHEME_MUTUALS_REGISTER,
)

_LEGAL_FORM_RULES: tuple[tuple[str, str], ...] = (
    (r"\bcommunity interest company\b|\bcic\b", "community interest company"),
    (r"\bcharitable incorporated organi[sz]ation\b|\bs?cio\b", "charitable incorporated organisation"),
    (r"\bcommunity benefit society\b|\bben ?comm?s?\b", "community benefit society"),
    (r"\blimited liability partnership\b|\bllp\b", "limited liability partnership"),
    (r"\bact of parliament\b|\broyal charter\b", "other"),
    (r"\blocal authority\b|\bcouncil\b|\bnhs\b|\bpublic body\b|\bgovernment\b", "public body"),
    (
        r"\bco ?operative society\b|\bco ?op society\b|\bindustrial (and|&) provident\b|\bips\b"
        r"|\bregistered society\b|\bbona fide co ?operative\b|^society$",
        "co-operative society",
    ),
    (r"\bco ?operative company\b", "co-operative company"),
    (r"\blimited by guarantee\b|\bltd by guarantee\b|\bclg\b|\bguarantee\b", "company limited by guarantee"),
    (r"\bcharit(y|able)\b|\btrust\b", "charity"),
    (
        r"\blimited by shares\b|\bltd by shares\b|\bprivate limited company\b|\bplc\b|\bclbs\b",
        "company limited by shares",
    ),
    (r"\bpartnership\b", "partnership"),
    (r"\bsole trader\b|\bsole proprietor\b|\bself employed\b", "sole trader"),
    (r"\bunincorporated\b|\bassociation\b|\bcommunity group\b|\bclub\b|\bother\b", "other"),
)
# Text that names a form too loosely to classify alone: other signals decide, else it stays unknown.
AMBIGUOUS_LEGAL_FORMS = frozenset(
    {"company", "limited", "ltd", "limited company", "ltd company", "co operative", "cooperative", "coop", "co op"}
)
_COMPANY_WORDS = frozenset({"company", "limited", "ltd", "limited company", "ltd company"})
_COOP_WORDS = frozenset({"co operative", "cooperative", "coop", "co op"})

# Co-operatives UK ownership classifications that are co-operative membership, in plain words.
CO_OPERATIVE_OWNERSHIP = {
    "workers": "owned by its workers",
    "consumers": "owned by its consumer members",
    "multi stakeholder": "owned by several kinds of member",
    "self employed": "owned by its self-employed members",
    "enterprises": "owned by its member businesses",
    "tenants": "owned by its tenants",
    "co operatives": "owned by other co-operatives",
}
_CIC_NAME = re.compile(r"\bcommunity interest company\b|\bc\s?i\s?c\b")
_COOP_NAME = re.compile(r"\bco ?operative\b|\bco ?op\b|\bcoop\b")


def legal_text(raw: str) -> str:
    """Lower case, punctuation to spaces: "Co-op Ltd." -> "co op ltd"."""
    text = raw.lower().replace(".", "").replace("-", " ").replace("_", " ").replace("/", " ").replace("'", "")
    return " ".join(text.split())


def normalise_legal_form(raw: object) -> str | None:
    """Free text -> one of ``domain.LEGAL_FORMS``; None when empty, ambiguous or not recognised."""
    text = legal_text(str(raw or ""))
    if not text or text in AMBIGUOUS_LEGAL_FORMS:
        return None
    for pattern, form in _LEGAL_FORM_RULES:
        if re.search(pattern, text):
            return form
    return None


@dataclass(frozen=True, slots=True)
class LegalForm:
    form: str | None  # one of domain.LEGAL_FORMS, None = unknown
    evidence: str  # which signals decided it ("" when unknown)


def _schemes(registration_ids: tuple[str, ...]) -> dict[str, str]:
    """Scheme -> first id of that scheme: {"GB-COH": "GB-COH-01234567", ...}."""
    out: dict[str, str] = {}
    for rid in registration_ids:
        for scheme in (
            SCHEME_COMPANIES_HOUSE,
            SCHEME_MUTUALS_REGISTER,
            SCHEME_CHARITY_ENGLAND_WALES,
            SCHEME_CHARITY_SCOTLAND,
            SCHEME_CHARITY_NI,
        ):
            if rid.startswith(scheme + "-"):
                out.setdefault(scheme, rid)
    return out


def _from_ownership(stated: str, shown: str, ownership: str, schemes: dict[str, str]) -> LegalForm | None:
    owned = CO_OPERATIVE_OWNERSHIP.get(legal_text(ownership))
    if owned is None:
        return None
    said = f"Ownership Classification {ownership!r} ({owned})"
    if SCHEME_MUTUALS_REGISTER in schemes and stated not in _COMPANY_WORDS:
        return LegalForm("co-operative society", f"{said} and registered society number {schemes['GB-MPR']}")
    if stated in _COMPANY_WORDS or stated in _COOP_WORDS or SCHEME_COMPANIES_HOUSE in schemes:
        how = f"legal form {shown!r}" if stated else f"Companies House number {schemes[SCHEME_COMPANIES_HOUSE]}"
        return LegalForm("co-operative company", f"{how} with {said}: a co-operative in company form")
    return None


def _from_name(stated: str, shown: str, name: str, schemes: dict[str, str]) -> LegalForm | None:
    text = legal_text(name)
    if _CIC_NAME.search(text):
        return LegalForm("community interest company", f"the name {name!r} says Community Interest Company")
    if not _COOP_NAME.search(text):
        return None
    if SCHEME_MUTUALS_REGISTER in schemes and stated not in _COMPANY_WORDS:
        return LegalForm("co-operative society", f"the name {name!r} and registered society number {schemes['GB-MPR']}")
    if stated in _COMPANY_WORDS or SCHEME_COMPANIES_HOUSE in schemes:
        how = f"legal form {shown!r}" if stated else f"Companies House number {schemes[SCHEME_COMPANIES_HOUSE]}"
        return LegalForm("co-operative company", f"the name {name!r} with {how}: a co-operative in company form")
    return None


def _from_registration(stated: str, schemes: dict[str, str]) -> LegalForm | None:
    if SCHEME_MUTUALS_REGISTER in schemes and stated not in _COMPANY_WORDS:
        return LegalForm("co-operative society", f"registered society number {schemes['GB-MPR']} (Mutuals Register)")
    for scheme in (SCHEME_CHARITY_ENGLAND_WALES, SCHEME_CHARITY_SCOTLAND, SCHEME_CHARITY_NI):
        if scheme in schemes:
            return LegalForm("charity", f"charity number {schemes[scheme]}")
    return None


def infer_legal_form(
    stated_raw: str | None, *, ownership: str = "", name: str = "", registration_ids: tuple[str, ...] = ()
) -> LegalForm:
    """The legal form from the stated form, then ownership, name and registration ids (see the module doc)."""
    stated = legal_text(stated_raw or "")
    form = normalise_legal_form(stated_raw) if stated else None
    if form is not None:
        owned = CO_OPERATIVE_OWNERSHIP.get(legal_text(ownership))
        return LegalForm(form, f"legal form {stated_raw!r}" + (f" ({owned})" if owned else ""))
    if stated and stated not in AMBIGUOUS_LEGAL_FORMS:
        return LegalForm(None, "")  # a form we do not recognise: reported, not guessed
    schemes = _schemes(registration_ids)
    for found in (
        _from_ownership(stated, (stated_raw or "").strip(), ownership, schemes) if ownership else None,
        _from_name(stated, (stated_raw or "").strip(), name, schemes) if name else None,
        _from_registration(stated, schemes),
    ):
        if found is not None:
            return found
    return LegalForm(None, "")


__all__ = [
    "AMBIGUOUS_LEGAL_FORMS",
    "CO_OPERATIVE_OWNERSHIP",
    "LegalForm",
    "infer_legal_form",
    "legal_text",
    "normalise_legal_form",
]
