"""The app's own index of the whole corpus, shared by the regression tests of this folder."""

import pytest

from config import Settings
from ingest.pipeline import ingest
from retrieval.hybrid import HybridSearcher
from tests.conftest import CORPUS, REPO

GOLD = REPO / ".." / "shared" / "eval"


@pytest.fixture(scope="session")
def corpus_searcher() -> HybridSearcher:
    """Built here if `make start` has not built it yet; an ingest of an unchanged corpus only re-checks it."""
    settings = Settings(data_dir=REPO / "data", models_dir=REPO / "data" / "models", corpus_dir=CORPUS.resolve())
    searcher = HybridSearcher.open(settings)
    report = ingest([settings.corpus_dir], settings, searcher.index)
    assert report.ok, report.failed
    return searcher
