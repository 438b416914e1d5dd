"""Whole-corpus ingest benchmark: first run (embeds everything) and re-run (nothing changed), into a fresh folder.

python eval/bench_ingest.py [--corpus DIR] [--out eval/results/bench_ingest.json]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from config import get_settings
from ingest.index import SpeechIndex
from ingest.pipeline import ingest
from models.embeddings import get_embeddings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    settings = get_settings().model_copy(update={"data_dir": Path(tempfile.mkdtemp(prefix="speechqa-bench-ingest-"))})
    corpus = args.corpus or settings.corpus_dir
    rows = {}
    for run in ("first", "rerun"):
        started = time.perf_counter()
        index = SpeechIndex.open(settings, get_embeddings(settings))  # a new process-like start each run
        report = ingest([corpus], settings, index)
        seconds = time.perf_counter() - started
        rows[run] = {
            "documents": len(report.added) + len(report.updated) + len(report.unchanged),
            "embedded_chunks": report.chunks,
            "seconds": round(seconds, 1),
            "chunks_per_s": round(report.chunks / seconds, 1) if report.chunks else None,
            "failed": report.failed,
        }
        print(f"{run}: {rows[run]}", flush=True)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(rows, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
