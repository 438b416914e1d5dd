"""The panels' handlers as plain functions, against a fake LLM and fake embeddings (no browser, seconds)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from answer.chain import AnswerChain
from config import Settings
from ingest.index import SpeechIndex
from ingest.pipeline import ingest
from retrieval.hybrid import HybridSearcher
from retrieval.types import SearchFilters
from ui.chat import answer_turn, filters_of
from ui.context import AppContext, Services
from ui.library import ingest_uploads, library_rows, remove_document

GWR_2019 = "2019-03-05_gwr-2019.txt"
QUESTION = "2019年政府工作报告提出的国内生产总值增长预期目标是多少？"


@pytest.fixture
def services(settings: Settings, fake_index: SpeechIndex, corpus_dir: Path) -> Services:
    ingest([corpus_dir / GWR_2019], settings, fake_index)
    keyword_only = settings.model_copy(update={"fusion_dense_weight": 0.0})
    searcher = HybridSearcher(fake_index, fake_index.vectors.embeddings, keyword_only)
    chain = AnswerChain(searcher, keyword_only, FakeListChatModel(responses=["国内生产总值增长6%－6.5%。"]))
    return Services(keyword_only, fake_index, searcher, chain)


def test_a_turn_streams_then_shows_the_verified_answer_with_its_sources(services: Services) -> None:
    views = list(answer_turn(services.chain, QUESTION, [], [], SearchFilters()))
    assert views[0].chat[-1]["content"] == "正在检索资料……"
    shown = [v.chat[-1]["content"] for v in views[:-1]]
    assert any("逐句核对原文后显示" in s for s in shown)  # progress while the model writes
    assert not any("6%－6.5%" in s for s in shown)  # the unverified draft is never shown, so nothing is withdrawn
    final = views[-1]
    assert '<a href="#sq-src-1">[1]</a>' in final.chat[-1]["content"]
    assert final.sources and "<mark>" in final.sources and "6%－6.5%" in final.sources
    assert final.citations == ["[1] 2019年国务院政府工作报告"]
    doc, start, end = final.located[final.citations[0]]
    assert doc == GWR_2019 and "6%－6.5%" in services.index.store.document(doc).text[start:end]
    assert [t.question for t in final.history] == [QUESTION] and final.history[0].named_documents == (GWR_2019,)


def test_a_failing_model_gives_a_sentence_and_a_logged_trace(
    services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken(FakeListChatModel):
        def _call(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            raise ConnectionError("model server down")

        def _stream(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            raise ConnectionError("model server down")

    services.chain._llm = Broken(responses=[""])
    with caplog.at_level(logging.ERROR, logger="speechqa.app"):
        final = list(answer_turn(services.chain, QUESTION, [], [], SearchFilters()))[-1]
    assert "出错" in final.chat[-1]["content"] and "model server down" in final.status
    assert any(r.exc_info for r in caplog.records)  # the trace is logged, not swallowed


def test_filters_from_the_panel() -> None:
    assert filters_of(["a.txt"], "讲话", None, "2018", None) == SearchFilters(("a.txt",), "讲话", None, 2018, None)
    assert filters_of(None, "", "", None, "") == SearchFilters()


def test_library_upload_list_and_remove(services: Services, tmp_path: Path) -> None:
    good = tmp_path / "2024-06-01_water.txt"
    good.write_text(
        "---\ntitle: 全省水利工作会议讲话\ndate: 2024-06-01\n---\n\n今年全省新建小型水库36座。\n", encoding="utf-8"
    )
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    message = ingest_uploads(services, [str(good), str(empty)], lambda files: files)
    assert "新增 1" in message and "未导入 **empty.txt**：文件是空的" in message
    assert any(row[-1] == good.name for row in library_rows(services, "水利"))
    assert remove_document(services, good.name) == f"已删除 {good.name}。"
    assert remove_document(services, good.name) == f"{good.name} 不在文库中。"
    assert not library_rows(services, "水利")


def test_document_view_highlights_the_span(services: Services) -> None:
    text = services.index.store.document(GWR_2019).text
    start = text.index("6%－6.5%")
    html = AppContext(services).document_html(GWR_2019, start, start + len("6%－6.5%"))
    assert '<mark id="sq-quote">6%－6.5%</mark>' in html
