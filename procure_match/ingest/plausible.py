"""Values a reader can trust: placeholder and implausible contract values become "not stated".

Publishers fill a required value field with £1, £3 or £9 when the value is not decided, and now and
then type a figure in pence or with extra zeros. A notice value below ``ingest.value_floor_gbp``
(default £1,000) or above ``ingest.value_ceiling_gbp`` (default £10bn) is treated as not stated: the
Money keeps its currency and says why in ``gbp_note``, and the ingest report records a repaired
Problem. Only notice and lot values are screened; award values are what was paid and stay as published.
Pure functions: the caller passes the bounds and a ``note`` callback.
"""

from __future__ import annotations

from collections.abc import Callable

from procure_match.domain import Money, Tender

Note = Callable[[str | None, str, str, str], None]
FIX = "publish the estimated contract value, or leave the value empty when it is not known"


def _gbp(m: Money) -> float | None:
    if m.amount_gbp is not None:
        return m.amount_gbp
    return m.amount if m.amount is not None and m.currency in (None, "GBP") else None


_COUNTING = "1234567890"


def keyboard_placeholder(amount: float) -> bool:
    """A figure typed as the digits 1, 2, 3, ... in order (123456, 1,234,567,890): six digits or more of the
    counting run is a placeholder, never a priced contract."""
    if not (amount >= 100_000 and amount == int(amount)):
        return False
    digits = str(int(amount))
    return len(digits) >= 6 and _COUNTING.startswith(digits)


def implausible_reason(m: Money, floor_gbp: float, ceiling_gbp: float) -> str | None:
    """Why the value cannot be a real contract value (a sentence), or None when it can."""
    gbp = _gbp(m)
    if gbp is None:
        return None
    shown = f"£{gbp:,.0f}" if m.currency in (None, "GBP") else f"{m.currency} {m.amount:,.0f} (£{gbp:,.0f})"
    if gbp < floor_gbp:
        return f"value {shown} is below the £{floor_gbp:,.0f} floor (ingest.value_floor_gbp): a placeholder"
    if gbp > ceiling_gbp:
        return f"value {shown} is above the £{ceiling_gbp:,.0f} ceiling (ingest.value_ceiling_gbp): implausible"
    if m.amount is not None and keyboard_placeholder(m.amount):
        return f"value {shown} is the digits 1, 2, 3 ... typed in order: a placeholder"
    return None


def not_stated(m: Money, reason: str) -> Money:
    """The Money as "not stated", keeping its currency and the reason in ``gbp_note``."""
    return Money(currency=m.currency, gbp_note=f"treated as not stated: {reason}")


def screen_values(tender: Tender, floor_gbp: float, ceiling_gbp: float, note: Note) -> int:
    """Replace implausible notice and lot values with "not stated" (noted); return how many were replaced."""
    replaced = 0
    reason = implausible_reason(tender.value, floor_gbp, ceiling_gbp)
    if reason:
        tender.value = not_stated(tender.value, reason)
        note("value", reason, "value treated as not stated", FIX)
        replaced += 1
    for lot in tender.lots:
        reason = implausible_reason(lot.value, floor_gbp, ceiling_gbp)
        if reason:
            lot.value = not_stated(lot.value, reason)
            note(f"lots[{lot.id}].value", reason, "value treated as not stated", FIX)
            replaced += 1
    return replaced
