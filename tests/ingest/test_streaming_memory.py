"""Large files stream: peak memory stays far below the file size (JSON Lines and one big package)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

N_RELEASES = 9000
N_OCIDS = 300

CHILD = textwrap.dedent(
    """
    import resource, sys, time
    from procure_match.ingest import iter_notices
    from procure_match.errors import IngestReport
    from procure_match.settings import Settings
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report = IngestReport()
    t0 = time.perf_counter()
    n = sum(1 for _ in iter_notices([sys.argv[1]], Settings(), report))
    took = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(n, report.records_read, before * 1024, peak * 1024, took)
    """
)


def _release(i: int) -> dict:
    ocid = f"ocds-b5fd17-big-{i % N_OCIDS:05d}"
    return {
        "ocid": ocid,
        "id": f"r{i}",
        "date": f"2025-{1 + i % 12:02d}-01T00:00:00Z",
        "tag": ["tender"],
        "tender": {
            "title": f"Notice {i % N_OCIDS}",
            "description": "Repairs and maintenance of community buildings. " * 20,
            "value": {"amount": 1000 + i, "currency": "GBP"},
            "items": [{"id": "1", "classification": {"scheme": "CPV", "id": "45000000-7"}}],
            "documents": [{"id": str(d), "documentType": "x", "description": "d" * 400} for d in range(8)],
        },
        "parties": [{"id": "b", "name": "Council", "contactPoint": {"name": "c" * 300, "email": "e" * 300}}],
        "contracts": [{"id": "c", "description": "k" * 1500}],
    }


def _measure(path):
    out = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    notices, read, before, peak, took = out.stdout.split()
    return int(notices), int(read), int(before), int(peak), float(took)


@pytest.mark.slow
@pytest.mark.parametrize("shape", ["jsonl", "package", "array"])
def test_peak_memory_stays_far_below_file_size(tmp_path, shape):
    path = tmp_path / f"big.{shape}.json"
    with open(path, "w", encoding="utf-8") as f:
        packaged = shape in ("package", "array")
        if packaged:
            f.write("[" if shape == "array" else "")
            f.write('{"uri": "x", "publisher": {"name": "Contracts Finder"}, "releases": [\n')
        for i in range(N_RELEASES):
            sep = ",\n" if packaged and i else ""
            f.write(sep + json.dumps(_release(i)) + ("\n" if shape == "jsonl" else ""))
        if packaged:
            f.write("\n]}" + ("]" if shape == "array" else "") + "\n")
    size = path.stat().st_size
    assert size > 50_000_000
    notices, read, before, peak, _ = _measure(path)
    assert (notices, read) == (N_OCIDS, N_RELEASES)
    # json.load of the same file would need several times its size; streaming adds a small fraction of it.
    assert peak - before < size * 0.25, f"peak grew by {(peak - before) / 1e6:.0f} MB for a {size / 1e6:.0f} MB file"
