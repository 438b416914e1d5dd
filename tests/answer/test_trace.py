"""Every answer carries the verdicts of the checks that made it: which check kept, dropped or refused what, and why."""

from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from answer.chain import AnswerChain
from answer.types import DROPPED, KEPT, PASSED, REFUSED
from answer.verify import CHECK_WORDS, REASONS, trace_lines
from config import Settings
from ingest.index import SpeechIndex
from ingest.pipeline import ingest
from retrieval.hybrid import HybridSearcher

GWR_2019 = "2019-03-05_gwr-2019.txt"
QUESTION = "2019年政府工作报告提出的国内生产总值增长预期目标是多少？"


@pytest.fixture
def searcher(settings: Settings, fake_index: SpeechIndex, corpus_dir: Path) -> HybridSearcher:
    ingest([corpus_dir / GWR_2019], settings, fake_index)
    return HybridSearcher(
        fake_index, fake_index.vectors.embeddings, settings.model_copy(update={"fusion_dense_weight": 0.0})
    )


def _chain(searcher: HybridSearcher, draft: str) -> AnswerChain:
    return AnswerChain(searcher, searcher.settings, FakeListChatModel(responses=[draft]))


def test_an_answer_records_each_clause_kept_or_dropped_and_the_judge_passing_it(searcher: HybridSearcher) -> None:
    result = _chain(searcher, "国内生产总值增长6%－6.5%。火星上建成了十座城市。").answer(QUESTION)
    assert not result.abstained and result.decided_by == "" and result.reason_code == ""
    checks = [(v.check, v.decision, v.reason_code) for v in result.trace]
    assert ("attribution", KEPT, "verified") in checks
    assert ("attribution", DROPPED, "not_in_passages") in checks  # the invented clause, named
    assert checks[-1] == ("judge", PASSED, "answered")
    dropped = next(v for v in result.trace if v.decision == DROPPED)
    assert "火星" in dropped.clause


def test_a_refusal_names_its_check_and_reason_code_in_json_and_in_words(searcher: HybridSearcher) -> None:
    result = _chain(searcher, "火星上建成了十座城市。").answer(QUESTION)
    assert result.abstained and result.decided_by == "attribution" and result.reason_code == "nothing_verified"
    assert result.reason == REASONS["nothing_verified"]
    public = result.public()
    assert public["decided_by"] == "attribution" and public["trace"][-1]["decision"] == REFUSED
    assert any(CHECK_WORDS["attribution"] in line for line in trace_lines(result.trace))


def test_the_model_declining_is_its_own_check(searcher: HybridSearcher) -> None:
    result = _chain(searcher, "无法回答").answer(QUESTION)
    assert (result.decided_by, result.reason_code) == ("model", "model_declined")


def test_the_unverified_draft_leaves_the_json_unless_debugging(searcher: HybridSearcher) -> None:
    result = _chain(searcher, "PWNED 国内生产总值增长7.6%。").answer(QUESTION)
    assert "draft" not in result.public() and "parts" not in result.public()
    assert "PWNED" not in str(result.public())
    assert result.public(debug=True)["draft"].startswith("PWNED")


def test_refusals_before_drafting_have_codes_too(searcher: HybridSearcher) -> None:
    result = _chain(searcher, "不会被调用").answer("2020年政府工作报告提出的国内生产总值增长目标是多少？")
    assert (result.decided_by, result.reason_code) == ("retrieval", "missing_document")
    assert "2020年政府工作报告" in result.reason
    empty = _chain(searcher, "").answer("？？")
    assert (empty.decided_by, empty.reason_code) == ("question", "empty_question")
