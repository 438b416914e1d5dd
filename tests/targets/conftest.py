"""The corpus as stored documents (cleaned by the ingest pipeline, no index), read once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import Settings
from ingest.pipeline import prepare
from ingest.store import StoredDocument

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "speeches"


def stored(path: Path, settings: Settings) -> StoredDocument:
    """A corpus file as the store would hold it: the offsets of every cell point into this text."""
    doc = prepare(path, settings)
    meta = doc.meta
    return StoredDocument(
        path.name,
        str(path),
        meta.title,
        meta.speaker,
        meta.date,
        meta.year,
        meta.genre,
        meta.source,
        doc.text,
        doc.content_hash,
        0,
    )


@pytest.fixture(scope="session")
def corpus() -> dict[str, StoredDocument]:
    """Every corpus document by file name."""
    settings = Settings()
    folder = settings.corpus_dir if settings.corpus_dir.is_absolute() else CORPUS.resolve()
    return {p.name: stored(p, settings) for p in sorted(folder.glob("*.txt"))}
