"""Retrieval on the whole corpus as a regression test: the dev sets must keep their recall (issue goals)."""

from pathlib import Path

import pytest

from config import Settings
from eval.metrics import score
from eval.run import load_gold, retrieval_answer
from ingest.pipeline import ingest
from retrieval.hybrid import HybridSearcher
from tests.conftest import CORPUS, REPO

pytestmark = pytest.mark.model
GOLD = REPO / ".." / "shared" / "eval"


@pytest.fixture(scope="module")
def searcher() -> HybridSearcher:
    """The app's own index of the whole corpus (built here if `make start` has not built it yet)."""
    settings = Settings(data_dir=REPO / "data", models_dir=REPO / "data" / "models", corpus_dir=CORPUS.resolve())
    searcher = HybridSearcher.open(settings)
    report = ingest([settings.corpus_dir], settings, searcher.index)
    assert report.ok, report.failed
    return searcher


@pytest.mark.parametrize("gold_file, recall_at_5, recall_at_1", [("seed_dev.jsonl", 0.95, 0.65), ("corpus_dev.jsonl", 0.90, 0.65)])
def test_dev_set_recall(searcher: HybridSearcher, gold_file: str, recall_at_5: float, recall_at_1: float) -> None:
    gold = load_gold(Path(GOLD / gold_file))
    hybrid, dense = retrieval_answer(searcher), retrieval_answer(searcher, "dense")
    ours = score([(g, hybrid(g["id"], g["question"])) for g in gold], answered=False)
    baseline = score([(g, dense(g["id"], g["question"])) for g in gold], answered=False)
    assert ours["recall@5"] >= recall_at_5 and ours["recall@1"] >= recall_at_1, ours
    assert ours["recall@5"] > baseline["recall@5"] and ours["mrr"] > baseline["mrr"]
