"""The FORMAT.md metric definitions on hand-made cases."""

import pytest

from eval.metrics import normalize, overlap, score, score_by_type


def test_normalize_and_overlap() -> None:
    assert normalize("增长 6％，\n好") == "增长6%,好"
    assert overlap("甲乙丙丁戊", "丙丁戊己") == pytest.approx(0.75)
    assert overlap("完全无关", "丙丁戊己") == 0.0


GOLD = [
    {"id": "a", "type": "factoid", "evidence": ["国内生产总值增长6%左右"], "answer_points": ["6%左右"]},
    {
        "id": "b",
        "type": "list",
        "evidence": ["道路自信、理论自信", "制度自信、文化自信"],
        "answer_points": ["道路自信", "文化自信"],
    },
    {"id": "u", "type": "unanswerable", "evidence": [], "answer_points": []},
]


def _p(text: str) -> dict:
    return {"doc": "d", "title": "t", "date": "", "start": 0, "end": len(text), "text": text, "score": 1.0}


def test_scores_follow_the_contract() -> None:
    answers = [
        {
            "answer": "增长6%左右[1]",
            "abstained": False,
            "timings": {"total_ms": 100},
            "citations": [{"marker": 1, "text": "国内生产总值增长6%左右。"}, {"marker": 2, "text": "无关"}],
            "retrieved": [_p("无关段落"), _p("国内生产总值增长6%左右。")],
        },
        {
            "answer": "道路自信[1]、理论自信[2]",
            "abstained": False,
            "timings": {"total_ms": 300},
            "citations": [{"marker": 1, "text": "道路自信、理论自信"}, {"marker": 2, "text": "毫不相干的一段话"}],
            "retrieved": [_p("道路自信、理论自信"), _p("制度自信、文化自信")],
        },
        {"answer": "抱歉", "abstained": True, "citations": [], "timings": {"total_ms": 200}, "retrieved": []},
    ]
    m = score(zip(GOLD, answers))
    # per question, then averaged: a@1 0/1, b@1 1/2 → 0.25; pooled over the three quotes 1/3
    assert m["recall@1"] == pytest.approx(0.25) and m["recall@1_pooled"] == pytest.approx(1 / 3)
    assert m["recall@3"] == 1.0
    assert m["mrr"] == pytest.approx((1 / 2 + 1) / 2)
    # a: its one referenced citation supports (marker 2 is not referenced); b: one of two → (1 + 1/2) / 2
    assert m["citation_precision"] == pytest.approx(0.75) and m["citation_precision_pooled"] == pytest.approx(2 / 3)
    assert m["citation_recall"] == pytest.approx(0.75)
    assert m["answer_coverage"] == pytest.approx(0.75) and m["answer_coverage_pooled"] == pytest.approx(2 / 3)
    assert m["abstention_accuracy"] == 1.0 and m["false_abstention"] == 0.0
    assert m["latency_p50_ms"] == 200
    by_type = score_by_type(list(zip(GOLD, answers)))["by_type"]
    assert by_type["factoid"]["recall@1"] == 0.0 and by_type["unanswerable"]["abstention_accuracy"] == 1.0


def test_retrieval_only_runs_score_retrieval_alone() -> None:
    answers = [{"answer": "", "abstained": False, "citations": [], "retrieved": [_p("国内生产总值增长6%左右")]}] * 3
    m = score(zip(GOLD, answers), answered=False)
    assert m["recall@1"] == pytest.approx(0.5) and m["recall@1_pooled"] == pytest.approx(1 / 3)
    assert m["citation_precision"] is None and m["abstention_accuracy"] is None and m["false_abstention"] is None


def test_an_answerable_question_that_cites_nothing_has_precision_zero() -> None:
    refused = {"answer": "抱歉", "abstained": True, "citations": [], "retrieved": []}
    cited = {
        "answer": "增长6%左右[1]",
        "abstained": False,
        "citations": [{"marker": 1, "text": "国内生产总值增长6%左右"}],
        "retrieved": [],
    }
    m = score(zip(GOLD[:1] * 2, [refused, cited]))
    assert m["citation_precision"] == pytest.approx(0.5) and m["false_abstention"] == pytest.approx(0.5)


def test_a_refusal_whose_draft_held_every_point_is_counted_with_numerals_read_as_numbers() -> None:
    gold = {"id": "n", "type": "factoid", "evidence": ["21个市州委书记向省委作党建工作述职"], "answer_points": ["21"]}
    refused = {
        "answer": "抱歉",
        "abstained": True,
        "citations": [],
        "retrieved": [],
        "draft": "有二十一个市州委书记述职。",
    }
    wrong_draft = refused | {"draft": "有十九个市州委书记述职。"}
    answered = refused | {"abstained": False}
    assert score([(gold, refused)])["refused_right_draft"] == 1.0
    assert score([(gold, wrong_draft)])["refused_right_draft"] == 0.0
    assert score([(gold, answered)])["refused_right_draft"] == 0.0
    assert score([(gold, {k: v for k, v in refused.items() if k != "draft"})])["refused_right_draft"] is None


def test_refusals_are_counted_by_the_check_that_decided() -> None:
    gold = {"id": "n", "type": "factoid", "evidence": ["甲"], "answer_points": ["甲"]}
    answers = [
        {"abstained": True, "decided_by": "judge", "citations": [], "retrieved": []},
        {"abstained": True, "decided_by": "attribution", "citations": [], "retrieved": []},
        {"abstained": True, "decided_by": "judge", "citations": [], "retrieved": []},
    ]
    assert score([(gold, a) for a in answers])["refusals_by_check"] == {"attribution": 1, "judge": 2}
