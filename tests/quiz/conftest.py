"""The quiz over the real corpus: one item bank for the whole session (generated once, then read from its cache)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from config import Settings
from ingest.postgres_server import new_database
from quiz.model import QuizDocument, QuizItem
from quiz.service import QuizService

REPO = Path(__file__).resolve().parents[2]


def corpus_path() -> Path:
    configured = Settings().corpus_dir
    return configured if configured.is_absolute() else (REPO / configured).resolve()


@pytest.fixture(scope="session")
def quiz_settings(tmp_path_factory: pytest.TempPathFactory, postgres_url: str | None) -> Settings:
    database = new_database(postgres_url) if postgres_url else ""  # --postgres: the quiz's tables on PostgreSQL
    return Settings(data_dir=tmp_path_factory.mktemp("quiz") / "data", corpus_dir=corpus_path(), database_url=database)


@pytest.fixture(scope="session")
def service(quiz_settings: Settings) -> QuizService:
    return QuizService.open(quiz_settings)


@pytest.fixture(scope="session")
def generation_seconds(service: QuizService) -> float:
    """Generating the whole bank, timed (documents are read and cleaned before the clock starts)."""
    service.source.documents()
    started = time.perf_counter()
    service.bank()
    return time.perf_counter() - started


@pytest.fixture(scope="session")
def bank(service: QuizService, generation_seconds: float) -> list[QuizItem]:
    return service.bank()


@pytest.fixture(scope="session")
def docs(service: QuizService) -> dict[str, QuizDocument]:
    return {d.doc_id: d for d in service.source.documents()}
