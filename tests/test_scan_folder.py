"""The scan folder written on two cores is the folder written on one; a failing child loses nothing."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from procure_match.errors import InputFileError
from procure_match.parallel import can_fork, run_beside
from procure_match.pipeline import run_scan
from procure_match.scan_folder import write_scan_folder
from procure_match.settings import settings_from_dict

FIX = Path(__file__).resolve().parent / "fixtures" / "scan"
NOW = datetime(2025, 11, 10, 12, tzinfo=UTC)


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def scan_run(tmp_path_factory):
    settings = settings_from_dict({"embedder": {"backend": "tfidf"}, "scan": {"top_k": 5}})
    home = tmp_path_factory.mktemp("scan")
    return run_scan([FIX / "notices.json"], FIX / "directory.csv", settings, now=NOW, store_path=home / "h.sqlite")


@pytest.mark.skipif(not can_fork(), reason="needs os.fork and two cores")
def test_two_processes_write_the_same_folder_as_one(tmp_path, scan_run):
    folders = {}
    for parallel in (True, False):
        settings = settings_from_dict({"embedder": {"backend": "tfidf"}, "scan": {"parallel_writes": parallel}})
        folder = write_scan_folder(tmp_path / str(parallel), scan_run, settings)
        assert all(p.is_file() for p in folder.paths.values()) and folder.briefs > 0
        folders[parallel] = _files(tmp_path / str(parallel))
    assert folders[True].keys() == folders[False].keys()
    differ = [name for name in folders[True] if folders[True][name] != folders[False][name]]
    assert differ == [] or differ == ["settings.toml"], differ  # settings.toml records parallel_writes itself
    assert sum(name.startswith("briefs/") for name in folders[True]) == 2 * folder.briefs


@pytest.mark.skipif(not can_fork(), reason="needs os.fork and two cores")
def test_a_failing_child_is_rerun_here_so_its_own_error_is_raised(tmp_path):
    marker = tmp_path / "pids"

    def beside():
        with marker.open("a") as fh:
            fh.write(f"{os.getpid()}\n")
        raise InputFileError("cannot write", path=tmp_path / "x", fix="choose another folder")

    with pytest.raises(InputFileError, match="cannot write"):
        run_beside(lambda: "here", beside)
    pids = marker.read_text().split()
    assert len(pids) == 2 and pids[1] == str(os.getpid()) and pids[0] != pids[1]


def test_here_s_error_propagates_and_the_child_still_finishes(tmp_path):
    done = tmp_path / "done"

    def here():
        raise ValueError("briefs failed")

    with pytest.raises(ValueError, match="briefs failed"):
        run_beside(here, lambda: done.write_text("ok"))
    assert done.read_text() == "ok", "the child was waited for before the error was raised"


def test_disabled_runs_both_here_beside_first():
    order = []
    assert run_beside(lambda: order.append("here") or 7, lambda: order.append("beside"), enabled=False) == 7
    assert order == ["beside", "here"]


def test_quality_counts_per_stage_all_ineligible_and_unverified():
    from procure_match.domain import Candidate, Tender
    from procure_match.outputs import quality_counts

    tenders = [Tender(tender_id="a", stage="pipeline"), Tender(tender_id="b"), Tender(tender_id="c")]

    def cand(tid, status, unverified=()):
        return Candidate(
            tender_id=tid, lot_id=None, enterprise_id="e" + tid + status, score=0.5, fit=0.5,
            eligible=status == "eligible", status=status, unverified=list(unverified),
        )  # fmt: skip

    cands = [cand("a", "eligible", ["certifications"]), cand("b", "ineligible"), cand("c", "ineligible")]
    cands.append(cand("c", "fits, needs partners"))
    counts = quality_counts(tenders, cands)
    assert (counts["stage_pipeline"], counts["stage_tender"], counts["early_stage"]) == (1, 2, 1)
    assert counts["notices_all_ineligible"] == 1 and counts["candidates_with_unverified_checks"] == 1


def test_a_scan_killed_while_writing_its_outputs_is_not_remembered(tmp_path):
    """Issue 13, item 4: kill -9 after the history was written but before the outputs are complete."""
    script = textwrap.dedent(
        f"""
        import os, signal
        from datetime import datetime, UTC
        from pathlib import Path
        from procure_match.pipeline import run_scan
        from procure_match.outputs import write_scan_outputs
        from procure_match.settings import settings_from_dict

        def write_then_die(run):
            write_scan_outputs(Path({str(tmp_path / "out")!r}), run.result, run.report, settings)
            os.kill(os.getpid(), signal.SIGKILL)  # before the briefs and the digest

        settings = settings_from_dict({{"embedder": {{"backend": "tfidf"}}}})
        run_scan([Path({str(FIX / "notices.json")!r})], Path({str(FIX / "directory.csv")!r}), settings,
                 now=datetime(2025, 11, 10, 12, tzinfo=UTC), store_path=Path({str(tmp_path / "h.sqlite")!r}),
                 write_outputs=write_then_die)
        """
    )
    killed = subprocess.run([sys.executable, "-c", script], cwd=Path(__file__).resolve().parents[1], check=False)
    assert killed.returncode == -signal.SIGKILL
    assert (tmp_path / "out" / "matches.json").is_file()  # it died after writing some outputs
    with sqlite3.connect(tmp_path / "h.sqlite") as con:
        assert con.execute("SELECT COUNT(*) FROM scans").fetchone()[0] == 0
    settings = settings_from_dict({"embedder": {"backend": "tfidf"}})
    rerun = run_scan([FIX / "notices.json"], FIX / "directory.csv", settings, now=NOW, store_path=tmp_path / "h.sqlite")
    assert rerun.counts["new"] > 0 and rerun.result.scan_id == 1
