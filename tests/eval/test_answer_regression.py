"""Verification as a regression test: recorded drafts of the bundled model are re-verified by the current code.

`eval/results/drafts_<set>.jsonl` holds, per dev question, what one `speechqa eval` run gave the model and what it
wrote (retrieved passages, parts, drafts). Re-running citation and abstention checks on them takes seconds, so
every change to `answer/` is held to its floor without generating anything: each set to the level this code reached
on the recorded drafts (seed_dev and corpus_dev meet the issue goals; dev2, written to be hard, does not yet), so a
change that breaks a mechanism shows. The last test proves the floors notice: each mechanism switched off fails some
set. The live model is exercised by tests/answer/test_chain_real.py; eval/README.md has the live numbers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

import answer.answerability
import answer.attribution
import answer.chain
import zhtext.terms
from answer.answerability import FocusChecker
from answer.chain import AnswerChain
from eval.metrics import score
from eval.reverify import reverify
from eval.run import load_gold
from retrieval.hybrid import HybridSearcher
from tests.conftest import REPO
from tests.eval.conftest import GOLD

pytestmark = pytest.mark.model

GOALS = {"citation_precision": 0.90, "citation_recall": 0.85, "answer_coverage": 0.80, "abstention_accuracy": 0.80}
FLOORS = {  # per question (macro) shares; false abstention is a ceiling
    # the goals are met on seed_dev and corpus_dev; their floors are the levels measured on the live run of
    # 2026-12-02 (above the goals), so one question lost fails here too
    "seed_dev": {
        "citation_precision": 0.956,
        "citation_recall": 0.956,
        "answer_coverage": 0.956,
        "abstention_accuracy": 1.0,
        "false_abstention": 0.001,
    },
    "corpus_dev": {
        "citation_precision": 0.917,
        "citation_recall": 0.937,
        "answer_coverage": 0.877,
        "abstention_accuracy": 1.0,
        "false_abstention": 0.001,
    },
    # dev2's live run at cb86571 (0.853 / 0.863 / 0.7995 / 1.0 / 0.068), re-verified by today's code (the asked list
    # in view, passed periods asking results, abbreviations, spans of years, phrases, follow-ups not repeating the
    # previous answer, one occasion's best document): 0.903 / 0.888 / 0.824 / 1.0 / 0.060. The floor is the measured
    # level itself: one question answered worse fails the test (raise the floor when a change helps)
    "dev2": {
        "citation_precision": 0.902,
        "citation_recall": 0.888,
        "answer_coverage": 0.824,
        "abstention_accuracy": 1.0,
        "false_abstention": 0.061,
    },
}


def _metrics(searcher: HybridSearcher, name: str) -> dict:
    recorded = [
        json.loads(line)
        for line in (REPO / "eval" / "results" / f"drafts_{name}.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    gold = {g["id"]: g for g in load_gold(Path(GOLD / f"{name}.jsonl"))}
    assert set(gold) == {a["id"] for a in recorded}
    answers = reverify(AnswerChain(searcher, searcher.settings), recorded)  # the model is not called
    return score([(gold[a["id"]], a) for a in answers])


def _misses(metrics: dict, floors: dict[str, float]) -> list[str]:
    low = [f"{k} {metrics[k]:.3f} < {v}" for k, v in floors.items() if k != "false_abstention" and metrics[k] < v]
    high = metrics["false_abstention"] > floors["false_abstention"]
    return low + (
        [f"false_abstention {metrics['false_abstention']:.3f} > {floors['false_abstention']}"] if high else []
    )


def test_the_floors_of_the_first_dev_sets_keep_the_issue_goals() -> None:
    for name in ("seed_dev", "corpus_dev"):
        assert all(FLOORS[name][k] >= v for k, v in GOALS.items()) and FLOORS[name]["false_abstention"] <= 0.10


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_recorded_drafts_hold_their_floors(corpus_searcher: HybridSearcher, name: str) -> None:
    metrics = _metrics(corpus_searcher, name)
    assert not _misses(metrics, FLOORS[name]), metrics


BREAKS: dict[str, Callable[[pytest.MonkeyPatch], None]] = {
    "focus check off": lambda mp: mp.setattr(FocusChecker, "coverage", lambda self, q, p: 1.0),
    "year check off": lambda mp: mp.setattr(answer.chain, "years_consistent", lambda q, p: True),
    "number anchoring off": lambda mp: mp.setattr(answer.chain, "numbers_anchored", lambda q, f, p: True),
    "list items matched exactly": lambda mp: mp.setattr(
        answer.attribution.Facts,
        "holds",
        lambda self, text, fact: answer.attribution._bare(fact) in answer.attribution._bare(text),
    ),
    "restated question counted": lambda mp: mp.setattr(answer.attribution, "RESTATED", 10**6),
    "quantity check off": lambda mp: mp.setattr(answer.chain, "gives_quantity", lambda q, shown: True),
    "lists not completed": lambda mp: mp.setattr(answer.chain, "completed", lambda q, k, p, s, a: (k, list(p))),
    "one year answered by a span of years": lambda mp: mp.setattr(
        answer.answerability, "asks_one_year", lambda q: False
    ),
    "clauses not checked phrase by phrase": lambda mp: mp.setattr(answer.attribution, "_phrases", lambda clause: []),
    "follow-ups repeat the previous answer": lambda mp: mp.setattr(
        AnswerChain, "not_the_previous_answer", lambda self, context, kept: kept
    ),
    "one occasion's documents all shown": lambda mp: mp.setattr(AnswerChain, "_best_document", lambda self, c, a: a),
    "abbreviations not expanded": lambda mp: mp.setattr(zhtext.terms, "abbreviates", lambda text, term: False),
    "the asked list in view not shown": lambda mp: mp.setattr(answer.chain, "asked_in_view", lambda *args: None),
    "passed periods not read as results": lambda mp: mp.setattr(
        answer.answerability, "ASKS_RESULT", re.compile(r"实际|实现了|完成了|达到了|增长了|上一年|去年")
    ),
    "facts shown where the clause matches best": lambda mp: mp.setattr(
        answer.attribution, "located", lambda s, clause, text, needed: s
    ),
}


@pytest.mark.parametrize("mechanism", sorted(BREAKS))
def test_breaking_a_mechanism_fails_the_floors(
    corpus_searcher: HybridSearcher, monkeypatch: pytest.MonkeyPatch, mechanism: str
) -> None:
    BREAKS[mechanism](monkeypatch)
    misses = {name: _misses(_metrics(corpus_searcher, name), FLOORS[name]) for name in FLOORS}
    assert any(misses.values()), f"switching off '{mechanism}' went unnoticed: {misses}"
