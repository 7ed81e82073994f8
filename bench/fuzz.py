"""The ingest fuzz suite (tests/fuzz/) with a larger budget: many more mutated real files per parser.

    python bench/fuzz.py --examples 2000     # about 2000 mutants per property (3 properties)
    python bench/fuzz.py --quick             # 50 per property, writes results/fuzz_ingest_quick.json

The properties are the test suite's (exit 0 or 2, never a traceback; records read = kept + skipped;
valid JSON outputs; a memory bound); only the number of hypothesis examples changes
(``PM_FUZZ_EXAMPLES``). A failure prints hypothesis's shrunk example and the run exits 1.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from common import figure, update_results_md, write_result

ROOT = Path(__file__).resolve().parent.parent


def run(examples: int) -> tuple[int, str, float]:
    env = {**os.environ, "PM_FUZZ_EXAMPLES": str(examples)}
    cmd = [sys.executable, "-m", "pytest", "tests/fuzz", "-q", "-p", "no:cacheprovider"]
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    return done.returncode, done.stdout + done.stderr, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000, help="hypothesis examples per property")
    parser.add_argument("--quick", action="store_true", help="50 examples per property; a _quick result")
    args = parser.parse_args()
    examples = 50 if args.quick else args.examples
    code, output, seconds = run(examples)
    print(output[-4000:])
    passed = int(m.group(1)) if (m := re.search(r"(\d+) passed", output)) else 0
    failed = int(m.group(1)) if (m := re.search(r"(\d+) failed", output)) else 0
    figures = [
        figure("properties passed", passed, "of 3", target="3 of 3", passed=passed == 3 and not failed),
        figure("mutants per property", examples, "examples"),
        figure("wall time", round(seconds, 1), "s", note="shared machine: context only"),
    ]
    name = "fuzz_ingest_quick" if args.quick else "fuzz_ingest"
    path = write_result(name, figures, settings={"examples": examples}, details={"tail": output[-2000:]})
    update_results_md()
    print(f"wrote {path}")
    return 0 if code == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
