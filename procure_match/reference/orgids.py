"""Registration ids as org-id.guide identifiers: one normalisation for ingest, directory and ledger.

* Companies House numbers are 8 characters: digits zero-padded ("1234567" -> "01234567"), or a
  2-letter prefix and 6 digits ("sc 12345" -> "SC012345").
* Mutuals Public Register (FCA) numbers lose an "IP"/"RS" prefix and leading zeros but keep their
  suffix letters ("IP 01234R" -> "1234R", "2345 RS" -> "2345RS").
* Everything else (charity numbers, foreign schemes) is kept as written, upper-cased.

``org_id(scheme, number)`` builds an id for a known scheme; ``registration_id(raw)`` also guesses
the scheme of a bare number (the ledger's contractor returns give numbers without a scheme).
"""

from __future__ import annotations

import re

from procure_match.domain import SCHEME_COMPANIES_HOUSE, SCHEME_MUTUALS_REGISTER

_MPR = re.compile(r"^(?:IP|RS)?0*(\d+)([A-Z]*)$")
_COH = re.compile(r"^([A-Z]{2})?(\d+)$")
_ORG_ID = re.compile(r"^[A-Z]{2}-[A-Z0-9]+-\S+$")


def _compact(raw: object) -> str:
    text = str(raw).strip()
    if text.endswith(".0") and text[:-2].isdigit():  # a number that went through a spreadsheet float
        text = text[:-2]
    return re.sub(r"[\s.]", "", text).upper()


def company_number(raw: object) -> str | None:
    """The 8-character Companies House number, or None when ``raw`` is not one."""
    if raw is None:
        return None
    text = _compact(raw).replace("-", "")
    for prefix in ("GBCOH",):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    m = _COH.match(text)
    if not m or int(m.group(2)) == 0:
        return None
    prefix, digits = m.group(1) or "", m.group(2)
    width = 8 - len(prefix)
    if len(digits) > width:
        return None
    return prefix + digits.zfill(width)


def mutuals_number(raw: object) -> str | None:
    """The Mutuals Public Register number without padding ("IP 01234R" -> "1234R"), or None."""
    if raw is None:
        return None
    text = _compact(raw).replace("-", "")
    if text.startswith("GBMPR"):
        text = text[5:]
    m = _MPR.match(text)
    if not m or int(m.group(1)) == 0:
        return None
    return m.group(1) + m.group(2)


def org_id(scheme: str, number: object) -> str | None:
    """``scheme`` + ``number`` as one normalised id ("GB-COH", "1234567" -> "GB-COH-01234567")."""
    if number is None:
        return None
    scheme = scheme.strip().upper()
    text = _compact(number)
    if text.startswith(scheme + "-"):
        text = text[len(scheme) + 1 :]
    if not text or text == "0":
        return None
    if scheme == SCHEME_COMPANIES_HOUSE:
        num = company_number(text)
    elif scheme == SCHEME_MUTUALS_REGISTER:
        num = mutuals_number(text)
    else:
        num = text
    return f"{scheme}-{num}" if num else None


def registration_id(raw: object) -> str | None:
    """A normalised org-id from an id with or without its scheme; None when not recognisable.

    Bare numbers are read as Companies House numbers; numbers starting IP/RS or ending in letters
    ("1234R") as Mutuals Register numbers. Other schemes ("GB-CHC-1100001") are kept as written.
    """
    if raw is None:
        return None
    text = _compact(raw)
    if not text:
        return None
    for scheme in (SCHEME_MUTUALS_REGISTER, SCHEME_COMPANIES_HOUSE):
        for written in (scheme + "-", scheme.replace("-", "")):  # "GB-COH-123" or "GBCOH123"
            if text.startswith(written):
                return org_id(scheme, text[len(written) :])
    if re.match(r"^(IP|RS)\d", text) or re.match(r"^\d+[A-Z]+$", text):
        return org_id(SCHEME_MUTUALS_REGISTER, text)
    if company_number(text):
        return org_id(SCHEME_COMPANIES_HOUSE, text)
    if _ORG_ID.match(text):
        return text  # another org-id scheme (charity numbers ...), compared as written
    return None
