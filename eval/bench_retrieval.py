"""Scale benchmark: BM25 (bm25s, character bigrams) and dense search (Chroma HNSW) on synthetic chunks.

    python eval/bench_retrieval.py [--sizes 100000 1000000] [--queries 50] [--out eval/results/bench_retrieval.json]

Chunks are 250 characters drawn from a Zipf distribution over 3,500 Han characters (so bigram statistics look
like Chinese, not uniform noise); vectors are random unit vectors of 384 dimensions. Each engine and size runs
in its own process so its memory is measured alone. Reports build time, query p50/p95 (top 50), peak resident
memory of the process (build included) and index size on disk.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
CHUNK_CHARS = 250
DIM = 384


def peak_rss_mb() -> float:
    """Peak resident memory of this process (each engine and size runs in its own process)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def folder_mb(folder: str) -> float:
    return sum(f.stat().st_size for f in Path(folder).rglob("*") if f.is_file()) / 2**20


def synthetic_texts(n: int, rng: np.random.Generator) -> list[str]:
    alphabet = np.array([chr(0x4E00 + i) for i in rng.choice(20000, 3500, replace=False)])
    weights = 1.0 / np.arange(1, 3501) ** 1.1
    codes = rng.choice(3500, size=(n, CHUNK_CHARS), p=weights / weights.sum())
    return ["".join(row) for row in alphabet[codes]]


def percentiles(samples: list[float]) -> tuple[float, float]:
    q = statistics.quantiles(samples, n=100, method="inclusive")
    return q[49], q[94]


def run_bm25(n: int, queries: int) -> dict:
    from ingest.keyword import KeywordIndex

    rng = np.random.default_rng(0)
    texts = synthetic_texts(n, rng)
    ids = [f"doc{i // 100}.txt#v#{i % 100}" for i in range(n)]
    started = time.perf_counter()
    index = KeywordIndex.build(ids, texts, "bigram", "bench")
    build_s = time.perf_counter() - started
    del texts
    folder = tempfile.mkdtemp(prefix="speechqa-bench-bm25-")
    index.save(Path(folder) / "bm25")
    asks = [synthetic_texts(1, rng)[0][:20] for _ in range(queries)]
    times = []
    for q in asks:
        t = time.perf_counter()
        index.search(q, 50)
        times.append((time.perf_counter() - t) * 1000)
    p50, p95 = percentiles(times)
    return {
        "engine": "bm25",
        "chunks": n,
        "build_s": build_s,
        "p50_ms": p50,
        "p95_ms": p95,
        "peak_rss_mb": peak_rss_mb(),
        "disk_mb": folder_mb(folder),
    }


def run_dense(n: int, queries: int) -> dict:
    import chromadb

    rng = np.random.default_rng(0)
    folder = tempfile.mkdtemp(prefix="speechqa-bench-chroma-")
    client = chromadb.PersistentClient(path=folder, settings=chromadb.config.Settings(anonymized_telemetry=False))
    collection = client.create_collection("bench", metadata={"hnsw:space": "cosine"}, embedding_function=None)
    started = time.perf_counter()
    batch = 5000
    for start in range(0, n, batch):
        vectors = rng.standard_normal((min(batch, n - start), DIM)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        collection.add(
            ids=[str(i) for i in range(start, start + len(vectors))],
            embeddings=vectors,
            metadatas=[{"doc_id": f"doc{(start + i) // 100}.txt"} for i in range(len(vectors))],
        )
    build_s = time.perf_counter() - started
    times = []
    for _ in range(queries):
        q = rng.standard_normal(DIM).astype(np.float32)
        t = time.perf_counter()
        collection.query(query_embeddings=[q / np.linalg.norm(q)], n_results=50)
        times.append((time.perf_counter() - t) * 1000)
    p50, p95 = percentiles(times)
    return {
        "engine": "dense",
        "chunks": n,
        "build_s": build_s,
        "p50_ms": p50,
        "p95_ms": p95,
        "peak_rss_mb": peak_rss_mb(),
        "disk_mb": folder_mb(folder),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--engines", nargs="+", default=["bm25", "dense"])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--one", nargs=2, metavar=("ENGINE", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        engine, size = args.one[0], int(args.one[1])
        print(json.dumps((run_bm25 if engine == "bm25" else run_dense)(size, args.queries)))
        return
    rows = []
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(REPO)}
    print("| engine | chunks | build s | p50 ms | p95 ms | peak memory MB | on disk MB |")
    print("|---|---|---|---|---|---|---|")
    for size in args.sizes:
        for engine in args.engines:
            out = subprocess.run(
                [sys.executable, __file__, "--one", engine, str(size), "--queries", str(args.queries)],
                capture_output=True,
                text=True,
                env=env,
                check=True,
            )
            row = json.loads(out.stdout.strip().splitlines()[-1])
            rows.append(row)
            print(
                f"| {engine} | {size:,} | {row['build_s']:.0f} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} "
                f"| {row['peak_rss_mb']:.0f} | {row['disk_mb']:.0f} |",
                flush=True,
            )
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
