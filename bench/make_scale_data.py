"""Generate deterministic, national-size benchmark data (seeded; same seed -> same bytes).

    python bench/make_scale_data.py --enterprises 100000 --notices 2000 --out bench/data/

Writes into ``--out``:

* ``directory.csv``: enterprises with the demo directory's headers (HEADERS below). Descriptions are
  15-40 words composed from activity vocabularies (``bench/scale_vocab.py``); CPV and SIC codes
  follow the activities; turnovers are log-normal (median about £190k, most between £20k and £2M);
  postcodes are real ones sampled (seeded) from the postcodez package's ``ukpostcodes.csv``.
* ``notices.jsonl``: one OCDS release package per line, each holding one tender release:
  100-200 word descriptions, about a quarter with 2-5 lots, CPV codes, GBP values, delivery
  postcodes, and deadlines 7-90 days after the fixed scan date ``SCAN_DATE`` (2026-12-01), so a
  scan "as of" that date keeps every notice.
* ``directory_changed.csv`` and ``changed_ids.txt`` (``--change-fraction`` > 0): the same directory
  with that fraction of rows' descriptions changed, for the incremental-scan benchmark.
* ``spend.csv`` (``--spend-lines``, Manchester "spend over £500" headers) and ``spend_truth.csv``:
  the ground truth, one row per spend line: the directory id its supplier name stands for (empty
  when the supplier is not in the directory) and how the name was varied (exact, case, suffix,
  typo, word_order, punctuation, none).
* ``manifest.json``: seed, sizes, scan date, and the SHA-256 of every file written.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import importlib.util
import io
import json
import random
import re
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale_vocab import (
    ACTIVITIES,
    BENEFICIARIES,
    CLIENTS,
    COMMERCIAL_SUFFIXES,
    COMMERCIAL_SURNAMES,
    COMMERCIAL_TRADES,
    GENERAL_CERTIFICATIONS,
    MISSIONS,
    NAME_WORDS,
    NI_AREAS,
    POSTCODE_AREAS,
    SCOTTISH_AREAS,
    SOCIAL_VALUE,
    STANDARD_TERMS,
    Activity,
)

HEADERS = [
    "id",
    "name",
    "legal_form",
    "companies_house_number",
    "mutuals_register_number",
    "charity_number",
    "description",
    "sectors",
    "cpv_codes",
    "sic_codes",
    "postcode",
    "turnover",
    "employees",
    "certifications",
    "consortia",
    "max_contract_value",
    "email",
    "website",
]
SPEND_HEADERS = [
    "Body Name",
    "Service Area",
    "Expenses Type",
    "Invoice Payment Date",
    "Transaction Number",
    "Net Amount",
    "Supplier Name",
]
TRUTH_HEADERS = ["Transaction Number", "Supplier Name", "enterprise_id", "variant"]
LIST_SEP = ";"  # multi-valued directory cells (sectors, cpv_codes, ...)
SCAN_DATE = date(2026, 12, 1)  # notices' deadlines are 7-90 days after this date
DEFAULT_SEED = 20261201

# (legal form as written in the directory, share, name suffixes)
LEGAL_FORM_MIX = (
    ("Community Interest Company", 0.36, ("CIC", "C.I.C.", "Community Interest Company", "CIC")),
    ("Company Limited by Guarantee", 0.16, ("Ltd", "Limited", "")),
    ("Co-operative Society", 0.11, ("Co-operative Ltd", "Co-op", "Co-operative Limited")),
    ("Community Benefit Society", 0.08, ("Community Benefit Society Ltd", "Ltd", "Limited")),
    ("Charitable Incorporated Organisation", 0.12, ("CIO", "", "Trust")),
    ("Charity", 0.05, ("Trust", "Foundation", "")),
    ("Company Limited by Shares", 0.10, ("Ltd", "Limited")),
    ("Partnership", 0.02, ("Partners", "& Co")),
)
CONSORTIA = (
    "Build Social Partnership",
    "Green Estates Consortium",
    "Care Co-operatives Alliance",
    "Social Enterprise Supply Network",
    "Community Works Consortium",
    "Retrofit Together",
)
BODIES = ("City Council", "Council", "Metropolitan Borough Council", "County Council")
SERVICE_AREAS = (
    "Adult Social Care",
    "Children's Services",
    "Housing",
    "Neighbourhoods",
    "Highways",
    "Parks and Open Spaces",
    "Corporate Property",
    "Education",
    "Public Health",
    "Waste Management",
)
EXPENSE_TYPES = (
    "Contracted Services",
    "Building Repairs",
    "Grounds Maintenance",
    "Cleaning",
    "Catering",
    "Consultancy",
    "Training",
    "Printing",
    "Transport",
    "Professional Fees",
)


# ----------------------------------------------------------------------------- postcodes


def postcode_file() -> Path:
    spec = importlib.util.find_spec("postcodez")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("the postcodez package is not installed (pip install postcodez)")
    return Path(spec.submodule_search_locations[0]) / "ukpostcodes.csv"


def postcode_area(postcode: str) -> str:
    match = re.match(r"[A-Z]{1,2}", postcode)
    return match.group(0) if match else ""


def sample_postcodes(n: int, rng: random.Random, path: Path | None = None) -> list[tuple[str, float, float]]:
    """``n`` distinct real postcodes (postcode, lat, lon), sampled by seeded byte offsets.

    Seeks to random offsets in the 100 MB file and takes the next whole line, so only about
    ``n`` lines are read. Lines without a usable location or outside the known postcode areas
    are passed over. The same seed and file give the same sample.
    """
    path = path or postcode_file()
    size = path.stat().st_size
    seen: dict[str, tuple[str, float, float]] = {}
    attempts = 0
    with path.open("rb") as fh:
        while len(seen) < n and attempts < 50 * n + 100:
            attempts += 1
            fh.seek(rng.randrange(size))
            fh.readline()  # the rest of the line we landed in
            line = fh.readline().decode("utf-8", "replace").strip()
            parts = line.split(",")
            if len(parts) < 5:
                continue
            postcode = parts[2].strip().upper()
            try:
                lat, lon = float(parts[3]), float(parts[4])
            except ValueError:
                continue
            if not (49.5 < lat < 61.0 and -8.7 < lon < 2.0) or postcode_area(postcode) not in POSTCODE_AREAS:
                continue
            seen.setdefault(postcode, (postcode, lat, lon))
    if len(seen) < n:
        raise SystemExit(f"{path}: could only sample {len(seen)} of {n} postcodes")
    return list(seen.values())


# ----------------------------------------------------------------------------- text helpers


def words(text: str) -> int:
    return len(text.split())


def join_list(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", name.lower())[:40] or "enterprise"


def pick_activities(rng: random.Random) -> list[Activity]:
    first = rng.choice(ACTIVITIES)
    if rng.random() < 0.3:
        second = rng.choice(ACTIVITIES)
        if second.key != first.key:
            return [first, second]
    return [first]


def enterprise_description(rng: random.Random, short_name: str, form_word: str, acts: list[Activity], town: str) -> str:
    services = rng.sample(acts[0].services, k=min(3, len(acts[0].services)))
    client = rng.choice(CLIENTS)
    openers = (
        f"We are a {form_word} providing {join_list(services)} for {client} across {town}.",
        f"{short_name} delivers {join_list(services[:2])} to {client} in {town} and the surrounding area.",
        f"A {form_word} based in {town} offering {join_list(services)}.",
        f"Founded in {rng.randint(1985, 2024)}, we provide {join_list(services[:2])} for {client} in {town}.",
    )
    extras = [
        f"All our profits are reinvested in {rng.choice(MISSIONS)}.",
        f"We employ and train {rng.choice(BENEFICIARIES)}.",
        f"Our team of {rng.randint(3, 60)} staff is supported by {rng.randint(2, 80)} volunteers.",
        f"We have worked with {rng.choice(CLIENTS)} and {rng.choice(CLIENTS)} since {rng.randint(2005, 2024)}.",
    ]
    if len(acts) > 1:
        extras.append(f"We also offer {join_list(rng.sample(acts[1].services, k=2))}.")
        extras.insert(0, extras.pop())  # the second activity is always mentioned when there is room
    text = rng.choice(openers)
    for extra in extras[: rng.randint(1, len(extras))]:
        if words(text) + words(extra) > 40:
            break
        text += " " + extra
    while words(text) < 15:
        text += " " + f"We are proud to support {rng.choice(BENEFICIARIES)}."
    if words(text) > 40:
        text = " ".join(text.split()[:40]).rstrip(",;") + "."
    return text


# ----------------------------------------------------------------------------- enterprises


def make_enterprises(
    n: int, rng: random.Random, postcodes: list[tuple[str, float, float]]
) -> tuple[list[dict[str, str]], list[list[Activity]]]:
    """``n`` directory rows (dicts keyed by HEADERS) and each row's activities."""
    rows: list[dict[str, str]] = []
    activities: list[list[Activity]] = []
    names: set[str] = set()
    forms = [f for f, _, _ in LEGAL_FORM_MIX]
    weights = [w for _, w, _ in LEGAL_FORM_MIX]
    suffixes = {f: s for f, _, s in LEGAL_FORM_MIX}
    ch_next, mpr_next, chc_next = 7_000_000, 20_000, 1_050_000
    for i in range(1, n + 1):
        acts = pick_activities(rng)
        postcode, _, _ = rng.choice(postcodes)
        area = postcode_area(postcode)
        town = POSTCODE_AREAS[area]
        form = rng.choices(forms, weights)[0]
        base = ""
        for attempt in range(20):
            word = rng.choice(NAME_WORDS)
            noun = rng.choice(acts[0].nouns)
            pattern = rng.random()
            if pattern < 0.5:
                base = f"{word} {noun}"
            elif pattern < 0.75:
                base = f"{town} {word} {noun}" if attempt < 10 else f"{word} {noun} {town}"
            elif pattern < 0.9:
                base = f"The {word} {noun} Project"
            else:
                base = f"{word} {noun} {rng.choice(('North', 'South', 'East', 'West', 'Central'))}"
            suffix = rng.choice(suffixes[form])
            name = f"{base} {suffix}".strip()
            if name.lower() not in names:
                break
        else:
            name = f"{base} {town} {i}"
        names.add(name.lower())
        ch = mpr = chc = ""
        if form in ("Community Interest Company", "Company Limited by Guarantee", "Company Limited by Shares"):
            ch_next += rng.randint(1, 40)
            ch = f"SC{ch_next % 1_000_000:06d}" if area in SCOTTISH_AREAS else f"{ch_next:08d}"
            if area in NI_AREAS:
                ch = f"NI{ch_next % 1_000_000:06d}"
            if form == "Company Limited by Guarantee" and rng.random() < 0.3:
                chc_next += rng.randint(1, 30)
                chc = str(chc_next)
        elif form in ("Co-operative Society", "Community Benefit Society"):
            mpr_next += rng.randint(1, 8)
            mpr = f"{mpr_next}R"
        elif form in ("Charitable Incorporated Organisation", "Charity"):
            chc_next += rng.randint(1, 30)
            chc = f"SC0{chc_next % 100_000:05d}" if area in SCOTTISH_AREAS else str(chc_next)
        form_word = {
            "Community Interest Company": "community interest company",
            "Co-operative Society": "worker co-operative",
            "Community Benefit Society": "community benefit society",
            "Charity": "charity",
            "Charitable Incorporated Organisation": "charity",
        }.get(form, "social enterprise")
        description = enterprise_description(rng, base.removeprefix("The "), form_word, acts, town)
        cpv: list[str] = []
        sic: list[str] = []
        for act in acts:
            cpv += [c for c, _ in act.cpv[: rng.randint(1, len(act.cpv))]]
            sic += list(act.sic[: rng.randint(1, len(act.sic))])
        turnover = min(max(rng.lognormvariate(12.15, 1.05), 2_000.0), 25_000_000.0)
        employees = max(0, round(turnover / rng.uniform(28_000, 60_000)))
        certs = [c for act in acts for c in act.certifications if rng.random() < 0.35]
        certs += [c for c in GENERAL_CERTIFICATIONS if rng.random() < 0.07]
        consortia = [c for c in CONSORTIA if rng.random() < 0.02]
        max_value = ""
        if rng.random() < 0.3:
            max_value = str(int(round(turnover * rng.choice((0.5, 1.0, 1.5, 2.0)), -3)) or 1000)
        web = slug(base)
        rows.append(
            {
                "id": f"SE{i:06d}",
                "name": name,
                "legal_form": form,
                "companies_house_number": ch,
                "mutuals_register_number": mpr,
                "charity_number": chc,
                "description": description,
                "sectors": LIST_SEP.join(dict.fromkeys(a.sector for a in acts)),
                "cpv_codes": LIST_SEP.join(dict.fromkeys(cpv)),
                "sic_codes": LIST_SEP.join(dict.fromkeys(sic)),
                "postcode": postcode,
                "turnover": str(int(round(turnover, -2))),
                "employees": str(employees),
                "certifications": LIST_SEP.join(dict.fromkeys(certs)),
                "consortia": LIST_SEP.join(consortia),
                "max_contract_value": max_value,
                "email": f"info@{web}.org.uk",
                "website": f"https://www.{web}.org.uk",
            }
        )
        activities.append(acts)
    return rows, activities


def change_descriptions(
    rows: list[dict[str, str]], fraction: float, rng: random.Random
) -> tuple[list[dict[str, str]], list[str]]:
    """A copy of ``rows`` with ``fraction`` of the descriptions changed, and the changed ids (sorted)."""
    k = round(len(rows) * fraction)
    chosen = sorted(rng.sample(range(len(rows)), k))
    out = [dict(r) for r in rows]
    for idx in chosen:
        extra = f"From {rng.randint(2026, 2027)} we also offer {rng.choice(rng.choice(ACTIVITIES).services)}."
        text = out[idx]["description"]
        sentences = re.split(r"(?<=\.)\s+", text)
        sentences[-1] = extra if len(sentences) > 1 else f"{text.rstrip('.')}; {extra}"
        out[idx]["description"] = " ".join(sentences)
    return out, [rows[i]["id"] for i in chosen]


# ----------------------------------------------------------------------------- notices


def notice_description(rng: random.Random, buyer: str, act: Activity, town: str, years: int) -> str:
    services = rng.sample(act.services, k=min(3, len(act.services)))
    opener = rng.choice(
        (
            f"{buyer} is seeking a provider to deliver {join_list(services)} across {town}.",
            f"{buyer} invites tenders for {join_list(services)} in {town} and surrounding areas.",
            f"This contract covers {join_list(services)} for {buyer} at sites across {town}.",
        )
    )
    pool = list(act.requirements) + list(SOCIAL_VALUE) + list(STANDARD_TERMS)
    rng.shuffle(pool)
    text = opener
    target = rng.randint(100, 200)
    for sentence in pool:
        sentence = sentence.format(years=years, ext=rng.randint(1, 2))
        if words(text) + words(sentence) > 200:
            continue
        text += " " + sentence
        if words(text) >= target:
            break
    return text


def lot_description(rng: random.Random, act: Activity, town: str) -> str:
    services = rng.sample(act.services, k=min(2, len(act.services)))
    reqs = rng.sample(act.requirements, k=min(2, len(act.requirements)))
    return f"This lot covers {join_list(services)} in {town}. " + " ".join(reqs)


def _iso(d: date | datetime) -> str:
    if isinstance(d, datetime):
        return d.strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{d.isoformat()}T12:00:00Z"


def make_notice(i: int, rng: random.Random, postcodes: list[tuple[str, float, float]]) -> dict:
    """One OCDS release package holding one tender release."""
    act = rng.choice(ACTIVITIES)
    postcode, _, _ = rng.choice(postcodes)
    town = POSTCODE_AREAS[postcode_area(postcode)]
    buyer = rng.choice(
        (f"{town} {rng.choice(BODIES)}", f"{town} Homes", f"NHS {town} Integrated Care Board", f"{town} College")
    )
    buyer_id = f"GB-PMB-{slug(buyer)}"
    ocid = f"ocds-pmbnch-{i:06d}"
    published = datetime.combine(SCAN_DATE - timedelta(days=rng.randint(1, 60)), datetime.min.time(), UTC)
    deadline = datetime.combine(SCAN_DATE + timedelta(days=rng.randint(7, 90)), datetime.min.time(), UTC)
    deadline = deadline.replace(hour=12)
    years = rng.randint(1, 5)
    start = deadline.date() + timedelta(days=rng.randint(30, 120))
    title = f"{act.services[0].capitalize()} - {town}" if rng.random() < 0.5 else f"{act.sector} services for {buyer}"
    amount = round(min(max(rng.lognormvariate(12.4, 1.2), 5_000), 50_000_000), -2)
    main_code, main_desc = act.cpv[0] if rng.random() < 0.6 else rng.choice(act.cpv)
    tender: dict = {
        "id": f"PMB-{i:06d}",
        "title": title,
        "description": notice_description(rng, buyer, act, town, years),
        "status": "active",
        "procurementMethod": "open",
        "mainProcurementCategory": act.category,
        "classification": {"scheme": "CPV", "id": main_code, "description": main_desc},
        "tenderPeriod": {"startDate": _iso(published), "endDate": _iso(deadline)},
        "contractPeriod": {"startDate": _iso(start), "endDate": _iso(start + timedelta(days=365 * years))},
        "suitability": {"sme": rng.random() < 0.7, "vcse": rng.random() < 0.4},
    }
    if rng.random() < 0.95:
        tender["value"] = {"amount": amount, "currency": "GBP"}
    items = []
    if rng.random() < 0.25:  # a lotted notice: 2-5 lots, each a (possibly different) activity
        n_lots = rng.randint(2, 5)
        lots = []
        shares = [rng.random() + 0.2 for _ in range(n_lots)]
        for k in range(1, n_lots + 1):
            lot_act = act if k == 1 or rng.random() < 0.3 else rng.choice(ACTIVITIES)
            lot_pc, _, _ = rng.choice(postcodes) if rng.random() < 0.3 else (postcode, 0.0, 0.0)
            lot_town = POSTCODE_AREAS[postcode_area(lot_pc)]
            lot: dict = {
                "id": str(k),
                "title": f"Lot {k}: {lot_act.sector}",
                "description": lot_description(rng, lot_act, lot_town),
                "status": "active",
            }
            if "value" in tender:
                lot["value"] = {"amount": round(amount * shares[k - 1] / sum(shares), -2), "currency": "GBP"}
            lots.append(lot)
            code, desc = rng.choice(lot_act.cpv)
            items.append(
                {
                    "id": str(k),
                    "description": lot["title"],
                    "classification": {"scheme": "CPV", "id": code, "description": desc},
                    "deliveryAddresses": [
                        {"postalCode": lot_pc, "locality": lot_town, "countryName": "United Kingdom"}
                    ],
                    "relatedLot": str(k),
                }
            )
        tender["lots"] = lots
    else:
        extra = [c for c in act.cpv if c[0] != main_code]
        items.append(
            {
                "id": "1",
                "description": title,
                "classification": {"scheme": "CPV", "id": main_code, "description": main_desc},
                "additionalClassifications": [
                    {"scheme": "CPV", "id": c, "description": d} for c, d in extra[: rng.randint(0, len(extra))]
                ],
                "deliveryAddresses": [{"postalCode": postcode, "locality": town, "countryName": "United Kingdom"}],
            }
        )
    tender["items"] = items
    release = {
        "ocid": ocid,
        "id": f"{ocid}-tender-1",
        "date": _iso(published),
        "tag": ["tender"],
        "initiationType": "tender",
        "language": "en",
        "parties": [
            {
                "id": buyer_id,
                "name": buyer,
                "roles": ["buyer"],
                "address": {"locality": town, "postalCode": postcode, "countryName": "United Kingdom"},
            }
        ],
        "buyer": {"id": buyer_id, "name": buyer},
        "tender": tender,
    }
    return {
        "uri": f"https://procure-match.invalid/bench/{ocid}.json",
        "version": "1.1",
        "publishedDate": _iso(published),
        "publisher": {"name": "procure-match benchmark generator (synthetic data)"},
        "releases": [release],
    }


# ----------------------------------------------------------------------------- spend lines

SUFFIX_SWAPS = (
    (r"\bC\.I\.C\.$", "CIC"),
    (r"\bCIC$", "C.I.C."),
    (r"\bCommunity Interest Company$", "CIC"),
    (r"\bLtd$", "Limited"),
    (r"\bLimited$", "Ltd"),
    (r"\bCo-operative Ltd$", "Co-op"),
    (r"\bCo-op$", "Cooperative"),
)


def vary_name(name: str, kind: str, rng: random.Random) -> str:
    """A spend-file spelling of a directory name: case, suffix, typo, word_order or punctuation."""
    if kind == "case":
        return name.upper() if rng.random() < 0.6 else name.lower()
    if kind == "suffix":
        for pattern, repl in SUFFIX_SWAPS:
            if re.search(pattern, name):
                return re.sub(pattern, repl, name)
        return f"{name} Ltd"
    if kind == "typo":
        letters = [i for i, ch in enumerate(name) if ch.isalpha()]
        i = rng.choice(letters[1:] or letters)
        op = rng.random()
        if op < 0.4 and i + 1 < len(name) and name[i] != name[i + 1]:  # swap two different neighbours
            return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
        if op < 0.7:  # drop a letter
            return name[:i] + name[i + 1 :]
        other = rng.choice("abcdefghijklmnopqrstuvwxyz".replace(name[i].lower(), ""))
        return name[:i] + (other.upper() if name[i].isupper() else other) + name[i + 1 :]
    if kind == "word_order":
        if name.startswith("The "):
            return name[4:] + ", The"
        parts = name.split()
        if len(parts) >= 3:
            parts[0], parts[1] = parts[1], parts[0]
            return " ".join(parts)
        return name + " (The)"
    if kind == "punctuation":
        return name.replace(" ", "  ", 1) + "." if "." not in name else name.replace(".", "")
    raise ValueError(f"unknown variant kind {kind!r}")


def make_spend(n: int, rng: random.Random, rows: list[dict[str, str]]) -> tuple[list[dict], list[dict]]:
    """``n`` spend lines and their ground truth. About 60% name a directory enterprise (half of
    those spelled differently); the rest are commercial suppliers that are not in the directory."""
    lowered = {r["name"].lower() for r in rows}
    paid = rng.sample(rows, k=min(len(rows), max(1, n // 20)))  # enterprises that appear in spend
    commercial: list[str] = []
    while len(commercial) < max(1, n // 25):
        cand = f"{rng.choice(COMMERCIAL_SURNAMES)} {rng.choice(COMMERCIAL_TRADES)} {rng.choice(COMMERCIAL_SUFFIXES)}"
        if cand.lower() not in lowered and cand not in commercial:
            commercial.append(cand)
    towns = sorted(set(POSTCODE_AREAS.values()))
    bodies = [f"{t} {rng.choice(BODIES)}" for t in rng.sample(towns, k=12)]
    kinds = ("case", "suffix", "typo", "word_order", "punctuation")
    spend, truth = [], []
    start = date(2025, 4, 1)
    for i in range(1, n + 1):
        u = rng.random()
        if u < 0.3:
            row = rng.choice(paid)
            supplier, ent, kind = row["name"], row["id"], "exact"
        elif u < 0.6:
            row = rng.choice(paid)
            kind = rng.choice(kinds)
            supplier = vary_name(row["name"], kind, rng)
            if supplier.lower() in lowered and supplier.lower() != row["name"].lower():
                supplier, kind = row["name"], "exact"  # the variant is another enterprise's name: keep exact
            ent = row["id"]
        else:
            supplier, ent, kind = rng.choice(commercial), "", "none"
        txn = f"PMB{i:07d}"
        amount = round(rng.lognormvariate(7.6, 1.3), 2) * (-1 if rng.random() < 0.03 else 1)
        spend.append(
            {
                "Body Name": rng.choice(bodies),
                "Service Area": rng.choice(SERVICE_AREAS),
                "Expenses Type": rng.choice(EXPENSE_TYPES),
                "Invoice Payment Date": (start + timedelta(days=rng.randint(0, 364))).isoformat(),
                "Transaction Number": txn,
                "Net Amount": f"{amount:.2f}",
                "Supplier Name": supplier,
            }
        )
        truth.append({"Transaction Number": txn, "Supplier Name": supplier, "enterprise_id": ent, "variant": kind})
    return spend, truth


# ----------------------------------------------------------------------------- writing


def csv_text(rows: list[dict], headers: list[str]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=headers, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def generate(
    out: Path,
    *,
    enterprises: int = 100_000,
    notices: int = 2_000,
    spend_lines: int = 50_000,
    change_fraction: float = 0.01,
    seed: int = DEFAULT_SEED,
    postcode_path: Path | None = None,
) -> dict:
    """Write every file into ``out`` and return the manifest (also written as manifest.json)."""
    if enterprises < 1 or notices < 0 or spend_lines < 0 or not 0 <= change_fraction <= 1:
        raise ValueError("need enterprises >= 1, notices >= 0, spend_lines >= 0 and 0 <= change_fraction <= 1")
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    n_postcodes = min(20_000, max(50, (enterprises + notices) // 4))
    postcodes = sample_postcodes(n_postcodes, rng, postcode_path)
    rows, _ = make_enterprises(enterprises, rng, postcodes)
    texts: dict[str, str] = {"directory.csv": csv_text(rows, HEADERS)}
    changed_ids: list[str] = []
    if change_fraction > 0:
        changed, changed_ids = change_descriptions(rows, change_fraction, rng)
        texts["directory_changed.csv"] = csv_text(changed, HEADERS)
        texts["changed_ids.txt"] = "".join(f"{x}\n" for x in changed_ids)
    texts["notices.jsonl"] = "".join(
        json.dumps(make_notice(i, rng, postcodes), ensure_ascii=False, separators=(",", ":")) + "\n"
        for i in range(1, notices + 1)
    )
    if spend_lines:
        spend, truth = make_spend(spend_lines, rng, rows)
        texts["spend.csv"] = csv_text(spend, SPEND_HEADERS)
        texts["spend_truth.csv"] = csv_text(truth, TRUTH_HEADERS)
    files = {}
    for name, text in texts.items():
        data = text.encode("utf-8")
        (out / name).write_bytes(data)
        files[name] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    manifest = {
        "generator": "bench/make_scale_data.py",
        "seed": seed,
        "scan_date": SCAN_DATE.isoformat(),
        "enterprises": enterprises,
        "notices": notices,
        "spend_lines": spend_lines,
        "change_fraction": change_fraction,
        "changed_rows": len(changed_ids),
        "postcodes_sampled": len(postcodes),
        "list_separator": LIST_SEP,
        "files": files,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--notices", type=int, default=2_000)
    parser.add_argument("--spend-lines", type=int, default=50_000)
    parser.add_argument("--change-fraction", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "data")
    parser.add_argument("--quick", action="store_true", help="small sizes (2,000 enterprises, 100 notices)")
    args = parser.parse_args(argv)
    if args.quick:
        args.enterprises, args.notices, args.spend_lines = 2_000, 100, 1_000
    manifest = generate(
        args.out,
        enterprises=args.enterprises,
        notices=args.notices,
        spend_lines=args.spend_lines,
        change_fraction=args.change_fraction,
        seed=args.seed,
    )
    for name, info in manifest["files"].items():
        print(f"{args.out / name}: {info['bytes']:,} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
