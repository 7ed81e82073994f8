"""Rebuild procure_match/reference/data/itl1_region_centres.csv from the doogal district export.

    python bench/derive_region_centres.py ../shared/data/geo/postcode_districts_doogal_2020.csv

The source (doogal.co.uk postcode districts, December 2020; ONS/OS data under OGL v3) is read only
here: the package reads the small derived table, never ../shared.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from procure_match.reference.regions import NUTS1_REGIONS, region_centres_from_districts

OUT = Path(__file__).resolve().parents[1] / "procure_match" / "reference" / "data" / "itl1_region_centres.csv"
HEADER = (
    "# ITL1 (NUTS1) region population centres: population-weighted mean of postcode-district centroids,\n"
    "# districts assigned by postcode area (procure_match/reference/regions.py POSTCODE_AREA_REGION).\n"
    "# Source: doogal.co.uk postcode districts export, Dec 2020 (ONS/OS data, OGL v3);"
    " rebuilt by bench/derive_region_centres.py\n"
)


def main(source: str) -> None:
    with open(source, encoding="utf-8-sig", newline="") as fh:
        centres = region_centres_from_districts(csv.DictReader(fh))
    codes = {name: code for code, name in NUTS1_REGIONS.items()}
    lines = [HEADER + "region,nuts1,latitude,longitude"]
    lines += [f"{name},{codes[name]},{lat},{lon}" for name, (lat, lon) in sorted(centres.items())]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(centres)} regions to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
