"""Shared fixtures: settings on a temporary data folder, the real corpus, and an index with fake embeddings."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding

from config import Settings
from ingest.index import SpeechIndex

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus" / "speeches"
SEED = "000_aed499d8bb92d2d1.txt"


@pytest.fixture
def corpus_dir() -> Path:
    return Settings().corpus_dir if Settings().corpus_dir.is_absolute() else CORPUS.resolve()


@pytest.fixture
def settings(tmp_path: Path, corpus_dir: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", corpus_dir=corpus_dir, embedding_model="fake-test-embedding")


@pytest.fixture
def fake_index(settings: Settings) -> SpeechIndex:
    """An index whose embeddings are deterministic hashes: tests the plumbing, not the model."""
    return SpeechIndex.open(settings, DeterministicFakeEmbedding(size=32))
