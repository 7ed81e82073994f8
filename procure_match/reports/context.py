"""Pure context builders for the bid briefs, the weekly digest and consortia.json.

Each function takes scan data and returns plain dicts and lists of strings and numbers, ready for a
template or for JSON; nothing here reads or writes files. Every figure that a report shows is worked
out here, with the words that explain it.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any

from procure_match.consortium import Team, TeamMember
from procure_match.consortium.explain import gbp
from procure_match.domain import Candidate, Enterprise, Money, ScanResult, Tender
from procure_match.ledger.contracts import category_for
from procure_match.profiles import inferred_cpv_text, legal_form_text, size_text
from procure_match.reference.cpv import CpvVocabulary, agreement, default_vocabulary
from procure_match.scoring.learned import tender_noise
from procure_match.scoring.lexical import PLACE_WORDS, STOPWORDS
from procure_match.scoring.rank import STATUS_BELOW_FLOOR, STATUS_INELIGIBLE
from procure_match.settings import Settings

# OCDS tender.otherRequirements.reservedParticipation codes in plain words.
RESERVED_WORDS = {
    "shelteredWorkshop": "reserved for sheltered workshops",
    "publicServiceMissionOrganization": "reserved for public service mutuals (public service mission organisations)",
}
_WORD = re.compile(r"[a-z][a-z0-9'-]{2,}")
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


# ---------------------------------------------------------------- small formatters


def _utc_naive(t: datetime) -> datetime:
    return t.astimezone(UTC).replace(tzinfo=None) if t.tzinfo else t


def day_text(d: date | datetime | None) -> str:
    """ "Thu 10 Dec 2026" (and ", 12:00" for a datetime with a time of day); "not stated" for None."""
    if d is None:
        return "not stated"
    text = f"{d:%a} {d.day} {d:%b %Y}"
    if isinstance(d, datetime) and (d.hour or d.minute):
        text += f", {d:%H:%M}"
    return text


def days_between(start: datetime, end: datetime) -> int:
    """Whole calendar days from ``start`` to ``end`` (negative when ``end`` is earlier)."""
    return (_utc_naive(end).date() - _utc_naive(start).date()).days


def days_left_text(days: int | None) -> str:
    if days is None:
        return "deadline not stated"
    if days == 0:
        return "closes today"
    if days < 0:
        return f"closed {-days} day{'s' if days != -1 else ''} ago"
    return f"{days} day{'s' if days != 1 else ''} left"


def money_text(m: Money) -> str:
    """The value as a reader wants it: GBP (a range when one is given), the original currency when not GBP."""
    if m.amount is None:
        return f"not stated ({m.gbp_note})" if m.gbp_note else "not stated"
    cur = m.currency or "GBP"
    if m.amount_gbp is None:
        note = f": {m.gbp_note}" if m.gbp_note else ""
        return f"{cur} {m.amount:,.0f} (not converted to GBP{note})"
    rate = m.amount_gbp / m.amount if m.amount else 1.0
    if m.low is not None and m.high is not None and m.low != m.high:
        text = f"£{m.low * rate:,.0f} to £{m.high * rate:,.0f}"
    else:
        text = f"£{m.amount_gbp:,.0f}"
    if cur != "GBP":
        text += f" ({cur} {m.amount:,.0f}" + (f", {m.gbp_note})" if m.gbp_note else ")")
    return text


def yes_no(flag: bool | None) -> str:
    return "not stated" if flag is None else ("yes" if flag else "no")


def safe_url(url: str | None) -> str | None:
    """The URL when it is plain http(s) (never javascript: or data:), else None."""
    if url and re.fullmatch(r"https?://[^\s<>\"'`]+", url.strip()):
        return url.strip()
    return None


def safe_stem(text: str) -> str:
    """A file-name stem from an id: letters, digits, dot, dash, underscore; a hash keeps altered ids distinct."""
    stem = _SAFE.sub("_", text).strip("._")[:80] or "notice"
    if stem != text:
        stem += "-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:6]
    return stem


def brief_stem(team: Team) -> str:
    """``<tender>-<n>``: n = 1 for the best team, 2 for the first alternative, ..."""
    return f"{safe_stem(team.tender_id)}-{team.alternative + 1}"


def words(text: str) -> list[str]:
    return [w for w in (w.strip("'-") for w in _WORD.findall(text.lower())) if w not in STOPWORDS]


@dataclass(frozen=True, slots=True)
class WordProfile:
    """A text's words (stop words left out) in order, as a set, and its consecutive word pairs."""

    words: tuple[str, ...]
    vocabulary: frozenset[str]
    pairs: frozenset[tuple[str, str]]


@functools.lru_cache(maxsize=4096)
def word_profile(text: str) -> WordProfile:
    """The words of ``text`` (cached: the same notice and enterprise texts recur across teams)."""
    found = tuple(words(text))
    return WordProfile(found, frozenset(found), frozenset(pairwise(found)))


def matching_phrases(
    notice_text: str, enterprise_text: str, limit: int = 8, exclude: frozenset[str] = frozenset()
) -> list[str]:
    """Word pairs, then single words, that appear in both texts, in notice order: stop words, place words and
    ``exclude`` (the buyer's name and the notice's place fields, ``lexical.noise_words``) left out."""
    skip = PLACE_WORDS | exclude
    n_words, enterprise = word_profile(notice_text).words, word_profile(enterprise_text)
    out: list[str] = []
    seen: set[str] = set()  # the phrases in out, for quick look-up
    used: set[str] = set()
    for a, b in pairwise(n_words):
        phrase = f"{a} {b}"
        if (a, b) in enterprise.pairs and phrase not in seen and a not in skip and b not in skip:
            out.append(phrase)
            seen.add(phrase)
            used.update((a, b))
    for w in n_words:
        if w in enterprise.vocabulary and w not in used and w not in seen and w not in skip:
            out.append(w)
            seen.add(w)
    return out[:limit]


def notice_text(tender: Tender) -> str:
    parts = [tender.title, tender.description]
    for lot in tender.lots:
        parts += [lot.title or "", lot.description or ""]
    return " ".join(p for p in parts if p)


def _tender_codes(tender: Tender) -> tuple[str, ...]:
    codes = list(tender.cpv_codes or ((tender.main_cpv,) if tender.main_cpv else ()))
    for lot in tender.lots:
        codes += [c for c in lot.cpv_codes if c not in codes]
    return tuple(codes)


# ---------------------------------------------------------------- the notice

STAGE_WORDS = {
    "planning": "planning notice: the buyer plans to tender",
    "pipeline": "pipeline notice: the buyer plans to tender",
    "market engagement": "market engagement: the buyer is asking the market before it tenders",
    "tender": "open tender",
    "award": "awarded",
    "cancelled": "cancelled",
}
# Rule names of Candidate.unverified in the words of what to check.
CHECK_WORDS = {
    "certifications": "certification",
    "capacity": "turnover",
    "reserved_participation": "legal form",
    "cpv": "CPV codes",
}


def expected_text(tender: Tender) -> str:
    """For an early notice: when the tender is expected, or the date the notice gives, with what it means."""
    if tender.future_notice_date is not None:
        return f"tender notice expected {day_text(tender.future_notice_date)}"
    if tender.deadline is None:
        return "no date given: ask the buyer when it plans to tender"
    if tender.stage == "market engagement":
        return f"engagement closes {day_text(tender.deadline)}"
    return f"date on the notice {day_text(tender.deadline)} (check whether it is the expected tender date)"


def contact_text(tender: Tender) -> str:
    """The buyer's named contact as one line, or "" when the notice gives none."""
    c = tender.buyer_contact
    if c is None:
        return ""
    return ", ".join(x for x in (c.name, c.email, c.phone) if x) or (c.website or "")


def checks_text(c: Candidate) -> str:
    """ "check: certification, turnover" for a candidate with unverified checks, else ""."""
    if not c.unverified:
        return ""
    return "check: " + ", ".join(CHECK_WORDS.get(name, name) for name in c.unverified)


def notice_context(tender: Tender, scanned_at: datetime, cpv: CpvVocabulary) -> dict[str, Any]:
    return {**_notice_facts(tender, scanned_at, cpv), **_notice_stage(tender)}


def _notice_stage(tender: Tender) -> dict[str, Any]:
    return {
        "stage": tender.stage,
        "stage_text": STAGE_WORDS.get(tender.stage, tender.stage),
        "early": tender.is_early,
        "expected": expected_text(tender) if tender.is_early else "",
        "buyer_contact": contact_text(tender),
    }


def _notice_facts(tender: Tender, scanned_at: datetime, cpv: CpvVocabulary) -> dict[str, Any]:
    days = days_between(scanned_at, tender.deadline) if tender.deadline else None
    description = " ".join(tender.description.split())
    if len(description) > 700:
        description = description[:697].rstrip() + "..."
    return {
        "id": tender.tender_id,
        "title": tender.title or "(untitled notice)",
        "buyer": tender.buyer_name or "not stated",
        "value": money_text(tender.value),
        "deadline": day_text(tender.deadline),
        "days_left": days,
        "days_left_text": days_left_text(days),
        "published": day_text(tender.published),
        "period": (
            f"{day_text(tender.contract_start)} to {day_text(tender.contract_end)}"
            if tender.contract_start or tender.contract_end
            else "not stated"
        ),
        "description": description,
        "cpv": [cpv.label(c) for c in tender.cpv_codes],
        "lots": [
            {
                "id": lot.id,
                "title": lot.title or lot.description or f"Lot {lot.id}",
                "value": money_text(lot.value),
                "cpv": [cpv.label(c) for c in lot.cpv_codes],
            }
            for lot in tender.lots
        ],
        "suitable_sme": yes_no(tender.suitable_sme),
        "suitable_vcse": yes_no(tender.suitable_vcse),
        "reserved": "; ".join(RESERVED_WORDS.get(r, r) for r in tender.reserved_participation)
        if tender.reserved_participation
        else "no",
        "url": safe_url(tender.url),
        "url_text": tender.url or "",
        "source": tender.source or "not stated",
    }


# ---------------------------------------------------------------- the brief


def agreeing_codes(enterprise_codes: tuple[str, ...], notice_codes: tuple[str, ...], cpv: CpvVocabulary) -> list[str]:
    """Each enterprise code that agrees with a notice code at division level or deeper, with the deepest match."""
    codes = []
    for e_code in enterprise_codes:
        best = max(((agreement(e_code, t), t) for t in notice_codes), default=((0, None), None))
        (depth, level), t_code = best
        if depth >= 2 and t_code:
            codes.append(f"{cpv.label(e_code)} (agrees with {t_code} at {level} level)")
    return codes


class ScanLookup:
    """What the briefs of one scan share, worked out once: the notices by id, each notice's context, next
    steps and text, and each enterprise's matching words and codes for a notice.

    ``write_briefs`` builds one for all its briefs; ``brief_context`` builds its own when given none. It
    must be built from the same scan, settings and vocabulary as the briefs. The dicts and lists it hands
    out are shared by every brief of the notice: read them, never change them.
    """

    def __init__(self, result: ScanResult, settings: Settings, vocab: CpvVocabulary):
        self.result, self.settings, self.vocab = result, settings, vocab
        self.tenders: dict[str, Tender] = {}
        for t in result.tenders:
            self.tenders.setdefault(t.tender_id, t)  # the first notice with the id, as a search in order finds
        self._notices: dict[str, dict[str, Any]] = {}
        self._steps: dict[str, list[dict[str, str]]] = {}
        self._texts: dict[str, tuple[str, tuple[str, ...]]] = {}
        self._matches: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
        self._noise: dict[str, frozenset[str]] = {}

    def notice(self, tender_id: str) -> dict[str, Any]:
        if tender_id not in self._notices:
            self._notices[tender_id] = notice_context(self.tenders[tender_id], self.result.scanned_at, self.vocab)
        return self._notices[tender_id]

    def next_steps(self, tender_id: str) -> list[dict[str, str]]:
        if tender_id not in self._steps:
            self._steps[tender_id] = next_steps(self.tenders[tender_id], self.result.scanned_at, self.settings)
        return self._steps[tender_id]

    def matches(self, tender_id: str, ent: Enterprise) -> tuple[list[str], list[str]]:
        """(matching phrases, agreeing codes) between the notice and the enterprise."""
        key = (tender_id, ent.id)
        if key not in self._matches:
            if tender_id not in self._texts:
                tender = self.tenders[tender_id]
                self._texts[tender_id] = (notice_text(tender), _tender_codes(tender))
                self._noise[tender_id] = tender_noise(tender)
            text, codes = self._texts[tender_id]
            self._matches[key] = (
                matching_phrases(text, " ".join([ent.description, *ent.sectors]), exclude=self._noise[tender_id]),
                agreeing_codes(ent.cpv_codes, codes, self.vocab),
            )
        return self._matches[key]


def _evidence(tender_id: str, ent: Enterprise, rows: list[Candidate], lookup: ScanLookup) -> dict[str, Any]:
    reasons: list[str] = []
    for r in sorted(rows, key=lambda r: (r.lot_id is not None, r.lot_id or "")):
        for sentence in r.reasons:
            if sentence not in reasons:
                reasons.append(sentence)
    phrases, codes = lookup.matches(tender_id, ent)
    return {"phrases": phrases, "codes": codes, "reasons": reasons[:8]}


def social_value(tender: Tender, team: Team, enterprises: dict[str, Enterprise], settings: Settings) -> dict[str, Any]:
    """The contract's social-enterprise spend target and how much of it this team's win would meet."""
    category, _ = category_for(_tender_codes(tender), settings)
    pct = settings.ledger.targets.get(category) if category else None
    value = tender.value.amount_gbp
    social = [m for m in team.members if enterprises.get(m) and enterprises[m].is_social_legal_form]
    not_social = [enterprises[m].name for m in team.members if m not in social and m in enterprises]
    out: dict[str, Any] = {"category": category or "no target category", "target_pct": pct, "lines": []}
    lines = out["lines"]
    if pct is None:
        lines.append(
            "This contract's CPV codes fall under no spend category with a social-enterprise target "
            "(ledger.categories), so no contractual target applies; the bid's social value is still worth stating."
        )
    elif value is None:
        lines.append(
            f"Category {category}: target {pct:g}% of contract value with social enterprises (value not stated)."
        )
    else:
        lines.append(
            f"Category {category}: target {pct:g}% of {gbp(value)} = {gbp(value * pct / 100)} with social enterprises."
        )
    if social and not not_social:
        share = "the whole contract value" + (f" ({gbp(value)})" if value is not None else "")
        times = f", {100 / pct:,.0f} times the target" if pct and value is not None else ""
        lines.append(
            f"Every member is a social enterprise: winning would place {share} with social enterprises{times}."
        )
    elif social:
        lines.append(
            f"{len(social)} of {len(team.members)} members are social enterprises by legal form; the work assigned "
            f"to them counts towards the target ({', '.join(not_social)} do(es) not count)."
        )
    else:
        lines.append("No member's recorded legal form counts as a social enterprise: check and record legal forms.")
    return out


def early_steps(tender: Tender, scanned_at: datetime) -> list[dict[str, str]]:
    """Steps for a planning, pipeline or market-engagement notice: talk to the buyer, form the team, watch
    for the tender. No submission deadline or go/no-go: there is nothing to bid for yet."""
    today = day_text(_utc_naive(scanned_at).date())
    contact = contact_text(tender)
    who = f"the buyer's contact ({contact})" if contact else "the buyer (no contact named: use the notice page)"
    steps = [
        {"when": today, "what": f"Register interest with {who}; ask about timing, lots and social value."},
        {"when": today, "what": "Share this brief with every proposed member; agree the lead and who covers what."},
    ]
    watch = "Watch for the tender notice; a bid brief with the submission deadline follows."
    if tender.future_notice_date is not None:
        steps.append({"when": day_text(tender.future_notice_date), "what": "Tender notice expected. " + watch})
    elif tender.stage == "market engagement" and tender.deadline is not None:
        steps.append({"when": day_text(tender.deadline), "what": "Market engagement closes: respond before then."})
        steps.append({"when": f"after {day_text(tender.deadline)}", "what": watch})
    elif tender.deadline is not None:
        steps.append(
            {"when": day_text(tender.deadline), "what": "Date given on the notice: check what it marks. " + watch}
        )
    else:
        steps.append({"when": "ask the buyer", "what": "No date given on the notice. " + watch})
    return steps


def next_steps(tender: Tender, scanned_at: datetime, settings: Settings) -> list[dict[str, str]]:
    """Dated steps before the deadline (go/no-go, clarification questions, submission), never before today;
    early notices get ``early_steps`` instead."""
    if tender.is_early:
        return early_steps(tender, scanned_at)
    cfg = settings.consortium
    today = _utc_naive(scanned_at).date()
    steps = [{"when": day_text(today), "what": "Share this brief with every proposed member; confirm interest."}]
    if tender.deadline is None:
        steps.append(
            {"when": "as soon as possible", "what": "Find the deadline on the notice page before going further."}
        )
        return steps
    deadline = _utc_naive(tender.deadline)
    for days_before, what in (
        (cfg.go_no_go_days_before, "Internal go/no-go decision with the lead and every partner."),
        (cfg.clarification_days_before, "Last day to send clarification questions to the buyer (check the notice)."),
    ):
        when = deadline.date() - timedelta(days=days_before)
        late = when < today
        steps.append({"when": day_text(today) + " (already late)" if late else day_text(when), "what": what})
    steps.append({"when": day_text(deadline), "what": "Submission deadline."})
    return steps


def _member_cards(
    result: ScanResult, team: Team, labels: dict[str, str], lookup: ScanLookup
) -> tuple[list[dict[str, Any]], list[str]]:
    """One card per member, and the reasons every member shares (said once, taken out of the cards)."""
    member_by_id: dict[str, TeamMember] = {}
    for m in team.member_details:
        member_by_id.setdefault(m.enterprise_id, m)  # as Team.member finds it
    members = []
    for m in team.member_details:
        ent = result.enterprises[m.enterprise_id]
        members.append(
            {
                "id": m.enterprise_id,
                "name": m.name,
                "role": m.role,
                "legal_form": legal_form_text(ent),
                "covers": member_covers(member_by_id[m.enterprise_id], labels),
                "turnover": size_text(ent),
                "inferred_cpv": "" if ent.cpv_codes else inferred_cpv_text(ent),
                "distance": "unknown" if m.distance_km is None else f"{m.distance_km:.0f} km",
                "shared_consortia": m.shared_consortia,
                "contact": ent.contact.email or ent.contact.website or ent.contact.phone or "",
                "checks": _member_checks(m.rows),
                **_evidence(team.tender_id, ent, m.rows, lookup),
            }
        )
    # Reasons every member shares are about the notice (e.g. "marked suitable for VCSEs"): say them once.
    common = set.intersection(*(set(m["reasons"]) for m in members)) if len(members) > 1 else set()
    common_reasons = [r for r in members[0]["reasons"] if r in common] if common else []
    for m in members:
        m["reasons"] = [r for r in m["reasons"] if r not in common]
    return members, common_reasons


def _member_checks(rows: list[Candidate]) -> str:
    """What to check by hand for a member (its unverified checks over its rows), or ""."""
    names = list(dict.fromkeys(name for r in rows for name in r.unverified))
    return ", ".join(CHECK_WORDS.get(n, n) for n in names)


def _team_context(
    team: Team, labels: dict[str, str], members: list[dict[str, Any]], common_reasons: list[str]
) -> dict[str, Any]:
    member_by_id: dict[str, TeamMember] = {}
    for m in team.member_details:
        member_by_id.setdefault(m.enterprise_id, m)
    return {
        "alternative": team.alternative,
        "rank_text": "best team" if team.alternative == 0 else f"alternative {team.alternative}",
        "lead": team.member(team.lead).name if team.lead else "",
        "size": len(team.members),
        "score": f"{team.score:.3f}",
        "reasons": team.reasons,
        "common_reasons": common_reasons,
        "members": members,
        "assignment": [
            {"requirement": labels[r], "member": member_by_id[e].name, "fit": f"{member_by_id[e].fits.get(r, 0):.2f}"}
            for r, e in team.assignment.items()
        ],
    }


def _capacity_context(team: Team) -> dict[str, Any]:
    capacity = next(r for r in team.requirements if r.kind == "capacity")
    rows = [
        {
            "name": m.name,
            "turnover": gbp(m.turnover) if m.turnover is not None else "not recorded",
            "share": f"{m.turnover / team.combined_turnover:.0%}" if m.turnover and team.combined_turnover else "-",
        }
        for m in team.member_details
    ]
    recorded = any(m.turnover is not None for m in team.member_details)
    verdict = _capacity_verdict(capacity.turnover_needed, team.capacity)
    return {
        "rows": rows,
        "total": gbp(team.combined_turnover) if recorded else "not recorded",
        "needed": gbp(capacity.turnover_needed) if capacity.turnover_needed is not None else "not checked",
        "how": capacity.note,
        "met": verdict == "met",
        "verdict": verdict,
    }


def _capacity_verdict(needed: float | None, team_capacity: str) -> str:
    """ "not checked" (value unknown), "met", "unverified" (a member's turnover is not recorded: the team's
    own verdict, ``Team.capacity``) or "short" (recorded turnover below the need)."""
    if needed is None:
        return "not checked"
    return team_capacity if team_capacity in ("met", "unverified") else "short"


def _brief_risks(team: Team, tender: Tender, notice: dict[str, Any], settings: Settings) -> list[str]:
    """The team's risks, plus a short or passed deadline (tenders only) and a missing delivery place."""
    risks = list(team.risks)
    days = notice["days_left"]
    usual = settings.consortium.go_no_go_days_before
    if not tender.is_early and days is not None and days < usual:
        if days < 0:
            risks.append(f"the deadline has passed ({days_left_text(days)}): check whether the notice was extended")
        else:
            risks.append(f"only {days_left_text(days)}: less than the usual {usual} days to decide")
    location = next(r for r in team.requirements if r.kind == "location")
    if not tender.locations and location.radius_km is not None:
        risks.append("the notice gives no delivery location: distances are to the buyer's area only, if known")
    return risks


def brief_context(
    result: ScanResult,
    team: Team,
    settings: Settings,
    cpv: CpvVocabulary | None = None,
    lookup: ScanLookup | None = None,
) -> dict[str, Any]:
    """Everything a brief shows, for one proposed team (``lookup``: shared work for many briefs of a scan).

    A tender gets a bid brief; a planning, pipeline or market-engagement notice an "early interest" brief:
    who to talk to, which team to form and when the tender is expected, with no submission deadline."""
    if lookup is None:
        lookup = ScanLookup(result, settings, cpv or default_vocabulary(settings.ingest.cpv_vocabulary or None))
    elif lookup.result is not result:
        raise ValueError("brief_context: the lookup was built for another scan")
    tender = lookup.tenders[team.tender_id]
    labels = {r.id: r.label for r in team.requirements}
    members, common_reasons = _member_cards(result, team, labels, lookup)
    notice = lookup.notice(team.tender_id)
    kind = "Early interest" if tender.is_early else "Bid brief"
    return {
        "title": f"{kind}: {notice['title']}",
        "kind": kind,
        "early": tender.is_early,
        "scanned": day_text(_utc_naive(result.scanned_at)),
        "notice": notice,
        "team": _team_context(team, labels, members, common_reasons),
        "capacity": _capacity_context(team),
        "location": next(r for r in team.requirements if r.kind == "location").label,
        "gaps": team.gaps,
        "risks": _brief_risks(team, tender, notice, settings),
        "social_value": social_value(tender, team, result.enterprises, settings),
        "next_steps": lookup.next_steps(team.tender_id),
    }


# ---------------------------------------------------------------- consortia.json


def _covered_part(label: str, member: TeamMember, requirement_id: str) -> str:
    """ "cleaning (from CPV 90911200) (fit 0.52; supplies it: SIC 81210)"."""
    why = member.evidence.get(requirement_id)
    return f"{label} (fit {member.fits.get(requirement_id, 0):.2f}" + (f"; supplies it: {why})" if why else ")")


def member_covers(m: TeamMember, labels: dict[str, str]) -> list[str]:
    """The parts a member covers in words; a capacity partner shares work it can do and brings turnover."""
    if m.covers:
        return [_covered_part(labels[r], m, r) for r in m.covers]
    return [f"shares {_covered_part(labels[r], m, r)}, bringing recorded turnover the team needs" for r in m.shares]


def _member_part(m: TeamMember, team: Team) -> dict[str, Any]:
    """What one member brings, in words: the requirements it covers, with its fit and evidence."""
    labels = {r.id: r.label for r in team.requirements}
    return {
        "enterprise_id": m.enterprise_id,
        "name": m.name,
        "role": m.role,
        "covers": member_covers(m, labels),
        "turnover": m.turnover,
        "turnover_source": m.size_source or ("the directory" if m.turnover is not None else "not recorded"),
    }


def consortia_records(teams: list[Team], result: ScanResult | None = None) -> list[dict[str, Any]]:
    """One JSON-ready object per team (or per notice with no possible team), in the order given."""
    titles = {t.tender_id: t.title for t in result.tenders} if result else {}
    out = []
    for team in teams:
        out.append(
            {
                "tender_id": team.tender_id,
                "tender_title": titles.get(team.tender_id),
                "alternative": team.alternative,
                "feasible": team.feasible,
                "members": list(team.members),
                "member_names": [m.name for m in team.member_details],
                "roles": {m.enterprise_id: m.role for m in team.member_details},
                "lead": team.lead,
                "assignment": dict(team.assignment),
                "requirements": [
                    {"id": r.id, "kind": r.kind, "label": r.label, "value_gbp": r.value_gbp}
                    for r in team.requirements
                    if r.is_work
                ],
                "member_parts": [_member_part(m, team) for m in team.member_details],
                "combined_turnover": team.combined_turnover,
                "turnover_needed": team.turnover_needed,
                "capacity": team.capacity,
                "score": team.score,
                "score_parts": {
                    "fit_total": team.fit_total,
                    "member_penalty": team.penalty,
                    "shared_bonus": team.bonus,
                },
                "reasons": team.reasons,
                "gaps": team.gaps,
                "risks": team.risks,
                "brief": f"briefs/{brief_stem(team)}.html" if team.feasible else None,
            }
        )
    return out


# ---------------------------------------------------------------- the digest


def _lot_text(c: Candidate, tender: Tender) -> str:
    """ "Lot 2: title" for a lot's candidate row, "" for a whole-notice row."""
    if not c.lot_id:
        return ""
    lot = next((lot for lot in tender.lots if lot.id == c.lot_id), None)
    return f"Lot {lot.id}: {lot.title}" if lot and lot.title else f"Lot {c.lot_id}"


def _match_row(c: Candidate, ent: Enterprise, tender: Tender) -> dict[str, Any]:
    return {
        "enterprise": ent.name,
        "enterprise_id": ent.id,
        "lot": _lot_text(c, tender),
        "score": f"{c.score:.2f}",
        "status": c.status_text,
        "checks": checks_text(c),
        "reason": c.reasons[0] if c.reasons else "",
    }


def delivery_text(facts: dict[str, Any] | None) -> str:
    """One line on where the work is done and whether distance counted (MatchTarget.delivery_facts)."""
    if not facts:
        return ""
    if facts.get("overseas"):
        return f"delivered outside the UK: {facts['delivery_place']} (distance not scored)"
    place = facts.get("delivery_place") or "place not known"
    if facts.get("place_basis") == "wide area":
        place = f"across {place}, not one place"
    return f"{facts['delivery_reason']} · {place}"


def _team_row(team: Team) -> dict[str, Any]:
    return {
        "members": [m.name for m in team.member_details],
        "lead": team.member(team.lead).name if team.lead else "",
        "score": f"{team.score:.3f}",
        "link": f"briefs/{brief_stem(team)}.html",
        "link_md": f"briefs/{brief_stem(team)}.md",
        "label": "best team" if team.alternative == 0 else f"alternative {team.alternative}",
    }


@dataclass(slots=True)
class DigestInputs:
    """What the digest steps share: the notices in the digest, their candidates and teams by notice."""

    result: ScanResult
    tenders: list[Tender]
    by_tender: dict[str, list[Candidate]]
    teams_by_tender: dict[str, list[Team]]


def digest_inputs(result: ScanResult, teams: list[Team]) -> DigestInputs:
    """Step 1: the notices not excluded (in scan order), with their candidates and teams."""
    tenders = [t for t in result.tenders if t.tender_id not in result.excluded]
    by_tender: dict[str, list[Candidate]] = defaultdict(list)
    for c in result.candidates:
        if c.enterprise_id in result.enterprises:
            by_tender[c.tender_id].append(c)
    teams_by_tender: dict[str, list[Team]] = defaultdict(list)
    for team in teams:
        teams_by_tender[team.tender_id].append(team)
    return DigestInputs(result, tenders, by_tender, teams_by_tender)


def notice_entries(d: DigestInputs, settings: Settings, vocab: CpvVocabulary) -> list[dict[str, Any]]:
    """Step 2: one entry per notice by deadline: its facts and stage, top matches, teams and the gaps of teams
    not possible."""
    top = settings.consortium.digest_top_matches
    out = []
    for t in sorted(d.tenders, key=lambda t: (_utc_naive(t.deadline) if t.deadline else datetime.max, t.tender_id)):
        every = sorted(d.by_tender.get(t.tender_id, []), key=lambda c: (-c.score, c.rank, c.enterprise_id))
        rows = [c for c in every if c.status not in UNSHOWN_STATUSES]
        change = d.result.changes.get(t.tender_id)
        notice = notice_context(t, d.result.scanned_at, vocab)
        tteams = d.teams_by_tender.get(t.tender_id, [])
        keys = ("id", "title", "buyer", "value", "deadline", "days_left", "days_left_text", "url")
        out.append(
            {
                **{k: notice[k] for k in keys},
                **{k: notice[k] for k in ("stage", "stage_text", "early", "expected", "buyer_contact")},
                "where": delivery_text(d.result.deliveries.get((t.tender_id, None))),
                "change": change.kind if change else "",
                **_best_fit(rows, every, d.result),
                "matches": [_match_row(c, d.result.enterprises[c.enterprise_id], t) for c in rows[:top]],
                "more_matches": max(0, len(rows) - top),
                "teams": [_team_row(tm) for tm in tteams if tm.feasible],
                "gaps": [g for tm in tteams if not tm.feasible for g in tm.gaps],
            }
        )
    return out


# Candidates not shown as matches: below the learned fit's floor, or ineligible on evidence.
UNSHOWN_STATUSES = frozenset({STATUS_BELOW_FLOOR, STATUS_INELIGIBLE})


def _best_fit(shown: list[Candidate], every: list[Candidate], result: ScanResult) -> dict[str, Any]:
    """The notice's best fit (what orders the digest), the sentence that explains it, and, for a notice
    nothing in the network fits, its best candidate and why it falls short."""
    best = shown[0] if shown else None
    nearest = every[0] if every and not shown else None
    return {
        "fits": best is not None,
        "best_fit": best.score if best else (nearest.score if nearest else 0.0),
        "best_fit_text": f"{best.score:.2f}" if best else "",
        "best_name": result.enterprises[best.enterprise_id].name if best else "",
        "best_reason": best.reasons[0] if best and best.reasons else "",
        "nearest": (
            {
                "name": result.enterprises[nearest.enterprise_id].name,
                "fit": f"{nearest.score:.2f}",
                "why": _short_of(nearest),
            }
            if nearest
            else None
        ),
    }


_RULE_STEMS = {
    "capacity": "capacity",
    "certifications": "certific",
    "reserved_participation": "reserved",
    "radius": "radius",
}


def _short_of(c: Candidate) -> str:
    """Why the nearest candidate is not a match: the sentences of the rules it fails on evidence, else its fit."""
    if c.status == STATUS_INELIGIBLE:
        stems = [_RULE_STEMS.get(r, r) for r in c.failed_rules]
        said = [r for r in c.reasons if any(stem in r.lower() for stem in stems)]
        return " ".join(said) or "fails " + ", ".join(c.failed_rules)
    return c.reasons[0] if c.reasons else ""


def ranked_sections(entries: list[dict[str, Any]], limit: int) -> dict[str, Any]:
    """The digest's sections: open notices and coming-up notices that something fits, best fit first, at most
    ``limit`` each (the rest counted), and the notices nothing in the network fits."""
    fitting = sorted((n for n in entries if n["fits"]), key=lambda n: (-n["best_fit"], n["title"].lower()))
    opportunities = [n for n in fitting if not n["early"]]
    coming = [n for n in fitting if n["early"]]
    nothing = sorted((n for n in entries if not n["fits"]), key=lambda n: (-n["best_fit"], n["title"].lower()))
    return {
        "notices": opportunities[:limit],
        "more_notices": max(0, len(opportunities) - limit),
        "coming_up": coming[:limit],
        "more_coming_up": max(0, len(coming) - limit),
        "nothing_fits": nothing,
        "all_fitting": fitting,
    }


def change_entries(result: ScanResult, by_id: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Step 3: new, then changed, then withdrawn notices since the last scan."""
    changes = []
    all_titles = {t.tender_id: t.title for t in result.tenders}
    for kind in ("new", "changed", "withdrawn"):
        for tid, ch in sorted(result.changes.items()):
            if ch.kind != kind:
                continue
            title = by_id[tid]["title"] if tid in by_id else all_titles.get(tid) or tid
            changes.append(
                {
                    "id": tid,
                    "title": title,
                    "kind": kind,
                    "fields": list(ch.changed_fields),
                    "details": list(ch.details),
                    "in_digest": tid in by_id,
                }
            )
    return changes


def _enterprise_match(n: dict[str, Any], c: Candidate, t: Tender) -> dict[str, Any]:
    when = f"coming up, {n['expected']}" if n["early"] else f"closes {n['deadline']} ({n['days_left_text']})"
    return {
        "notice": n["title"],
        "notice_id": n["id"],
        "lot": _lot_text(c, t),
        "score": f"{c.score:.2f}",
        "status": c.status_text,
        "deadline": n["deadline"],
        "days_left_text": n["days_left_text"],
        "when": when,
    }


def _enterprise_team(n: dict[str, Any], team: Team, m: TeamMember) -> dict[str, Any]:
    return {
        "notice": n["title"],
        "role": m.role,
        "with": [x.name for x in team.member_details if x.enterprise_id != m.enterprise_id],
        "link": f"briefs/{brief_stem(team)}.html",
        "link_md": f"briefs/{brief_stem(team)}.md",
        "label": "best team" if team.alternative == 0 else f"alternative {team.alternative}",
    }


def enterprise_entries(d: DigestInputs, by_id: dict[str, dict[str, Any]], top: int) -> list[dict[str, Any]]:
    """Step 4: "your matches this week": per enterprise its eligible matches (best ``top``) and its teams."""
    per_enterprise: dict[str, dict[str, Any]] = {}

    def entry_for(ent: Enterprise) -> dict[str, Any]:
        if ent.id not in per_enterprise:
            per_enterprise[ent.id] = {"name": ent.name, "id": ent.id, "matches": [], "teams": []}
        return per_enterprise[ent.id]

    for t in d.tenders:
        n = by_id[t.tender_id]
        for c in d.by_tender.get(t.tender_id, []):
            if c.status not in UNSHOWN_STATUSES:
                entry_for(d.result.enterprises[c.enterprise_id])["matches"].append(_enterprise_match(n, c, t))
        for team in (tm for tm in d.teams_by_tender.get(t.tender_id, []) if tm.feasible):
            for m in team.member_details:
                entry_for(d.result.enterprises[m.enterprise_id])["teams"].append(_enterprise_team(n, team, m))
    for entry in per_enterprise.values():
        entry["matches"].sort(key=lambda m: (-float(m["score"]), m["notice"]))
        entry["match_count"] = len(entry["matches"])
        entry["more_matches"] = max(0, len(entry["matches"]) - top)
        del entry["matches"][top:]
    return sorted(per_enterprise.values(), key=lambda e: (e["name"].lower(), e["id"]))


def consortium_entries(result: ScanResult, enterprises: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Step 5: the enterprise entries grouped by the consortia their members belong to."""
    consortia: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in enterprises:
        for name in result.enterprises[entry["id"]].consortia:
            consortia[name].append(entry)
    return [{"name": k, "members": v} for k, v in sorted(consortia.items())]


def digest_counts(
    notices: list[dict[str, Any]], coming_up: list[dict[str, Any]], changes: list[dict[str, Any]], **more: int
) -> dict[str, int]:
    """Step 6: the headline counts (``notices`` are open tenders and others; ``coming_up`` early notices)."""
    every = notices + coming_up
    return {
        "notices": len(every)
        + more.get("nothing_fits", 0)
        + more.get("more_notices", 0)
        + more.get("more_coming_up", 0),
        "new": sum(1 for c in changes if c["kind"] == "new"),
        "changed": sum(1 for c in changes if c["kind"] == "changed"),
        "withdrawn": sum(1 for c in changes if c["kind"] == "withdrawn"),
        "without_team": sum(1 for n in every if not n["teams"]),
        "coming_up": len(coming_up),
        **more,
    }


def digest_context(
    result: ScanResult, teams: list[Team], settings: Settings, cpv: CpvVocabulary | None = None
) -> dict[str, Any]:
    """The weekly digest: changes since the last scan, notices closing soon, matches and teams per open
    notice, planning/pipeline/engagement notices "coming up", and matches per enterprise and consortium."""
    vocab = cpv or default_vocabulary(settings.ingest.cpv_vocabulary or None)
    cfg = settings.consortium
    d = digest_inputs(result, teams)
    entries = notice_entries(d, settings, vocab)
    by_id = {n["id"]: n for n in entries}
    sections = ranked_sections(entries, settings.scan.digest_max_per_section)
    notices, coming_up = sections["notices"], sections["coming_up"]
    shown = {n["id"] for n in notices + coming_up}
    fitting_ids = {n["id"] for n in sections["all_fitting"]}
    every_change = change_entries(result, by_id)
    # new notices are listed when something fits them; the rest (past deadline, nothing fits) are counted
    changes = [c for c in every_change if c["kind"] != "new" or c["id"] in fitting_ids]
    for c in changes:
        c["in_digest"] = c["in_digest"] and c["id"] in shown
    closing = sorted(
        (
            n
            for n in sections["all_fitting"]
            if not n["early"] and n["days_left"] is not None and 0 <= n["days_left"] <= cfg.closing_soon_days
        ),
        key=lambda n: n["days_left"],
    )
    enterprises = enterprise_entries(d, by_id, cfg.digest_top_matches)
    more = {
        "teams": sum(1 for tm in teams if tm.feasible),
        "excluded": len(result.excluded),
        "nothing_fits": len(sections["nothing_fits"]),
        "more_notices": sections["more_notices"],
        "more_coming_up": sections["more_coming_up"],
        "fitting": sum(1 for n in sections["all_fitting"] if not n["early"]),
        "fitting_coming_up": sum(1 for n in sections["all_fitting"] if n["early"]),
        "new_not_listed": len(every_change) - len(changes),
    }
    return {
        "ranker": result.ranker,
        "min_fit": f"{result.min_fit:.2f}" if result.min_fit is not None else "",
        "nothing_fits": sections["nothing_fits"],
        "title": f"Weekly tender digest, {day_text(_utc_naive(result.scanned_at))}",
        "scanned": day_text(_utc_naive(result.scanned_at)),
        "counts": digest_counts(notices, coming_up, changes, **more, closing_soon=len(closing)),
        "closing_soon_days": cfg.closing_soon_days,
        "changes": changes,
        "closing": closing,
        "notices": notices,
        "coming_up": coming_up,
        "enterprises": enterprises,
        "consortia": consortium_entries(result, enterprises),
    }
