"""Latency beside an older commit (issue 15: "measured in one run beside a0f4097 on the same questions").

    git worktree add ../lat_old a0f4097
    MODELS=$PWD/data/models; (cd ../lat_old && SPEECHQA_DATA_DIR=../lat_data SPEECHQA_MODELS_DIR=$MODELS \
        python -c "import sys; sys.path.insert(0, '.'); sys.argv = ['speechqa', 'ingest']; import cli; cli.main()")
    python eval/latency.py --old ../lat_old --old-data ../lat_data [--limit 20] [--out eval/results/latency.json]

The first N questions of dev2 are answered by `speechqa eval` of this checkout and of the older worktree (its own
index: the store format changed since), in the order old, new, new, old, so a host that slows or speeds up during
the run weighs on both alike. Reported per version: p50 of the model's first token (the first text a reader sees
stream) and of the whole answer, and the ratio new / old. Nothing else may run meanwhile (2 cores).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO.parent / "shared" / "eval" / "dev2.jsonl"
RUNS = Path("/tmp/speechqa-latency")


def run(version: str, checkout: Path, data: Path | None, limit: int, n: int) -> list[dict]:
    """One `speechqa eval` of the first `limit` questions in `checkout`; its answers' timings."""
    out = RUNS / f"{version}_{n}"
    subprocess.run(["rm", "-rf", str(out)], check=True)
    env = dict(os.environ)
    if data is not None:  # the older checkout: its own index, the models built here
        env |= {"SPEECHQA_DATA_DIR": str(data), "SPEECHQA_MODELS_DIR": str(REPO / "data" / "models")}
    argv = ["eval", "--gold", str(GOLD), "--out", str(out), "--limit", str(limit)]
    code = f"import sys; sys.path.insert(0, '.'); sys.argv = ['speechqa'] + {argv!r}; import cli; cli.main()"
    subprocess.run([sys.executable, "-c", code], cwd=checkout, env=env, check=True, capture_output=True)
    return [json.loads(line)["timings"] for line in (out / "answers.jsonl").read_text(encoding="utf-8").splitlines()]


def p50(timings: list[dict], key: str) -> float:
    return statistics.median(t[key] for t in timings if key in t) / 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--old", type=Path, required=True, help="worktree of the older commit")
    parser.add_argument("--old-data", type=Path, required=True, help="its data folder (index built by its ingest)")
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--out", type=Path, default=REPO / "eval" / "results" / "latency.json")
    args = parser.parse_args()
    runs: dict[str, list[dict]] = {"old": [], "new": []}
    for n, version in enumerate(("old", "new", "new", "old")):
        checkout, data = (args.old.resolve(), args.old_data.resolve()) if version == "old" else (REPO, None)
        runs[version] += run(version, checkout, data, args.limit, n)
        print(f"{version} run {n + 1}/4 done", flush=True)
    names = {"first_token_ms": "first_token_p50_s", "total_ms": "answer_p50_s"}
    result: dict = {v: {names[k]: round(p50(t, k), 2) for k in names} for v, t in runs.items()}
    result["ratio_new_over_old"] = {k: round(result["new"][k] / result["old"][k], 2) for k in names.values()}
    result["questions"] = args.limit
    result["old_commit"] = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=args.old, capture_output=True, text=True
    ).stdout.strip()
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
