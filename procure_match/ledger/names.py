"""Supplier-name and registration-id normalisation (pure functions, no I/O).

Two spellings of one organisation should normalise to the same string: case, punctuation,
``&``/"and", a leading "The" and legal suffixes (Ltd, Limited, CIC, C.I.C., Community Interest
Company, LLP, plc, Co-operative, Co-op, Society, ...) are removed. Registration ids become
scheme-prefixed canonical strings ("GB-COH-01234567", "GB-MPR-1234R") so that zero padding and
spacing never stop an id match.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Multi-word legal phrases first (they are removed before single tokens are looked at).
_LEGAL_PHRASES = (
    "community interest company",
    "community benefit society",
    "industrial and provident society",
    "co operative society",
    "cooperative society",
    "limited liability partnership",
    "public limited company",
    "private limited company",
    "company limited by guarantee",
    "registered society",
    "co operative",
)
_LEGAL_TOKENS = frozenset(
    {
        "ltd",
        "limited",
        "ld",
        "cic",
        "llp",
        "plc",
        "cooperative",
        "coop",
        "society",
        "inc",
        "incorporated",
        "uk",
        "cio",
        "lp",
        "co",
        "company",
    }
)
# Tokens dropped anywhere. "co" and "company" only at the end (see _strip_suffixes).
_FILLER = frozenset({"the", "and", "of"})
_PUNCT = re.compile(r"[^\w\s]")
_SPACES = re.compile(r"\s+")
# Dotted acronyms ("U.K.", "C.I.C.") become one token before punctuation is removed.
_DOTTED = re.compile(r"\b(?:[a-z]\.){2,}(?:[a-z]\b)?")


def _ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


_BRACKETS = re.compile(r"\([^)]*\)")
_TRADING_AS = re.compile(r"\b(?:t/a|trading as)\b.*$")
_PHRASES = re.compile(r"\b(?:" + "|".join(_LEGAL_PHRASES) + r")\b")
_CIC = re.compile(r"\bc\s?i\s?c\b")
_COOP = re.compile(r"\bco-op(erative)?\b")


@functools.lru_cache(maxsize=200_000)
def normalise_name(name: str | None) -> str:
    """A comparison key for a supplier or enterprise name; "" for blank names.

    >>> normalise_name("The Green Works C.I.C.")
    'green works'
    >>> normalise_name("Smith & Sons (UK) Limited")
    'smith sons'
    >>> normalise_name("Ramboll UK Ltd t/a Ramboll")
    'ramboll'

    Bracketed parts and a "t/a ..." / "trading as ..." tail are dropped: the registered name leads.
    """
    if not name:
        return ""
    text = str(name)
    if not text.isascii():
        text = _ascii_fold(text)
    text = text.lower().replace("&", " and ").replace("+", " and ")
    text = _TRADING_AS.sub(" ", _BRACKETS.sub(" ", text))
    text = _DOTTED.sub(lambda m: " " + m.group(0).replace(".", "") + " ", text)
    text = _CIC.sub(" cic ", text)
    text = _COOP.sub(lambda m: " cooperative " if m.group(1) else " coop ", text)
    text = text.replace("'", "").replace("\u2019", "")
    text = _PUNCT.sub(" ", text)
    text = _PHRASES.sub(" ", " ".join(text.split()))
    tokens = [t for t in text.split() if t not in _FILLER]
    tokens = _strip_suffixes(tokens)
    if not tokens:  # a name made only of legal words ("The Co-operative Society"): keep its letters
        return " ".join(_PUNCT.sub(" ", _ascii_fold(str(name)).lower()).split())
    return " ".join(tokens)


def _strip_suffixes(tokens: list[str]) -> list[str]:
    """Drop legal-form words at the end (and "uk"/"co" wherever they trail), keep them inside."""
    out = list(tokens)
    while out and out[-1] in _LEGAL_TOKENS:
        out.pop()
    # Legal words directly after the first token are noise too ("Argyll Cooperative Fencers").
    return [t for i, t in enumerate(out) if not (t in {"cooperative", "coop", "cic", "ltd", "limited"} and i > 0)]


def name_tokens(normalised: str) -> list[str]:
    return normalised.split()
