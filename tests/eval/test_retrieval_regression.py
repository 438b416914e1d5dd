"""Retrieval on the whole corpus as a regression test: the dev sets must keep their recall (issue goals)."""

from pathlib import Path

import pytest

from eval.metrics import score
from eval.run import load_gold, retrieval_answer
from retrieval.hybrid import HybridSearcher
from tests.eval.conftest import GOLD

pytestmark = pytest.mark.model


@pytest.mark.parametrize(
    "gold_file, recall_at_5, recall_at_1", [("seed_dev.jsonl", 0.95, 0.65), ("corpus_dev.jsonl", 0.95, 0.65)]
)
def test_dev_set_recall(
    corpus_searcher: HybridSearcher, gold_file: str, recall_at_5: float, recall_at_1: float
) -> None:
    gold = load_gold(Path(GOLD / gold_file))
    hybrid, dense = retrieval_answer(corpus_searcher), retrieval_answer(corpus_searcher, "dense")
    ours = score([(g, hybrid(g)) for g in gold], answered=False)
    baseline = score([(g, dense(g)) for g in gold], answered=False)
    assert ours["recall@5"] >= recall_at_5 and ours["recall@1"] >= recall_at_1, ours
    assert ours["recall@5"] > baseline["recall@5"] and ours["mrr"] > baseline["mrr"]
