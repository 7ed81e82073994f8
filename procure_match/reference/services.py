"""Service families: one hand-checked table linking plain words, CPV 2008 codes and SIC 2007 codes.

Each family is a kind of work a social enterprise sells and a notice asks for ("cleaning", "grounds
maintenance", "catering"). The table is used three ways:

* **SIC -> CPV concordance** (``families_for_sic``): an enterprise whose SIC code falls under one of a
  family's SIC prefixes is inferred to supply that family's CPV codes ("inferred from SIC 81210").
* **description -> CPV** (``enterprise_evidence``): an enterprise whose description or sectors use a
  family's words (families with ``description_words``) is inferred to supply its CPV codes
  ("inferred from the description: 'cleaning'").
* **service lines of a notice** (``notice_services``): a notice's CPV codes and the words of its title
  and description name the distinct services it asks for, which the consortium stage makes into
  separate requirements ("cleaning, grounds maintenance and catering" -> three).

How it was made: the SIC 2007 classes and CPV 2008 groups/classes were paired by their official
titles, one family at a time (SIC 81.21 "General cleaning of buildings" <-> CPV 909 "Cleaning and
sanitation services"; SIC 81.30 "Landscape service activities" <-> CPV 7731 "Horticultural
services" and 77314000 "Grounds maintenance services"; ...). Only pairs whose titles describe the
same work were kept; a SIC class with no clear CPV counterpart (e.g. 94.99 "Other membership
organisations") is left out rather than guessed. Words were chosen from the same titles plus the
common trade words of UK notices and directory descriptions, and checked by eye on samples of the
worker co-operative directory and of the 2020 Contracts Finder exports (never the held-out November
2025 file). Words that named clients, audiences or boilerplate more often than the work ("care homes"
as customers, "training", "events", "recycled" paper) were dropped or limited (``notice_words``,
``description_words``). The CPV codes are the most specific codes that
still cover the family's usual notices, so ``reference.cpv.agreement`` finds them at group level or deeper.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ServiceFamily:
    key: str  # "cleaning"
    label: str  # plain words for briefs: "cleaning"
    cpv: tuple[str, ...]  # 8-digit CPV codes the family supplies (main first)
    cpv_prefixes: tuple[str, ...]  # a notice code under one of these asks for this family
    sic_prefixes: tuple[str, ...]  # an enterprise SIC code under one of these supplies it
    words: str  # regular expression over lower-case text
    # Whether a notice's own words (title and opening) may name this family. Off for families whose
    # words are everyday notice boilerplate ("training", "research", "events", "communications") or
    # name the client rather than the work ("youth services", "hosting"): only their CPV codes count.
    notice_words: bool = True
    # Whether an enterprise's description may show it supplies this family. Off where the words are
    # as often about audiences, clients or side activities ("events", "training", "legal services",
    # "communications", "books"): only SIC and declared codes count (checked on a sample of worker co-ops).
    description_words: bool = True


FAMILIES: tuple[ServiceFamily, ...] = (
    ServiceFamily(
        key="cleaning",
        label="cleaning",
        cpv=("90910000", "90911200", "90919200"),
        cpv_prefixes=("909", "90911", "90919"),
        sic_prefixes=("812",),
        words=r"\bclean(?:ing|ers?)\b|\bjanitorial\b|\bwashroom|\bhygiene services\b|\bwindow clean",
    ),
    ServiceFamily(
        key="grounds",
        label="grounds maintenance and horticulture",
        cpv=("77314000", "77310000", "77211400"),
        cpv_prefixes=("7731", "7734", "77211", "7720"),
        sic_prefixes=("8130", "0130", "0210", "0240"),
        words=r"\bgrounds? maintenance\b|\blandscap\w*|\bgardening\b|\bgardeners?\b|\bhorticultur\w*"
        r"|\btree (?:surgery|work|planting|felling)\b|\barboricultur\w*|\bgreen spaces?\b|\bgrass cutting\b",
    ),
    ServiceFamily(
        key="catering",
        label="catering",
        cpv=("55520000", "55300000", "55320000"),
        cpv_prefixes=("555", "553", "554", "5551"),
        sic_prefixes=("5610", "5621", "5629", "5630"),
        words=r"\bcater(?:ing|ers?)\b|\bcanteens?\b|\bcaf[eé]s?\b|\brestaurants?\b|\bmeals?\b|\bfood service",
    ),
    ServiceFamily(
        key="food",
        label="food and drink supply",
        cpv=("15000000", "15800000", "15300000"),
        cpv_prefixes=("15",),
        sic_prefixes=("10", "11", "4631", "4632", "4633", "4634", "4636", "4637", "4638", "4639", "472", "0113"),
        words=r"\bwhole ?foods?\b|\bgrocer(?:y|ies)\b|\bbaker(?:y|ies)\b|\bfood (?:supply|products|co-?op)\b"
        r"|\borganic (?:food|produce|vegetables)\b|\bbrew(?:ery|ing)\b|\bfresh produce\b",
    ),
    ServiceFamily(
        key="building",
        label="building work and repairs",
        cpv=("45000000", "45450000", "50700000"),
        cpv_prefixes=("45", "507", "508"),
        sic_prefixes=("41", "42", "433", "439"),
        words=r"\bconstruction\b|\bbuilding (?:work|repairs?|maintenance|services)\b|\bbuilders?\b|\brefurbish\w*"
        r"|\brepairs? and maintenance\b|\bjoinery\b|\bcarpent\w*|\broofing\b|\bdecorat(?:ing|ors?)\b|\bretrofit\w*",
    ),
    ServiceFamily(
        key="electrical",
        label="electrical installation",
        cpv=("45310000", "45315000", "50711000"),
        cpv_prefixes=("4531", "50711", "5153"),
        sic_prefixes=("4321",),
        words=r"\belectrical (?:installation|work|contract|services)\b|\belectricians?\b",
    ),
    ServiceFamily(
        key="plumbing",
        label="plumbing and heating",
        cpv=("45330000", "45331000", "50720000"),
        cpv_prefixes=("4533", "50712", "50720", "50721"),
        sic_prefixes=("4322",),
        words=r"\bplumb(?:ing|ers?)\b|\bheating (?:installation|systems?|engineers?)\b|\bheat pumps?\b|\bboilers?\b",
    ),
    ServiceFamily(
        key="energy",
        label="renewable energy and insulation",
        cpv=("09330000", "09331000", "45321000"),
        cpv_prefixes=("0933", "0931", "45321", "71314"),
        sic_prefixes=("351", "4329"),
        words=r"\brenewable energy\b|\bsolar (?:panels?|pv|power|energy)\b|\bwind (?:turbines?|power|energy)\b"
        r"|\benergy efficiency\b|\binsulation\b|\bcommunity energy\b",
    ),
    ServiceFamily(
        key="security",
        label="security",
        cpv=("79710000", "79713000", "79711000"),
        cpv_prefixes=("7971", "7972"),
        sic_prefixes=("8010", "8020", "8030"),
        words=r"\bsecurity (?:services|guard\w*|officers?|patrols?)\b|\bguarding\b|\bdoor supervis\w*|\bcctv\b",
    ),
    ServiceFamily(
        key="transport",
        label="transport",
        cpv=("60100000", "60130000", "60140000"),
        cpv_prefixes=("60", "6012", "6014", "641"),
        sic_prefixes=("49", "532"),
        words=r"\bpassenger transport\b|\btransport services\b|\btaxis?\b|\bminibus\w*|\bcommunity transport\b"
        r"|\bcouriers?\b|\bcycle couriers?\b|\bhome to school transport\b|\bschool transport\b",
    ),
    ServiceFamily(
        key="waste",
        label="waste and recycling",
        cpv=("90500000", "90510000", "90514000"),
        cpv_prefixes=("905", "9051", "9052"),
        sic_prefixes=("38", "39"),
        words=r"\bwaste\b|\brecycling\b|\breuse\b|\bre-use\b|\bupcycl\w*|\bskip hire\b|\bclearances?\b",
    ),
    ServiceFamily(
        key="care",
        label="social care and support",
        cpv=("85310000", "85311000", "85312000"),
        cpv_prefixes=("853", "8531", "8532"),
        sic_prefixes=("87", "881", "8899"),
        words=r"\bsocial care\b|\bhome care\b|\bdomiciliary\b|\bcare (?:services|workers?|and support)\b"
        r"|\bsupported living\b|\bpersonal assistants?\b|\bsupport workers?\b|\brespite care\b",
    ),
    ServiceFamily(
        key="health",
        label="health and wellbeing",
        cpv=("85100000", "85140000", "85121270"),
        cpv_prefixes=("851", "8512", "8514", "8532"),
        sic_prefixes=("86",),
        words=r"\bmental health\b|\bwell-?being\b|\bcounsel+ing\b|\btherap(?:y|ies|ists?)\b|\bhealth services\b"
        r"|\bnursing\b|\bphysiotherap\w*|\bpsycholog\w*",
        notice_words=False,
    ),
    ServiceFamily(
        key="childcare",
        label="childcare and youth work",
        cpv=("85312110", "80110000", "92331210"),
        cpv_prefixes=("8531211", "8011", "9233121"),
        sic_prefixes=("8891", "851"),
        words=r"\bchildcare\b|\bnurser(?:y|ies)\b|\bearly years\b|\byouth (?:work|services|clubs?)\b|\bplay ?schemes?\b"
        r"|\bafter-?school\b|\bholiday clubs?\b",
        notice_words=False,
    ),
    ServiceFamily(
        key="training",
        label="education and training",
        cpv=("80500000", "80530000", "80000000"),
        cpv_prefixes=("80",),
        sic_prefixes=("85",),
        words=r"\btraining\b|\bcourses?\b|\beducation(?:al)?\b|\btuition\b|\bteaching\b|\bworkshops\b|\blearning\b"
        r"|\bapprenticeships?\b",
        notice_words=False,
        description_words=False,
    ),
    ServiceFamily(
        key="it",
        label="IT and software",
        cpv=("72000000", "72200000", "72413000"),
        cpv_prefixes=("72", "48"),
        sic_prefixes=("62", "631"),
        words=r"\bsoftware\b|\bweb ?sites? (?:development|design)\b|\bweb development\b|\bdigital services\b"
        r"|\bit (?:services|support|consultancy|systems)\b|\bdatabases?\b|\bhosting\b|\bapps?\b|\bcyber security\b"
        r"|\bopen source\b",
        notice_words=False,
    ),
    ServiceFamily(
        key="design",
        label="design, media and communications",
        cpv=("79340000", "79822500", "92111000"),
        cpv_prefixes=("7934", "79822", "9211", "7996"),
        sic_prefixes=("731", "741", "742", "591", "592"),
        words=r"\bgraphic design\w*|\bdesign (?:agency|studio|services)\b|\bbranding\b|\bmarketing\b"
        r"|\bcommunications\b|\bfilm(?:s|making| production)?\b|\bvideo\w*|\bphotograph\w*|\banimation\b",
        notice_words=False,
        description_words=False,
    ),
    ServiceFamily(
        key="printing",
        label="printing and publishing",
        cpv=("79810000", "79800000", "22000000"),
        cpv_prefixes=("798", "22"),
        sic_prefixes=("18", "58"),
        words=r"\bprint(?:ing|ers?)\b|\bpublish\w*|\bbooks?\b|\bleaflets?\b",
        notice_words=False,
        description_words=False,
    ),
    ServiceFamily(
        key="consultancy",
        label="consultancy, research and evaluation",
        cpv=("79411000", "79400000", "73210000"),
        cpv_prefixes=("794", "73", "79311", "79315"),
        sic_prefixes=("702", "72", "732"),
        words=r"\bconsultan(?:cy|ts?)\b|\bresearch\b|\bevaluation\b|\bfeasibility\b|\bbusiness support\b"
        r"|\bfacilitation\b|\borganisational development\b",
        notice_words=False,
    ),
    ServiceFamily(
        key="finance",
        label="accounting, audit and legal services",
        cpv=("79200000", "79210000", "79100000"),
        cpv_prefixes=("791", "792"),
        sic_prefixes=("69",),
        words=r"\baccount(?:ancy|ants|ing services)\b|\baudit\w*|\bbookkeeping\b|\bpayroll\b"
        r"|\blegal (?:services|advice)\b|\bsolicitors?\b",
        notice_words=False,
        description_words=False,
    ),
    ServiceFamily(
        key="arts",
        label="arts, culture and events",
        cpv=("92300000", "79952000", "92310000"),
        cpv_prefixes=("923", "925", "7995", "9231", "9232"),
        sic_prefixes=("90", "91", "932"),
        words=r"\barts?\b|\btheatre\b|\bmusic(?:al|ians?)?\b|\bevents?\b|\bfestivals?\b|\bexhibitions?\b"
        r"|\bheritage\b|\bperformances?\b|\bcreative\b",
        notice_words=False,
        description_words=False,
    ),
    ServiceFamily(
        key="translation",
        label="translation and interpreting",
        cpv=("79530000", "79540000"),
        cpv_prefixes=("7953", "7954"),
        sic_prefixes=("743",),
        words=r"\btranslat(?:ion|ing|ors?)\b|\binterpret(?:ing|ers?)\b|\bbsl\b",
    ),
    ServiceFamily(
        key="employment",
        label="employment support and recruitment",
        cpv=("79600000", "79610000", "85312320"),
        cpv_prefixes=("796", "79611", "85312320"),
        sic_prefixes=("78",),
        words=r"\brecruitment\b|\bemployment support\b|\bemployability\b|\bjob ?seekers?\b|\bback to work\b",
        notice_words=False,
    ),
    ServiceFamily(
        key="housing",
        label="housing and property management",
        cpv=("70330000", "70332000", "98341000"),
        cpv_prefixes=("703", "7033", "98341"),
        sic_prefixes=("68",),
        words=r"\bhousing (?:management|services|support)\b|\bproperty management\b|\btenancy (?:support|management)\b",
        notice_words=False,
    ),
)
BY_KEY = {f.key: f for f in FAMILIES}


@functools.cache
def _pattern(key: str) -> re.Pattern[str]:
    return re.compile(BY_KEY[key].words)


@dataclass(frozen=True, slots=True)
class Evidence:
    family: ServiceFamily
    source: str  # "SIC 81210", "the description: 'cleaning'", "CPV 90910000"


def families_for_sic(code: str) -> list[ServiceFamily]:
    """Families whose SIC prefixes cover the 5-digit SIC code (longest prefix first)."""
    scored = [(_max_prefix(code, f.sic_prefixes), f) for f in FAMILIES]
    return [f for n, f in sorted(scored, key=lambda x: -x[0]) if n]


def _max_prefix(code: str, prefixes: tuple[str, ...]) -> int:
    return max((len(p) for p in prefixes if code.startswith(p)), default=0)


def families_for_cpv(code: str) -> list[ServiceFamily]:
    """Families one CPV code asks for (the longest matching prefix wins; ties all count)."""
    lengths = {f.key: _max_prefix(code, f.cpv_prefixes) for f in FAMILIES}
    best = max(lengths.values(), default=0)
    return [f for f in FAMILIES if best and lengths[f.key] == best]


def words_in(text: str) -> list[tuple[ServiceFamily, str]]:
    """Families whose words occur in ``text``, each with the first phrase that matched, in table order."""
    lower = text.lower()
    out = []
    for f in FAMILIES:
        m = _pattern(f.key).search(lower)
        if m:
            out.append((f, m.group(0)))
    return out


def enterprise_evidence(sic_codes: tuple[str, ...], text: str, cpv_codes: tuple[str, ...] = ()) -> dict[str, Evidence]:
    """Family key -> the first evidence that the enterprise supplies it: declared CPV, SIC, then its words."""
    out: dict[str, Evidence] = {}
    for code in cpv_codes:
        for f in families_for_cpv(code):
            out.setdefault(f.key, Evidence(f, f"CPV {code}"))
    for code in sic_codes:
        for f in families_for_sic(code):
            out.setdefault(f.key, Evidence(f, f"SIC {code}"))
    for f, phrase in words_in(text):
        if f.description_words:
            out.setdefault(f.key, Evidence(f, f"the description: {phrase!r}"))
    return out


NOTICE_OPENING_CHARS = 400  # the part of a description that says what is bought, before the boilerplate


def notice_services(codes: tuple[str, ...], title: str, description: str) -> list[Evidence]:
    """The distinct services a notice asks for: the families of its CPV codes, then those its title and
    the opening of its description name (families with ``notice_words`` only), one each, in that order."""
    out: dict[str, Evidence] = {}
    for code in codes:
        for f in families_for_cpv(code):
            out.setdefault(f.key, Evidence(f, f"CPV {code}"))
    for f, phrase in words_in(f"{title}\n{description[:NOTICE_OPENING_CHARS]}"):
        if f.notice_words:
            out.setdefault(f.key, Evidence(f, f"the notice's words: {phrase!r}"))
    return list(out.values())


__all__ = [
    "BY_KEY",
    "FAMILIES",
    "Evidence",
    "ServiceFamily",
    "enterprise_evidence",
    "families_for_cpv",
    "families_for_sic",
    "notice_services",
    "words_in",
]
