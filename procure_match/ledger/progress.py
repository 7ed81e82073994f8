"""Progress against social-enterprise spend targets: pure computation from ledger rows, no I/O.

How the figures relate:

* a contract's **social-enterprise spend** is the sum of its *live* entries (not reversed; credits
  are negative) whose supplier's current resolution is *accepted* (by id, exact name, fuzzy score
  at or above the accept threshold, or a person's decision). Lines queued for review do not count
  until confirmed;
* its **target** is ``target % x current value`` (the latest recorded version);
* **expected by now** is the target times the elapsed share of the contract period (linear from
  start to end, as of ``as_of``);
* **status**: *met* (spend >= target), *not started* (no spend yet), *on track* (spend >= expected),
  *behind* (below expected); *no target* when the contract has no target or value, and *no dates*
  when start or end is unknown, so no pace can be judged;
* council spend lines without a registered contract reference count as the **buyer's own**
  social-enterprise spend: shown per buyer beside, never inside, the per-contract target figures.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date

from procure_match.settings import Settings

STATUS_MET = "met"
STATUS_ON_TRACK = "on track"
STATUS_BEHIND = "behind"
STATUS_NOT_STARTED = "not started"
STATUS_NO_TARGET = "no target"
STATUS_NO_DATES = "no dates"


@dataclass(slots=True)
class ContractProgress:
    id: str
    title: str
    buyer: str
    category: str
    value: float | None
    target_pct: float | None
    target_amount: float | None
    se_spend: float
    pct_of_target: float | None
    remaining: float | None
    expected_by_now: float | None
    elapsed_pct: float | None
    status: str
    target_explanation: str
    start: str | None
    end: str | None
    se_lines: int
    all_lines: int


@dataclass(slots=True)
class GroupProgress:
    name: str
    contracts: int
    value: float
    target_amount: float
    se_spend: float
    pct_of_target: float | None
    buyer_level_se_spend: float = 0.0  # council lines not tied to a contract (buyers only)
    buyer_level_spend: float = 0.0


@dataclass(slots=True)
class Beneficiary:
    key: str  # enterprise id or postcode district
    name: str
    postcode: str
    amount: float
    lines: int


@dataclass
class Progress:
    as_of: str
    contracts: list[ContractProgress]
    buyers: list[GroupProgress]
    categories: list[GroupProgress]
    portfolio: GroupProgress
    enterprises: list[Beneficiary]
    districts: list[Beneficiary]
    lines_by_resolution: dict[str, int] = field(default_factory=dict)
    amount_by_resolution: dict[str, float] = field(default_factory=dict)

    @property
    def headline(self) -> str:
        p = self.portfolio
        if not p.target_amount:
            return (
                f"No contract targets yet; £{p.buyer_level_se_spend:,.0f} of £{p.buyer_level_spend:,.0f}"
                " council spend went to social enterprises"
            )
        pct = f" ({p.pct_of_target:.0f}% of target)" if p.pct_of_target is not None else ""
        return f"£{p.se_spend:,.0f} of £{p.target_amount:,.0f} reached social enterprises{pct}"

    def to_dict(self) -> dict:
        d = asdict(self)
        d["headline"] = self.headline
        return d


def postcode_district(postcode: str | None) -> str:
    """Outward code: "B5 4TD" -> "B5", "b54td" -> "B5"; "" when unknown."""
    if not postcode:
        return ""
    pc = postcode.strip().upper()
    if " " in pc:
        return pc.split()[0]
    return pc[:-3] if len(pc) > 4 else pc


def _pct(part: float, whole: float | None) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def resolution_label(entry: dict) -> str:
    status = entry.get("resolution_status")
    if status is None:
        return "unresolved"
    if status == "accepted":
        return f"accepted ({entry.get('method')})"
    return status


def is_se(entry: dict) -> bool:
    return entry.get("resolution_status") == "accepted"


def target_of(contract: dict, settings: Settings) -> tuple[float | None, str]:
    """(target %, where it comes from) for one contract row from the store."""
    if contract.get("override"):
        o = contract["override"]
        return o["pct"], f"set for this contract on {str(o['set_at'])[:10]} ({o['source']})"
    category = contract.get("category")
    if category and category in settings.ledger.targets:
        return settings.ledger.targets[category], f"category {category} target"
    return None, "no target for this category" if category else "no category (no matching CPV prefix)"


def explain_target(contract: dict, pct: float | None, source: str, value: float | None) -> str:
    versions = contract.get("versions") or []
    if value is None:
        return "no value recorded, so no target amount"
    if pct is None:
        return f"{source}; current value £{value:,.0f}"
    value_text = f"£{value:,.0f} current value"
    if len(versions) > 1:
        prev = versions[-2]["value"]
        when = versions[-1].get("effective") or str(versions[-1]["recorded_at"])[:10]
        value_text += f" (modified {when} from £{prev:,.0f})"
    if contract.get("category"):
        cat = f"category {contract['category']} from CPV {contract.get('category_cpv')}"
    else:
        cat = "no category"
    pct_text = f"{pct:g}%"
    if contract.get("override"):
        pct_text += f" ({source})"
    return f"{pct_text} of {value_text}, {cat}"


def compute_progress(
    contracts: list[dict], entries: list[dict], enterprises: dict[str, dict], settings: Settings, as_of: date
) -> Progress:
    """All report figures from the store's rows (``Ledger.contracts()``, ``entries(live_only=True)``)."""
    live = [e for e in entries if e.get("live", True) and e["kind"] == "line"]
    by_contract: dict[str, list[dict]] = defaultdict(list)
    for e in live:
        if e.get("contract_id"):
            by_contract[e["contract_id"]].append(e)
    rows: list[ContractProgress] = []
    for c in contracts:
        versions = c.get("versions") or []
        value = versions[-1]["value"] if versions else None
        pct, source = target_of(c, settings)
        target = round(value * pct / 100.0, 2) if value is not None and pct is not None else None
        mine = by_contract.get(c["id"], [])
        se_lines = [e for e in mine if is_se(e)]
        spend = round(sum(e["amount"] for e in se_lines), 2)
        start, end = c.get("start"), c.get("end_date")
        elapsed = None
        if start and end and end > start:
            s, f = date.fromisoformat(start), date.fromisoformat(end)
            elapsed = min(1.0, max(0.0, (as_of - s).days / (f - s).days))
        expected = round(target * elapsed, 2) if target is not None and elapsed is not None else None
        if target is None:
            status = STATUS_NO_TARGET
        elif spend >= target > 0 or (target == 0 and spend >= 0):
            status = STATUS_MET
        elif spend <= 0:
            status = STATUS_NOT_STARTED
        elif expected is None:
            status = STATUS_NO_DATES
        else:
            status = STATUS_ON_TRACK if spend >= expected else STATUS_BEHIND
        rows.append(
            ContractProgress(
                id=c["id"],
                title=c.get("title") or "",
                buyer=c.get("buyer") or "(buyer unknown)",
                category=c.get("category") or "(none)",
                value=value,
                target_pct=pct,
                target_amount=target,
                se_spend=spend,
                pct_of_target=_pct(spend, target),
                remaining=round(max(0.0, target - spend), 2) if target is not None else None,
                expected_by_now=expected,
                elapsed_pct=round(100 * elapsed, 1) if elapsed is not None else None,
                status=status,
                target_explanation=explain_target(c, pct, source, value),
                start=start,
                end=end,
                se_lines=len(se_lines),
                all_lines=len(mine),
            )
        )

    def group(name: str, members: list[ContractProgress]) -> GroupProgress:
        with_target = [m for m in members if m.target_amount is not None]
        target = round(sum(m.target_amount for m in with_target), 2)
        spend = round(sum(m.se_spend for m in with_target), 2)
        return GroupProgress(
            name=name,
            contracts=len(members),
            value=round(sum(m.value or 0 for m in members), 2),
            target_amount=target,
            se_spend=spend,
            pct_of_target=_pct(spend, target),
        )

    buyers_map: dict[str, list[ContractProgress]] = defaultdict(list)
    cats_map: dict[str, list[ContractProgress]] = defaultdict(list)
    for r in rows:
        buyers_map[r.buyer].append(r)
        cats_map[r.category].append(r)
    unattributed_se: Counter = Counter()
    unattributed_all: Counter = Counter()
    buyer_names: dict[str, str] = {b.lower(): b for b in buyers_map}
    for e in live:
        if e.get("contract_id"):
            continue
        name = buyer_names.setdefault(
            (e.get("buyer") or "(buyer unknown)").lower(), e.get("buyer") or "(buyer unknown)"
        )
        unattributed_all[name] += e["amount"]
        if is_se(e):
            unattributed_se[name] += e["amount"]
    buyers = []
    for name in sorted(set(buyers_map) | set(unattributed_all)):
        g = group(name, buyers_map.get(name, []))
        g.buyer_level_se_spend = round(unattributed_se.get(name, 0.0), 2)
        g.buyer_level_spend = round(unattributed_all.get(name, 0.0), 2)
        buyers.append(g)
    categories = [group(name, members) for name, members in sorted(cats_map.items())]
    portfolio = group("portfolio", rows)
    portfolio.buyer_level_se_spend = round(sum(unattributed_se.values()), 2)
    portfolio.buyer_level_spend = round(sum(unattributed_all.values()), 2)

    per_ent: dict[str, list[dict]] = defaultdict(list)
    for e in live:
        if is_se(e) and e.get("enterprise_id"):
            per_ent[e["enterprise_id"]].append(e)
    ents = []
    districts: dict[str, list] = defaultdict(lambda: [0.0, 0, set()])
    for eid, es in per_ent.items():
        info = enterprises.get(eid, {})
        amount = round(sum(e["amount"] for e in es), 2)
        pc = info.get("postcode") or ""
        ents.append(Beneficiary(key=eid, name=info.get("name") or eid, postcode=pc, amount=amount, lines=len(es)))
        d = districts[postcode_district(pc) or "(unknown)"]
        d[0] += amount
        d[1] += len(es)
        d[2].add(eid)
    ents.sort(key=lambda b: (-b.amount, b.key))
    dist = [
        Beneficiary(key=k, name=f"{len(v[2])} enterprise(s)", postcode=k, amount=round(v[0], 2), lines=v[1])
        for k, v in districts.items()
    ]
    dist.sort(key=lambda b: (-b.amount, b.key))
    lines_by = Counter(resolution_label(e) for e in live)
    amount_by: Counter = Counter()
    for e in live:
        amount_by[resolution_label(e)] += e["amount"]
    rows.sort(key=lambda r: (r.buyer, r.id))
    return Progress(
        as_of=as_of.isoformat(),
        contracts=rows,
        buyers=buyers,
        categories=categories,
        portfolio=portfolio,
        enterprises=ents,
        districts=dist,
        lines_by_resolution=dict(sorted(lines_by.items())),
        amount_by_resolution={k: round(v, 2) for k, v in sorted(amount_by.items())},
    )
