"""An enterprise's profile facts in words, each with where it came from (pure; used by explain and briefs).

* legal form with its evidence: "co-operative company (legal form 'Company' with Ownership
  Classification 'Workers' (owned by its workers): a co-operative in company form)";
* size with its year and source: "turnover £1.2M (2016-03-31, coops_uk_2016_economy.csv)", or
  "size unknown";
* CPV codes, declared and inferred: "inferred 90910000 (from SIC 81210)".
"""

from __future__ import annotations

from procure_match.consortium.explain import gbp
from procure_match.domain import Enterprise


def legal_form_text(ent: Enterprise) -> str:
    if ent.legal_form is None:
        raw = f" (the directory says {ent.legal_form_raw!r})" if ent.legal_form_raw else ""
        return f"not recorded{raw}"
    return f"{ent.legal_form} ({ent.legal_form_evidence})" if ent.legal_form_evidence else ent.legal_form


def size_text(ent: Enterprise) -> str:
    """Turnover and employees with their source; "size unknown" when neither is recorded."""
    parts = []
    if ent.turnover is not None:
        parts.append(f"turnover {gbp(ent.turnover)}")
    if ent.employees is not None:
        parts.append(f"{ent.employees} employee{'s' if ent.employees != 1 else ''}")
    if not parts:
        return "size unknown"
    source = ent.size_source or "the directory"
    return f"{', '.join(parts)} ({source})"


def inferred_cpv_text(ent: Enterprise, limit: int = 6) -> str:
    """ "90910000 (from SIC 81210); 55520000 (from the description: 'catering')"; "" when none."""
    pairs = list(zip(ent.cpv_inferred, ent.cpv_inferred_from, strict=False))
    shown = [f"{code} (from {source})" for code, source in pairs[:limit]]
    more = f"; and {len(pairs) - limit} more" if len(pairs) > limit else ""
    return "; ".join(shown) + more


def profile_lines(ent: Enterprise) -> list[str]:
    """The profile facts the scoring rules read, one line each, with their sources."""
    lines = [f"Legal form: {legal_form_text(ent)}", f"Size: {size_text(ent)}"]
    if ent.cpv_codes:
        lines.append(f"CPV codes (declared): {', '.join(ent.cpv_codes)}")
    inferred = inferred_cpv_text(ent)
    if inferred:
        lines.append(f"CPV codes (inferred, weaker than declared): {inferred}")
    if not ent.cpv_codes and not inferred:
        lines.append("CPV codes: none declared and none could be inferred")
    return lines


__all__ = ["inferred_cpv_text", "legal_form_text", "profile_lines", "size_text"]
