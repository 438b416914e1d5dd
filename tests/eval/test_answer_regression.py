"""Verification as a regression test: recorded drafts of the bundled model are re-verified by the current code.

`eval/results/drafts_<set>.jsonl` holds, per dev question, what one `speechqa eval` run gave the model and what it
wrote (retrieved passages, parts, drafts). Re-running citation and abstention checks on them takes seconds, so
every change to `answer/` is held to the issue's goals without twelve minutes of generation. The live model is
exercised by tests/answer/test_chain_real.py; eval/README.md has the live numbers.
"""

import json
from pathlib import Path

import pytest

from answer.chain import AnswerChain
from eval.metrics import score
from eval.reverify import reverify
from eval.run import load_gold
from retrieval.hybrid import HybridSearcher
from tests.conftest import REPO
from tests.eval.conftest import GOLD

pytestmark = pytest.mark.model

GOALS = {"citation_precision": 0.90, "citation_recall": 0.85, "answer_coverage": 0.80, "abstention_accuracy": 0.80}
FALSE_ABSTENTION = 0.10


@pytest.mark.parametrize("name", ["seed_dev", "corpus_dev"])
def test_recorded_drafts_meet_the_goals(corpus_searcher: HybridSearcher, name: str) -> None:
    recorded = [
        json.loads(line)
        for line in (REPO / "eval" / "results" / f"drafts_{name}.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    gold = {g["id"]: g for g in load_gold(Path(GOLD / f"{name}.jsonl"))}
    assert set(gold) == {a["id"] for a in recorded}
    answers = reverify(AnswerChain(corpus_searcher, corpus_searcher.settings), recorded)  # the model is not called
    metrics = score([(gold[a["id"]], a) for a in answers])
    for key, goal in GOALS.items():
        assert metrics[key] >= goal, (key, metrics)
    assert metrics["false_abstention"] <= FALSE_ABSTENTION, metrics
