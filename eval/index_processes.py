"""The index under processes killed with -9, run long: the state machine of tests/ingest/test_index_processes.py.

python eval/index_processes.py [--minutes 8] [--examples 10] [--steps 15] [--out eval/results/index_processes.json]

Runs the machine in batches of `--examples` runs of up to `--steps` steps until `--minutes` have passed, and writes
the runs, steps, processes, kills (after a delay, or at each named point), checks and every failure with the steps
that led to it. A failure ends its batch; the next batch starts afresh.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=8.0)
    parser.add_argument("--examples", type=int, default=10, help="runs of the machine per batch")
    parser.add_argument("--steps", type=int, default=15, help="steps per run at most")
    parser.add_argument("--out", type=Path, default=REPO / "eval" / "results" / "index_processes.json")
    args = parser.parse_args()

    # Imported here, not at the top: the worker processes re-import this script as their __main__. The fork server
    # imports the worker code from the working directory (Python 3.11 gives it no other path).
    sys.path.insert(0, str(REPO))
    os.chdir(REPO)
    from hypothesis.stateful import run_state_machine_as_test

    from tests.ingest.test_index_processes import STATS, IndexProcesses, machine_settings

    started = time.monotonic()
    batches = 0
    failures: list[dict[str, Any]] = []
    while time.monotonic() - started < args.minutes * 60:
        batches += 1
        try:
            run_state_machine_as_test(IndexProcesses, settings=machine_settings(args.examples, args.steps))
        except Exception as exc:
            # A failure that did not come back when hypothesis ran its steps again (timing) arrives wrapped in a
            # FlakyFailure group: the errors inside are the findings.
            found = list(exc.exceptions) if isinstance(exc, ExceptionGroup) else [exc]
            failures.append(
                {
                    "batch": batches,
                    "error": [f"{type(e).__name__}: {e}" for e in found],
                    "flaky": isinstance(exc, ExceptionGroup),
                    "steps": [n for n in getattr(exc, "__notes__", []) if n.strip()],
                }
            )
            print(f"batch {batches}: FAILED {failures[-1]['error']}", flush=True)
        print(f"batch {batches}: {dict(STATS)}", flush=True)
    stats = dict(STATS)
    result = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "minutes": round((time.monotonic() - started) / 60, 1),
        "settings": {"examples_per_batch": args.examples, "steps_per_run": args.steps},
        "batches": batches,
        "runs": stats.pop("runs", 0),
        "steps": stats.pop("steps", 0),
        "processes": stats.pop("processes", 0),
        "kills": stats.pop("kills", 0),
        "checks": stats.pop("checks", 0),
        "failures": len(failures),
        "counts": dict(sorted(stats.items())),
        "failure_details": failures,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "failure_details"}, ensure_ascii=False))


if __name__ == "__main__":
    main()
