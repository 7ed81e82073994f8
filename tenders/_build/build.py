"""Assemble the demo scenario files from the hand-written entries in this folder.

    .venv/bin/python tenders/_build/build.py            # writes enterprises/ and tenders/ files
    .venv/bin/python tenders/_build/build.py --check    # also checks every postcode against postcodez data

All data is fictional and illustrative. The output is deterministic: running this twice gives
identical files (tests/test_demo_data.py checks that the committed files match a fresh build).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import enterprises_src  # noqa: E402
import labels_src  # noqa: E402
import notices_src  # noqa: E402
import spend_src  # noqa: E402

ROOT = HERE.parent.parent
NOTE = (
    "Fictional, illustrative demo data for procure-match (Birmingham Commonwealth Games scenario). "
    "Organisations, people, contracts and values are invented; postcodes are real postcode units used for geocoding."
)
DIRECTORY_HEADER = [
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
CF_HEADER_LINE = (
    '"Notice Identifier","Notice Type","Organisation Name",Status,"Published Date",Title,Description,Nationwide,'
    'Postcode,Region,"Cpv Codes","Contact Name","Contact Email","Contact Address 1","Contact Address 2",'
    '"Contact Town","Contact Postcode","Contact Country","Contact Telephone","Contact Website",Attachments,Links,'
    '"Additional Text","Start Date","End Date","Closing Date","Is sub-contract","Parent Reference",'
    '"Suitable for SME","Suitable for VCO","Supply Chain","OJEU Contract Type","Value Low","Value High",'
    '"Awarded Date","Awarded Value","Supplier [Name|Address|Ref type|Ref Number|Is SME|Is VCSE]",'
    '"Supplier\'s contact name","Contract start date","Contract end date","OJEU Procedure Type",'
    '"Accelerated Justification","Closing Time"'
)
REGION = "West Midlands"
AWARD_IDS = {
    "b22-001": "B22-AQC-001",
    "cbc-001": "CBC-STAD-001",
    "cbc-002": "CBC-VIL-001",
    "cbc-003": "CBC-PR-001",
    "wmt-001": "WMT-PBS-001",
    "wmt-002": "WMT-A34-001",
    "bch-001": "BCH-HUB-001",
    "sha-001": "SHA-RET-001",
    "bch-002": "BCH-CLN-001",
}


def _enterprise_by_id() -> dict[str, tuple]:
    return {e[0]: e for e in enterprises_src.ENTRIES}


# ---------------------------------------------------------------------- directory


def directory_csv() -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(DIRECTORY_HEADER)
    for e in enterprises_src.ENTRIES:
        (eid, name, form, ch, mpr, chy, desc, sectors, cpv, sic, pc, turnover, emp, certs, cons, maxv, slug) = e
        consortia = ";".join(enterprises_src.CONSORTIA[c] for c in cons.split(";") if c)
        w.writerow(
            [
                eid,
                name,
                form,
                ch,
                mpr,
                chy,
                desc,
                sectors,
                cpv,
                sic,
                pc,
                turnover,
                emp,
                certs,
                consortia,
                "" if maxv is None else maxv,
                f"{slug}@example.org",
                f"https://{slug}.example.org",
            ]
        )
    return buf.getvalue()


# ---------------------------------------------------------------------- OCDS


def _ocid(key: str) -> str:
    return notices_src.OCID_PREFIX + key


def _money(amount: float) -> dict:
    return {"amount": amount, "currency": "GBP"}


def _address(postcode: str) -> dict:
    return {"postalCode": postcode, "region": REGION, "locality": "Birmingham area", "countryName": "United Kingdom"}


def _classification(code: str) -> dict:
    return {"scheme": "CPV", "id": code}


def _buyer_party(key: str) -> dict:
    b = notices_src.BUYERS[key]
    return {
        "id": b["id"],
        "name": b["name"],
        "identifier": {"scheme": "GB-DEMO", "id": b["id"].removeprefix("GB-DEMO-"), "legalName": b["name"]},
        "address": {"streetAddress": b["street"], "postalCode": b["postcode"], "countryName": "United Kingdom"},
        "contactPoint": {"name": b["contact"], "email": b["email"]},
        "roles": ["buyer"],
    }


def _supplier_party(key: str) -> dict:
    if key in notices_src.CONTRACTORS:
        name, number = notices_src.CONTRACTORS[key]
        scheme, scale, vcse = "GB-COH", "large", False
    else:
        e = _enterprise_by_id()[key]
        name = e[1]
        scheme, number = ("GB-COH", e[3]) if e[3] else ("GB-MPR", e[4])
        scale, vcse = "sme", True
    return {
        "id": f"{scheme}-{number}",
        "name": name,
        "identifier": {"scheme": scheme, "id": number, "legalName": name},
        "details": {"scale": scale, "vcse": vcse},
        "roles": ["supplier"],
    }


def _items(n: dict) -> list[dict]:
    address = [_address(n["postcode"])]
    if not n["lots"]:
        codes = n["cpv"]
        return [
            {
                "id": "1",
                "description": n["title"],
                "classification": _classification(codes[0]),
                "additionalClassifications": [_classification(c) for c in codes[1:]],
                "deliveryAddresses": address,
            }
        ]
    items = []
    for lot_id, title, _desc, _value, codes in n["lots"]:
        items.append(
            {
                "id": lot_id,
                "description": title,
                "classification": _classification(codes[0]),
                "additionalClassifications": [_classification(c) for c in codes[1:]],
                "deliveryAddresses": address,
                "relatedLot": lot_id,
            }
        )
    return items


def _tender(n: dict, *, status: str, deadline: str, value: float) -> dict:
    tender = {
        "id": n["key"].upper(),
        "title": n["title"],
        "description": n["description"],
        "status": status,
        "value": _money(value),
        "procurementMethod": n["method"],
        "mainProcurementCategory": n["category"],
        "classification": _classification(n["cpv"][0]),
        "items": _items(n),
        "tenderPeriod": {"startDate": f"{n['published']}T09:00:00Z", "endDate": deadline},
        "contractPeriod": {"startDate": f"{n['start']}T00:00:00Z", "endDate": f"{n['end']}T23:59:59Z"},
        "suitability": {"sme": n["sme"], "vcse": n["vcse"]},
    }
    if n["lots"]:
        tender["lots"] = [
            {"id": lot_id, "title": title, "description": desc, "value": _money(value), "status": "active"}
            for lot_id, title, desc, value, _codes in n["lots"]
        ]
    if n["reserved"]:
        tender["otherRequirements"] = {"reservedParticipation": ["publicServiceMissionOrganization"]}
    return tender


def releases_for(n: dict) -> list[dict]:
    ocid = _ocid(n["key"])
    base = {
        "ocid": ocid,
        "language": "en",
        "initiationType": "tender",
        "buyer": {"id": notices_src.BUYERS[n["buyer"]]["id"], "name": notices_src.BUYERS[n["buyer"]]["name"]},
    }
    if n["award"]:
        a = n["award"]
        party = _supplier_party(a["supplier"])
        release = {
            **base,
            "id": f"{ocid}-award-1",
            "date": f"{a['date']}T10:00:00Z",
            "tag": ["award"],
            "parties": [_buyer_party(n["buyer"]), party],
            "tender": _tender(n, status="complete", deadline=n["deadline"], value=n["value"]),
            "awards": [
                {
                    "id": AWARD_IDS[n["key"]],
                    "title": n["title"],
                    "status": "active",
                    "date": f"{a['date']}T10:00:00Z",
                    "value": _money(a["value"]),
                    "suppliers": [{"id": party["id"], "name": party["name"]}],
                    "contractPeriod": {
                        "startDate": f"{n['start']}T00:00:00Z",
                        "endDate": f"{n['end']}T23:59:59Z",
                    },
                }
            ],
        }
        return [_ordered(release)]
    first = {
        **base,
        "id": f"{ocid}-tender-1",
        "date": f"{n['published']}T09:00:00Z",
        "tag": ["tender"],
        "parties": [_buyer_party(n["buyer"])],
        "tender": _tender(n, status="active", deadline=n["deadline"], value=n["value"]),
    }
    out = [_ordered(first)]
    deadline, value, amendments = n["deadline"], n["value"], []
    for i, am in enumerate(n["amendments"], start=1):
        changed = []
        if "deadline" in am:
            changed.append(f"tenderPeriod.endDate from {deadline[:10]} to {am['deadline'][:10]}")
            deadline = am["deadline"]
        if "value" in am:
            changed.append(f"value.amount from {value} to {am['value']}")
            value = am["value"]
        release_id = f"{ocid}-amendment-{i}"
        amendments.append(
            {
                "id": str(i),
                "date": f"{am['date']}T09:00:00Z",
                "rationale": am["rationale"],
                "description": "Changed " + "; ".join(changed),
                "amendsReleaseID": out[-1]["id"],
                "releaseID": release_id,
            }
        )
        tender = _tender(n, status="active", deadline=deadline, value=value)
        tender["amendments"] = [dict(x) for x in amendments]
        out.append(
            _ordered(
                {
                    **base,
                    "id": release_id,
                    "date": f"{am['date']}T09:00:00Z",
                    "tag": ["tenderAmendment"],
                    "parties": [_buyer_party(n["buyer"])],
                    "tender": tender,
                }
            )
        )
    return out


def _ordered(release: dict) -> dict:
    order = ["ocid", "id", "date", "tag", "initiationType", "language", "parties", "buyer", "tender", "awards"]
    return {k: release[k] for k in order if k in release}


def packages() -> dict[str, dict]:
    out = {}
    for file_name, (publisher, buyer_keys) in notices_src.PACKAGES.items():
        releases = []
        for n in notices_src.NOTICES:
            if n["buyer"] in buyer_keys:
                releases.extend(releases_for(n))
        out[file_name] = {
            "uri": f"https://demo.procure-match.example.org/ocds/{file_name}",
            "version": "1.1",
            "publishedDate": f"{notices_src.SCENARIO_DATE}T06:00:00Z",
            "publisher": {"name": publisher},
            "license": "https://creativecommons.org/publicdomain/zero/1.0/",
            "extensions": [
                "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json",
                "https://raw.githubusercontent.com/open-contracting-extensions/ocds_location_extension/v1.1.5/extension.json",
                "https://raw.githubusercontent.com/open-contracting-extensions/ocds_otherRequirements_extension/master/extension.json",
            ],
            "_note": NOTE,
            "releases": releases,
        }
    return out


# ---------------------------------------------------------------------- Contracts Finder CSV


def cf_csv() -> str:
    header = next(csv.reader([CF_HEADER_LINE]))
    assert len(header) == 43, len(header)
    defaults = {
        "Notice Type": "Contract",
        "Status": "Open",
        "Region": REGION,
        "Contact Address 1": "Procurement office (fictional address)",
        "Contact Country": "England",
        "Contact Website": "https://procurement.example.org/",
        "Additional Text": "Fictional, illustrative demo notice.",
        "Is sub-contract": "NO",
        "Supply Chain": "No",
    }
    buf = io.StringIO()
    buf.write(CF_HEADER_LINE + "\r\n")
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    for row in notices_src.CF_ROWS:
        unknown = set(row) - set(header)
        assert not unknown, unknown
        merged = {**defaults, **row}
        merged.setdefault("Contact Postcode", row["Postcode"])
        w.writerow([merged.get(h, "") for h in header])
    return buf.getvalue()


# ---------------------------------------------------------------------- spend files


def return_csv() -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(spend_src.RETURN_HEADER)
    for ref, name, ch, mpr, amount, day, desc in spend_src.RETURN_LINES:
        w.writerow([ref, name, ch, mpr, f"{amount:.2f}", day, desc])
    return buf.getvalue()


def council_spend_bytes() -> bytes:
    buf = io.StringIO()
    for line in spend_src.COUNCIL_TITLE_LINES:
        buf.write(line + "\r\n")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(spend_src.COUNCIL_HEADER)
    for row in spend_src.COUNCIL_LINES:
        w.writerow(row)
    return buf.getvalue().encode("cp1252")


# ---------------------------------------------------------------------- labels


def labels_json() -> str:
    doc = {
        "scenario": (
            "Birmingham 2022 Games social-enterprise network, scanned as of 2021-06-01 (fictional, illustrative). "
            "Shortlists written by hand from the notice and directory descriptions before any tuning."
        ),
        "labels": [
            {"tender_id": t, "lot_id": lot, "shortlist": list(short), "team": list(team) if team else None, "why": why}
            for t, lot, short, team, why in labels_src.LABELS
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------- main


def outputs() -> dict[str, bytes]:
    files: dict[str, bytes] = {
        "enterprises/birmingham_social_enterprises.csv": directory_csv().encode("utf-8"),
        "tenders/contracts_finder_export.csv": cf_csv().encode("utf-8"),
        "tenders/spend/contractor_supply_chain_returns.csv": return_csv().encode("utf-8"),
        "tenders/spend/council_spend_over_500_2021-05.csv": council_spend_bytes(),
        "tenders/labels.json": labels_json().encode("utf-8"),
    }
    for name, pkg in packages().items():
        files[f"tenders/ocds/{name}"] = (json.dumps(pkg, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return files


def all_postcodes() -> set[str]:
    codes = {e[10] for e in enterprises_src.ENTRIES}
    codes |= {n["postcode"] for n in notices_src.NOTICES}
    codes |= {b["postcode"] for b in notices_src.BUYERS.values()}
    codes |= {r["Postcode"] for r in notices_src.CF_ROWS}
    return codes


POSTCODE_FIXTURE = "tests/fixtures/demo_data/postcodes.csv"


def check_postcodes() -> tuple[list[str], str]:
    """(postcodes not in the postcodez data file, fixture CSV of the found ones with coordinates).

    Reads the 100 MB file once, line by line; the small fixture lets tests geocode the demo offline.
    """
    import importlib.util

    spec = importlib.util.find_spec("postcodez")
    path = Path(spec.submodule_search_locations[0]) / "ukpostcodes.csv"
    wanted = all_postcodes()
    found: dict[str, tuple[str, str]] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split(",")
            if len(parts) > 4 and parts[2] in wanted:
                found[parts[2]] = (parts[3], parts[4])
    fixture = "postcode,latitude,longitude\n" + "".join(f"{pc},{la},{lo}\n" for pc, (la, lo) in sorted(found.items()))
    return sorted(wanted - set(found)), fixture


def main(argv: list[str]) -> int:
    if "--check" in argv:
        missing, fixture = check_postcodes()
        if missing:
            sys.stderr.write(f"postcodes not in postcodez data: {missing}\n")
            return 1
        sys.stderr.write(f"all {len(all_postcodes())} postcodes found in postcodez data\n")
        (ROOT / POSTCODE_FIXTURE).parent.mkdir(parents=True, exist_ok=True)
        (ROOT / POSTCODE_FIXTURE).write_text(fixture, encoding="utf-8")
        sys.stderr.write(f"wrote {POSTCODE_FIXTURE}\n")
    for rel, data in outputs().items():
        p = ROOT / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        sys.stderr.write(f"wrote {rel} ({len(data):,} bytes)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
