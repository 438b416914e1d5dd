"""Verification as a regression test: recorded drafts of the bundled model are re-verified by the current code.

`eval/results/drafts_<set>.jsonl` holds, per published question, what one live `speechqa eval` run gave the model and
what it wrote (retrieved passages, parts, drafts). Re-running every check of answer/verify.py on them takes seconds,
so each change to `answer/` is measured without generating anything.

Each set is held to its measured level less a margin (MARGIN; false abstention: plus it), so a general change that
moves a question or two is judged, not blocked: when a floor fails, the message lists every question whose verdict
changed from `eval/results/verdicts.json` (written by `python -m eval.reverify --verdicts`). The last test proves each
mechanism does something on these drafts: switched off, some question's answer or verdict changes. The live model
is exercised by tests/answer/test_chain_real.py; eval/README.md has the live numbers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

import answer.answerability
import answer.attribution
import answer.verify
from answer.answerability import FocusChecker
from answer.chain import AnswerChain
from answer.verify import Verifier
from eval.metrics import score
from eval.reverify import reverify, verdicts
from eval.run import load_gold
from retrieval.hybrid import HybridSearcher
from tests.conftest import REPO
from tests.eval.conftest import GOLD

pytestmark = pytest.mark.model

MARGIN = 0.02
# Re-verified by this code on the recorded drafts (`python -m eval.reverify --verdicts`), per question (macro).
LEVELS = {
    "seed_dev": {
        "citation_precision": 0.957,
        "citation_recall": 0.957,
        "answer_coverage": 0.957,
        "abstention_accuracy": 1.0,
        "false_abstention": 0.0,
    },
    "corpus_dev": {
        "citation_precision": 0.917,
        "citation_recall": 0.938,
        "answer_coverage": 0.877,
        "abstention_accuracy": 1.0,
        "false_abstention": 0.0,
    },
    "dev2": {
        "citation_precision": 0.895,
        "citation_recall": 0.884,
        "answer_coverage": 0.820,
        "abstention_accuracy": 1.0,
        "false_abstention": 0.068,
    },
    "dev3": {
        "citation_precision": 0.879,
        "citation_recall": 0.879,
        "answer_coverage": 0.818,
        "abstention_accuracy": 1.0,
        "false_abstention": 0.071,
    },
}
RECORDED = json.loads((REPO / "eval" / "results" / "verdicts.json").read_text(encoding="utf-8"))


def _answers(searcher: HybridSearcher, name: str) -> tuple[dict, list[dict]]:
    recorded = [
        json.loads(line)
        for line in (REPO / "eval" / "results" / f"drafts_{name}.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    gold = {g["id"]: g for g in load_gold(Path(GOLD / f"{name}.jsonl"))}
    assert set(gold) == {a["id"] for a in recorded}
    return gold, reverify(AnswerChain(searcher, searcher.settings), recorded)  # the model is not called


def _misses(metrics: dict, level: dict[str, float]) -> list[str]:
    low = [
        f"{k} {metrics[k]:.3f} < {v - MARGIN:.3f}"
        for k, v in level.items()
        if k != "false_abstention" and metrics[k] < v - MARGIN
    ]
    ceiling = level["false_abstention"] + MARGIN
    high = [f"false_abstention {metrics['false_abstention']:.3f} > {ceiling:.3f}"]
    return low + (high if metrics["false_abstention"] > ceiling else [])


def _changed(name: str, answers: list[dict]) -> list[str]:
    now = verdicts(answers)
    return [f"{qid}: {was} -> {now.get(qid)}" for qid, was in RECORDED[name].items() if now.get(qid) != was]


@pytest.mark.parametrize("name", sorted(LEVELS))
def test_recorded_drafts_hold_their_levels(corpus_searcher: HybridSearcher, name: str) -> None:
    gold, answers = _answers(corpus_searcher, name)
    metrics = score([(gold[a["id"]], a) for a in answers])
    misses = _misses(metrics, LEVELS[name])
    assert not misses, f"{misses}; verdicts changed: {_changed(name, answers)}"


def test_the_recorded_verdicts_cover_every_set() -> None:
    assert set(RECORDED) == set(LEVELS)


BREAKS: dict[str, Callable[[pytest.MonkeyPatch], None]] = {
    "focus signal off": lambda mp: mp.setattr(FocusChecker, "coverage", lambda self, q, p: 1.0),
    "year signal off": lambda mp: mp.setattr(answer.verify, "years_consistent", lambda q, p: True),
    "number anchoring off": lambda mp: mp.setattr(answer.verify, "numbers_anchored", lambda *args, **kw: True),
    "list items matched exactly": lambda mp: mp.setattr(
        answer.attribution.Facts,
        "holds",
        lambda self, text, fact: answer.attribution._bare(fact) in answer.attribution._bare(text),
    ),
    "restated question counted": lambda mp: mp.setattr(answer.attribution, "RESTATED", 10**6),
    "quantity signal off": lambda mp: mp.setattr(answer.verify, "gives_quantity", lambda q, shown: True),
    "lists not completed": lambda mp: mp.setattr(answer.verify, "completed", lambda q, k, p, s, a: (k, list(p))),
    "one year answered by a span of years": lambda mp: mp.setattr(
        answer.answerability, "asks_one_year", lambda q: False
    ),
    "clauses not checked phrase by phrase": lambda mp: mp.setattr(answer.attribution, "_phrases", lambda clause: []),
    "follow-ups repeat the previous answer": lambda mp: mp.setattr(
        Verifier, "_not_the_previous_answer", lambda self, context, kept, trace: kept
    ),
    "one occasion's documents all shown": lambda mp: mp.setattr(Verifier, "_best_document", lambda self, c, a, t: a),
    "the asked list in view not shown": lambda mp: mp.setattr(answer.verify, "asked_in_view", lambda *args: None),
    "passed periods not read as results": lambda mp: mp.setattr(
        answer.answerability, "ASKS_RESULT", re.compile(r"实际|实现了|完成了|达到了|增长了|上一年|去年")
    ),
    "facts shown where the clause matches best": lambda mp: mp.setattr(
        answer.attribution, "located", lambda s, clause, text, needed: s
    ),
    "judge off (every verified text shown)": lambda mp: mp.setattr(
        AnswerChain, "__init__", _without_judge(AnswerChain.__init__)
    ),
}


def _without_judge(init: Callable) -> Callable:
    def patched(self: AnswerChain, *args: object, **kwargs: object) -> None:
        init(self, *args, **kwargs)
        self.judge = None

    return patched


def _shown(answers: list[dict]) -> dict[str, tuple[bool, str]]:
    return {a["id"]: (a["abstained"], a["answer"]) for a in answers}


_UNBROKEN: dict[str, dict[str, tuple[bool, str]]] = {}


@pytest.mark.parametrize("mechanism", sorted(BREAKS))
def test_each_mechanism_changes_some_answer(
    corpus_searcher: HybridSearcher, monkeypatch: pytest.MonkeyPatch, mechanism: str
) -> None:
    order = ["dev2", *sorted(set(LEVELS) - {"dev2"})]  # dev2 first: most mechanisms show there
    for name in order:
        if name not in _UNBROKEN:
            _UNBROKEN[name] = _shown(_answers(corpus_searcher, name)[1])
    BREAKS[mechanism](monkeypatch)
    for name in order:
        if _shown(_answers(corpus_searcher, name)[1]) != _UNBROKEN[name]:
            return
    raise AssertionError(f"switching off '{mechanism}' changed no answer on any set")
