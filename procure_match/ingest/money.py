"""Amounts as published -> ``Money``: numbers from text, ranges, zero as unknown, GBP conversion.

Pure functions. ``build_money`` returns the Money and a list of issues (plain sentences) that the
caller records as repaired Problems, so every "unknown" or "not converted" is explained.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from procure_match.domain import Money

# Publishers in the UK: a missing currency there is taken as GBP, and the note says so.
UK_PUBLISHERS = frozenset({"Contracts Finder", "Find a Tender", "Public Contracts Scotland", "Sell2Wales"})

_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$")
_RANGE = re.compile(r"^\s*(\d[\d,.]*)\s*(?:-|–|to)\s*(\d[\d,.]*)\s*$")
_SYMBOLS = {"£": "GBP", "€": "EUR", "$": "USD"}
_SCALE = {"k": 1e3, "m": 1e6, "bn": 1e9}


@dataclass(frozen=True)
class Amount:
    """A parsed amount: one figure, or a low-high range."""

    low: float | None = None
    high: float | None = None
    currency: str | None = None  # from a symbol such as "£", when present

    @property
    def single(self) -> float | None:
        return self.high if self.high is not None else self.low


def parse_amount(raw: object) -> Amount | None:
    """Read 1000, "1,000.50", "£1.2m", "1000000-4000000" (a range). None when not a number."""
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        value = float(raw)
        return Amount(high=value) if math.isfinite(value) else None
    text = str(raw).strip()
    if not text:
        return None
    currency = None
    for sym, code in _SYMBOLS.items():
        if sym in text:
            currency = code
            text = text.replace(sym, "")
    text = text.replace("GBP", "").replace(" ", "").strip()
    m = _RANGE.match(text)
    if m:
        low, high = _number(m.group(1)), _number(m.group(2))
        if low is not None and high is not None:
            if low > high:
                low, high = high, low
            return Amount(low=low, high=high, currency=currency)
    value = _number(text)
    return Amount(high=value, currency=currency) if value is not None else None


def _number(text: str) -> float | None:
    text = text.replace(",", "")
    scale = 1.0
    lower = text.lower()
    for suffix, factor in _SCALE.items():
        if lower.endswith(suffix) and _NUMBER.match(lower[: -len(suffix)] or "x"):
            scale, text = factor, text[: -len(suffix)]
            break
    if not _NUMBER.match(text):
        return None
    try:
        value = float(text) * scale
    except ValueError:  # pragma: no cover - regex guards this
        return None
    return value if math.isfinite(value) else None


def build_money(
    amount: object,
    currency: object = None,
    *,
    low: object = None,
    source: str | None = None,
    fx_to_gbp: dict[str, float] | None = None,
) -> tuple[Money, list[tuple[str, str]]]:
    """Money from a published amount (and optional minimum), with a GBP figure and its explanation.

    Returns the Money and a list of (problem, action taken) for the caller's report:

    * missing -> unknown, no issue; below 1 (0, 0.01, negative) -> unknown with an issue: publishers use such
      placeholders for "not given";
    * a range "1000000-4000000" -> low/high, amount = high; a minimum alone -> amount = minimum (noted);
    * currency in ``fx_to_gbp`` -> converted, noted; missing currency from a UK publisher -> GBP, noted;
      anything else -> no GBP figure, with an issue.
    """
    issues: list[tuple[str, str]] = []
    parsed = parse_amount(amount)
    parsed_low = parse_amount(low)
    if amount not in (None, "") and parsed is None:
        issues.append((f"value {amount!r} is not a number", "value ignored"))
    if low not in (None, "") and parsed_low is None:
        issues.append((f"minimum value {low!r} is not a number", "minimum ignored"))
    cur = currency.strip().upper() if isinstance(currency, str) and currency.strip() else None
    if cur is None:
        cur = (parsed.currency if parsed else None) or (parsed_low.currency if parsed_low else None)

    high_v = parsed.high if parsed else None
    low_v = parsed.low if parsed else None
    if parsed_low is not None and parsed_low.single is not None:
        low_v = parsed_low.single
    placeholder = None
    if high_v is not None and high_v < 1:
        placeholder, high_v = high_v, None
    if low_v is not None and low_v < 1:
        placeholder = low_v if placeholder is None else placeholder
        low_v = None
    if placeholder is not None and high_v is None:
        action = "minimum used as the value" if low_v is not None else "value set to unknown"
        issues.append((f"value is {placeholder:g}, which publishers use for 'not stated'", action))
    if low_v is not None and high_v is not None and low_v > high_v:
        issues.append((f"minimum {low_v:g} is above maximum {high_v:g}", "the two were swapped"))
        low_v, high_v = high_v, low_v

    notes: list[str] = []
    single = high_v
    if single is None and low_v is not None:
        single = low_v
        notes.append("only a minimum value was published; amount is that minimum")
    money = Money(amount=single, currency=cur, low=low_v, high=high_v if low_v is not None else None)
    if single is None:
        return money, issues

    rates = fx_to_gbp or {}
    if cur is None and source in UK_PUBLISHERS:
        money.currency = "GBP"
        money.amount_gbp = single
        notes.append("currency not stated; UK publisher, taken as GBP")
    elif cur is None:
        notes.append("currency not stated and the publisher is not a UK one; not converted to GBP")
        issues.append(("value has no currency and the publisher is not a UK one", "GBP value left unknown"))
    elif cur == "GBP":
        money.amount_gbp = single
    elif cur in rates:
        rate = float(rates[cur])
        money.amount_gbp = round(single * rate, 2)
        notes.append(f"converted from {cur} at {rate:g} GBP per {cur} (settings ingest.fx_to_gbp)")
    else:
        notes.append(f"currency {cur} has no rate in settings ingest.fx_to_gbp; not converted to GBP")
        issues.append(
            (f"currency {cur} is unconvertible (no rate in ingest.fx_to_gbp)", "value kept; GBP value left unknown")
        )
    money.gbp_note = "; ".join(notes)
    return money, issues
