"""Retrieval parity (issue 13): the same vectors in embedded Chroma and on a Chroma server (`chroma run`) must give
the same ranked passages for every dev-set question. The embedded index's vectors are copied to a server started
here (no re-embedding), then each question is searched both ways: dense top-k alone and the whole hybrid search.

    python eval/chroma_parity.py [--k 10] [--out eval/results/chroma_parity.json]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

from config import Settings
from ingest.chroma_server import chroma_server
from ingest.index import SpeechIndex
from models.embeddings import get_embeddings
from retrieval.hybrid import HybridSearcher

GOLD = ("seed_dev.jsonl", "corpus_dev.jsonl", "dev2.jsonl")
BATCH = 500


def copy_vectors(source: SpeechIndex, target: SpeechIndex) -> tuple[list[str], np.ndarray]:
    """Every vector with its text and metadata, in batches (Chroma caps a request's size); returns ids and
    vectors for the exact search both are measured against."""
    got = source.vectors.get(include=["embeddings", "metadatas", "documents"])
    for i in range(0, len(got["ids"]), BATCH):
        target.vectors._collection.add(  # the raw collection: langchain-chroma would embed the texts again
            ids=got["ids"][i : i + BATCH],
            embeddings=got["embeddings"][i : i + BATCH],
            metadatas=got["metadatas"][i : i + BATCH],
            documents=got["documents"][i : i + BATCH],
        )
    return got["ids"], np.asarray(got["embeddings"], dtype=np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--gold-dir", type=Path, default=Path("../shared/eval"))
    parser.add_argument("--out", type=Path, default=Path("eval/results/chroma_parity.json"))
    args = parser.parse_args()
    questions = [
        json.loads(line)["question"]
        for name in GOLD
        for line in (args.gold_dir / name).read_text("utf-8").splitlines()
        if line.strip()
    ]
    settings = Settings()
    embeddings = get_embeddings(settings)
    embedded = HybridSearcher(SpeechIndex.open(settings, embeddings), embeddings, settings)
    with tempfile.TemporaryDirectory() as tmp, chroma_server(Path(tmp)) as url:
        remote = settings.model_copy(update={"chroma_url": url, "chroma_collection": "parity"})
        # The server index reads the same document store; open it after the copy so its repair finds every vector.
        empty = SpeechIndex.open(remote.model_copy(update={"data_dir": Path(tmp) / "empty"}), embeddings)
        ids, matrix = copy_vectors(embedded.index, empty)
        matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
        served = HybridSearcher(SpeechIndex.open(remote, embeddings), embeddings, remote)
        same_dense = same_hybrid = 0
        overlap = 0.0
        exact_recall = {"embedded": 0.0, "server": 0.0}
        differ: list[str] = []
        timings = {"embedded": 0.0, "server": 0.0}
        for question in questions:
            vector = embeddings.embed_query(question)
            dense = []
            for name, searcher in (("embedded", embedded), ("server", served)):
                started = time.perf_counter()
                hits = searcher.index.vectors.similarity_search_by_vector_with_relevance_scores(vector, k=args.k)
                timings[name] += time.perf_counter() - started
                dense.append([d.id for d, _ in hits])
            hybrid = [[p.id for p in s.search(question, args.k).passages] for s in (embedded, served)]
            exact = {ids[i] for i in np.argsort(-(matrix @ np.asarray(vector, dtype=np.float32)))[: args.k]}
            for name, found in zip(("embedded", "server"), dense, strict=True):
                exact_recall[name] += len(exact & set(found)) / args.k
            same_dense += dense[0] == dense[1]
            same_hybrid += hybrid[0] == hybrid[1]
            overlap += len(set(dense[0]) & set(dense[1])) / max(1, len(dense[0]))
            if dense[0] != dense[1] or hybrid[0] != hybrid[1]:
                differ.append(question)
    result = {
        "questions": len(questions),
        "vectors": len(ids),
        "k": args.k,
        "dense_same_ranked_ids": same_dense,
        "hybrid_same_ranked_ids": same_hybrid,
        "dense_mean_overlap_at_k": round(overlap / len(questions), 4),
        "dense_recall_at_k_of_exact_search": {n: round(r / len(questions), 4) for n, r in exact_recall.items()},
        "dense_ms_per_query": {n: round(1000 * t / len(questions), 1) for n, t in timings.items()},
        "questions_that_differ": differ,
    }
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "questions_that_differ"}, indent=1))


if __name__ == "__main__":
    main()
