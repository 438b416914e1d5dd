"""The 练习 panel's handlers and rendering on a small real index (three reports), without a browser."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import gradio as gr
import pytest

from config import Settings
from ingest.chunking import chunk_text
from ingest.pipeline import prepare
from ingest.store import DocumentStore
from quiz.model import CHOICE_KINDS
from quiz.schedule import ProgressRow, utc_now
from quiz.service import QuizService, Scope
from ui import quiz as panel

REPORTS = ["2018-03-05_gwr-2018.txt", "2019-03-05_gwr-2019.txt", "2021-03-05_gwr-2021.txt"]


@dataclass
class FakeContext:
    services: Any
    listeners: list[Any] = field(default_factory=list)

    def document_html(self, doc_id: str, start: int | None = None, end: int | None = None) -> str:
        return f"<div>{doc_id}:{start}:{end}</div>"


@pytest.fixture
def ui_service(tmp_path: Path, quiz_settings: Settings) -> tuple[QuizService, FakeContext]:
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=quiz_settings.corpus_dir)
    store = DocumentStore(tmp_path / "documents.sqlite")
    for name in REPORTS:
        doc = prepare(settings.corpus_dir / name, settings)
        store.commit_document(doc.path, doc.meta, doc.text, doc.content_hash, chunk_text(doc.text))
    ctx = FakeContext(SimpleNamespace(settings=settings, index=SimpleNamespace(store=store)))
    return QuizService.open(settings, store), ctx


def test_a_quiz_answered_right_and_wrong_shows_grade_source_and_due(ui_service: tuple[QuizService, Any]) -> None:
    service, _ = ui_service
    session = panel.start(service, Scope(docs=("2019-03-05_gwr-2019.txt",)), 4, 1, "browser:t1")
    assert len(session.item_ids) == 4
    first = service.item(session.current or "")
    assert first is not None and first.question[:20] in panel.question_html(first, session).replace("&quot;", '"')
    right = panel.result_html(service.grade(first.id, first.public_answer, user="browser:t1"))
    assert "✅" in right and "下次复习" in right and all(f"<mark>{k}</mark>" in right for k in first.answer[:1])
    second = service.item(session.item_ids[1])
    assert second is not None
    wrong = panel.result_html(service.grade(second.id, "不知道", user="browser:t1"))
    assert "❌" in wrong and "遗漏" in wrong and "答案出处" in wrong
    rows = service.progress("browser:t1")
    assert sum(r.reviews for r in rows) == 2 and sum(r.correct for r in rows) == 1
    later = utc_now() + timedelta(minutes=5)  # Again: a minute; Good on a new item: its 10-minute learning step
    assert [it.id for it in service.due("browser:t1", later)] == [second.id]  # the missed item comes back first


def test_new_items_come_before_practised_ones(ui_service: tuple[QuizService, Any]) -> None:
    service, _ = ui_service
    first = panel.start(service, Scope(), 5, 3, "browser:t2")
    for item_id in first.item_ids:
        service.grade(item_id, "不知道", user="browser:t2")
    second = panel.start(service, Scope(), 5, 3, "browser:t2")
    assert not set(first.item_ids) & set(second.item_ids)


def test_rendering_helpers() -> None:
    rows = panel.progress_rows([ProgressRow("a.txt", "number", 2, 3, 2, 1)], {"a.txt": "2019年国务院政府工作报告"})
    assert rows == [["2019年国务院政府工作报告", "数字填空", 2, 3, "67%", 1]]
    assert panel.scope_of(["a.txt"], "", ["2019"], None) == Scope(("a.txt",), (), None, (2019,))
    request = SimpleNamespace(username=None, session_hash="abc")
    assert panel.trainee(request, None) == "browser:abc"  # type: ignore[arg-type]
    assert panel.trainee(request, "browser:kept") == "browser:kept"  # type: ignore[arg-type]
    assert panel.trainee(SimpleNamespace(username="li", session_hash="x"), None) == "user:li"  # type: ignore[arg-type]


def test_the_panel_builds_and_exposes_the_api(ui_service: tuple[QuizService, Any]) -> None:
    _, ctx = ui_service
    with gr.Blocks() as demo, gr.Tab("练习"):
        panel.build(ctx)
    public = {fn.api_name for fn in demo.fns.values() if fn.api_visibility == "public"}
    assert public == {"quiz_make", "quiz_grade"}
    settings, store = ctx.services.settings, ctx.services.index.store
    doc = prepare(settings.corpus_dir / "2022-03-05_gwr-2022.txt", settings)  # ingested after the panel was built
    store.commit_document(doc.path, doc.meta, doc.text, doc.content_hash, chunk_text(doc.text))
    updates = [update() for update, _ in ctx.listeners]
    assert ("2022年国务院政府工作报告", "2022-03-05_gwr-2022.txt") in updates[0]["choices"]
    assert "2022" in updates[2]["choices"]
    service = panel.quiz_service(ctx)
    made = service.make(3, Scope(kinds=CHOICE_KINDS), 0)
    assert all(it.options and it.answer[0] in it.options for it in made)
