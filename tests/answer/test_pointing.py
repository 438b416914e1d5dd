"""Point mode: the model names numbered sentences; the answer shows exactly those sentences, lists completed."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from langchain_core.language_models import SimpleChatModel
from langchain_core.messages import BaseMessage

from answer.chain import REFUSAL, AnswerChain
from answer.pointing import chosen_numbers, format_numbered, number_sentences, pointed_clauses
from config import Settings
from ingest.index import SpeechIndex
from ingest.pipeline import ingest
from retrieval.hybrid import HybridSearcher
from retrieval.types import Passage

GWR_2019 = "2019-03-05_gwr-2019.txt"


def _p(text: str) -> Passage:
    return Passage(
        "x", "d.txt", "2019年国务院政府工作报告", "", "2019-03-05", "政府工作报告", "", 0, len(text), text, 1.0
    )


def test_sentences_are_numbered_across_passages() -> None:
    passages = [_p("甲句。乙句；\n丙句！"), _p("丁句。")]
    assert [(s.n, s.passage) for s in number_sentences(passages)] == [(1, 0), (2, 0), (3, 0), (4, 1)]
    shown = format_numbered(passages, best_last=False)
    assert "〔1〕甲句。〔2〕乙句；〔3〕丙句！" in shown and shown.index("〔4〕丁句。") > shown.index("〔3〕")


@pytest.mark.parametrize(
    "output, numbers",
    [('{"sentences": [3, 1, 3]}', [3, 1]), ('{"sentences": []}', []), ("第2句和第5句", [2, 5]), ("{}", [])],
)
def test_the_models_choice_is_read_leniently(output: str, numbers: list[int]) -> None:
    assert chosen_numbers(output) == numbers


def test_a_chosen_sentence_is_shown_verbatim_and_a_started_list_is_completed() -> None:
    text = "要做好三方面工作。一是稳就业，扩大就业容量。二是稳金融，防范风险。三是稳外贸，拓展市场。其他工作。"
    clauses = pointed_clauses('{"sentences": [2]}', [_p(text)], complete_lists=True)
    assert [c.text for c in clauses] == [
        "要做好三方面工作。",
        "一是稳就业，扩大就业容量。",
        "二是稳金融，防范风险。",
        "三是稳外贸，拓展市场。",
    ]
    alone = pointed_clauses('{"sentences": [2]}', [_p(text)], complete_lists=False)
    assert [c.text for c in alone] == ["一是稳就业，扩大就业容量。"]
    assert pointed_clauses('{"sentences": [99]}', [_p(text)], complete_lists=True) == []  # no such sentence


class PointingFake(SimpleChatModel):
    """Answers with the number of the prompt's sentence that contains `target` (as a grammar-bound model would)."""

    target: str = ""

    @property
    def _llm_type(self) -> str:
        return "pointing-fake"

    def _call(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> str:
        prompt = str(messages[-1].content)
        found = [m.group(1) for m in re.finditer(r"〔(\d+)〕([^〔]*)", prompt) if self.target in m.group(2)]
        return json.dumps({"sentences": [int(n) for n in found[:1]]})


@pytest.fixture
def chain(settings: Settings, fake_index: SpeechIndex, corpus_dir: Any) -> AnswerChain:
    ingest([corpus_dir / GWR_2019], settings, fake_index)
    point = settings.model_copy(update={"fusion_dense_weight": 0.0, "answer_mode": "point"})
    searcher = HybridSearcher(fake_index, fake_index.vectors.embeddings, point)
    return AnswerChain(searcher, point, PointingFake(target="6%－6.5%"))


def test_point_mode_answers_with_the_named_source_sentence(chain: AnswerChain) -> None:
    result = chain.answer("2019年政府工作报告提出的国内生产总值增长预期目标是多少？")
    assert not result.abstained and "国内生产总值增长6%－6.5%[1]" in result.answer
    (citation,) = result.citations
    document = chain.searcher.index.store.document(GWR_2019)
    assert document is not None and document.text[citation.quote_start : citation.quote_end] == citation.quote
    assert result.parts[0].mode == "point" and chosen_numbers(result.parts[0].draft)


def test_point_mode_refuses_when_the_model_names_nothing(chain: AnswerChain) -> None:
    chain._llm = PointingFake(target="这句话不在任何资料里")
    result = chain.answer("2019年政府工作报告提出的国内生产总值增长预期目标是多少？")
    assert result.abstained and result.answer == REFUSAL and result.reason == "模型判断资料不足以回答"
