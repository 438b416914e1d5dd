"""One index operation in a process of its own, for the tests that run several processes and kill them with -9.

    python tests/ingest/worker.py DATA_DIR ingest FILE...     ingest files (as `speechqa ingest` does)
    python tests/ingest/worker.py DATA_DIR remove DOC_ID      remove a document, then refresh the keyword index
    python tests/ingest/worker.py DATA_DIR open               open the index (its repair runs), as any reader does
    python tests/ingest/worker.py DATA_DIR state              the raw state, then the state after a repair (JSON)

`--pause POINT` stops the operation at a named point and sleeps there (holding what it holds) so that a test can
kill it exactly there: embedded (vectors written, not committed), committed (committed, the old version's vectors
not yet dropped), removed (removal committed, vectors not yet dropped), repairing (inside repair, holding the write
lock), publishing (a keyword index version written in full, CURRENT not yet naming it). It writes `--marker` (or
prints to stderr) when it gets there.

Embeddings are langchain's DeterministicFakeEmbedding(size=32), as in tests/conftest.py: no model is loaded.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: the repository root holds config, ingest, ...
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from langchain_core.embeddings import DeterministicFakeEmbedding

import ingest.keyword as keyword_module
from config import Settings
from ingest.index import SpeechIndex
from ingest.keyword import KeywordIndex
from ingest.store import DocumentStore, StoredChunk

OPS = ("ingest", "remove", "open", "state")
POINTS = ("embedded", "committed", "removed", "repairing", "publishing")
PAUSE_SECONDS = 60.0  # a paused worker nobody kills goes on after this


def worker_settings(data_dir: Path) -> Settings:
    """The settings of tests/conftest.py's `settings` fixture, on this data folder."""
    return Settings(data_dir=data_dir, embedding_model="fake-test-embedding")


def embeddings() -> DeterministicFakeEmbedding:
    return DeterministicFakeEmbedding(size=32)


def _install_pause(point: str, marker: Path | None) -> None:
    """Make this process stop at `point` (this process only: a worker is a process of its own)."""

    def pause() -> None:
        if marker is not None:
            marker.write_text(point, encoding="utf-8")
        else:
            print(f"paused at {point}", file=sys.stderr, flush=True)
        time.sleep(PAUSE_SECONDS)

    def before(original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            pause()
            return original(*args, **kwargs)

        return wrapped

    def after(original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            result = original(*args, **kwargs)
            pause()
            return result

        return wrapped

    if point == "embedded":
        DocumentStore.commit_document = before(DocumentStore.commit_document)  # type: ignore[method-assign]
    elif point == "committed":
        DocumentStore.commit_document = after(DocumentStore.commit_document)  # type: ignore[method-assign]
    elif point == "removed":
        DocumentStore.remove = after(DocumentStore.remove)  # type: ignore[method-assign]
    elif point == "repairing":  # repair reads the committed chunks first thing once it holds the lock
        repair = SpeechIndex.repair

        def paused_repair(self: SpeechIndex) -> bool:
            all_chunks = self.store.all_chunks

            def first_read() -> list[StoredChunk]:
                self.store.all_chunks = all_chunks  # type: ignore[method-assign]
                pause()
                return all_chunks()

            self.store.all_chunks = first_read  # type: ignore[method-assign]
            try:
                return repair(self)
            finally:
                self.store.all_chunks = all_chunks  # type: ignore[method-assign]

        SpeechIndex.repair = paused_repair  # type: ignore[method-assign]
    elif point == "publishing":  # KeywordIndex.save calls it by its module-level name
        keyword_module.publish = before(keyword_module.publish)
    elif point:
        raise ValueError(f"unknown pause point {point!r}; one of {POINTS}")


def _dense_misses(index: SpeechIndex, chunks: list[StoredChunk], count: int) -> list[str]:
    """Committed chunks that a dense search of their own text does not rank first. Equal texts embed to equal
    vectors, so a chunk tied at the top with another of the same text counts as found."""
    if count == 0:
        return [c.id for c in chunks]
    fake = embeddings()
    misses = []
    for chunk in chunks:
        hits = index.vectors.similarity_search_by_vector_with_relevance_scores(
            fake.embed_query(chunk.text), k=min(8, count)
        )
        best = hits[0][1] if hits else None
        if best is None or not any(doc.id == chunk.id and distance <= best + 1e-6 for doc, distance in hits):
            misses.append(chunk.id)
    return misses


def _snapshot(index: SpeechIndex, keyword: KeywordIndex | None) -> dict[str, Any]:
    chunks = index.store.all_chunks()
    vector_ids = index.vectors.get(include=[])["ids"]
    return {
        "docs": [[d.doc_id, d.content_hash, d.n_chunks] for d in index.store.documents()],
        "chunks": [[c.id, c.doc_id, c.idx] for c in chunks],
        "stamp": index.store.stamp(),
        "vectors": vector_ids,
        "keyword": None if keyword is None else {"ids": keyword.ids, "stamp": keyword.stamp},
        "dense_misses": _dense_misses(index, chunks, len(vector_ids)),
    }


def state(settings: Settings) -> dict[str, Any]:
    """The index as the last process left it (no repair), then as an open with its repair makes it."""
    repair = SpeechIndex.repair
    SpeechIndex.repair = lambda self: False  # type: ignore[method-assign]
    try:
        index = SpeechIndex.open(settings, embeddings())
    finally:
        SpeechIndex.repair = repair  # type: ignore[method-assign]
    raw = _snapshot(index, KeywordIndex.load(index.keyword_dir))
    current = keyword_module.published(index.keyword_dir)
    versions = index.keyword_dir / keyword_module.VERSIONS
    raw["leftovers"] = sorted(p.name for p in versions.glob("*") if p.name != current)
    repaired = index.repair()
    after = _snapshot(index, index.keyword())
    after["repair_ran"] = repaired
    on_disk = KeywordIndex.load(index.keyword_dir)
    after["keyword_on_disk_stamp"] = None if on_disk is None else on_disk.stamp
    return {"raw": raw, "repaired": after}


def run(data_dir: Path, op: str, args: list[str], pause: str = "", marker: Path | None = None) -> dict[str, Any]:
    settings = worker_settings(data_dir)
    _install_pause(pause, marker)
    if op == "state":
        return state(settings)
    index = SpeechIndex.open(settings, embeddings())
    if op == "open":
        return {}
    if op == "remove":
        (doc_id,) = args
        removed = index.remove_document(doc_id)
        index.keyword()  # what the app and `speechqa remove` do after a removal
        return {"removed": removed}
    if op == "ingest":
        from ingest.pipeline import ingest

        report = ingest([Path(a) for a in args], settings, index)
        return {
            "added": report.added,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "failed": report.failed,
        }
    raise ValueError(f"unknown operation {op!r}; one of {OPS}")


def child(data_dir: Path, op: str, args: list[str], pause: str, marker: Path | None, out: Path) -> None:
    """The body of a worker process started by multiprocessing: its result (or error) as JSON in `out`."""
    # Semaphores this process makes (tqdm makes one) are then unlinked at once, not left to multiprocessing's
    # resource tracker to clean up, with a warning, when a kill -9 skipped their release.
    multiprocessing.set_start_method("fork", force=True)
    try:
        result: dict[str, Any] = {"ok": run(data_dir, op, args, pause, marker)}
        code = 0
    except BaseException:
        result, code = {"error": traceback.format_exc()}, 1
    tmp = out.with_name(f"{out.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    tmp.rename(out)
    sys.exit(code)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("op", choices=OPS)
    parser.add_argument("args", nargs="*")
    parser.add_argument("--pause", choices=POINTS, default="")
    parser.add_argument("--marker", type=Path)
    ns = parser.parse_args(argv)
    print(json.dumps(run(ns.data_dir, ns.op, ns.args, ns.pause, ns.marker), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
