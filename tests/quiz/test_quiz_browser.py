"""The 练习 panel in headless Chromium: start a quiz, answer one item right and one wrong, see the grade, the
highlighted source and the next due date; reload the page and find the progress still there (the trainee id lives in the
browser). No model is needed: the panel runs on a small index of two reports."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import gradio as gr
import pytest

from config import Settings
from ingest.chroma_server import free_port
from ingest.chunking import chunk_text
from ingest.pipeline import prepare
from ingest.store import DocumentStore
from quiz.model import CHOICE_KINDS, KIND_NAMES, QuizItem
from quiz.service import QuizService
from ui import quiz as panel

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
# The progress table holds the two answers: one row at 50 %, or two rows at 100 % and 0 %.
_ONE_RIGHT_ONE_WRONG = r"""() => {
  const cells = (document.querySelector('#sq-quiz-progress')?.innerText || '').split(/\s+/);
  return cells.includes('50%') || (cells.includes('100%') && cells.includes('0%'));
}"""


class _Context:
    def __init__(self, services: Any) -> None:
        self.services = services

    def document_html(self, doc_id: str, start: int | None = None, end: int | None = None) -> str:
        return f'<div class="sq-doc">{doc_id} <mark class="sq-quote">{start}-{end}</mark></div>'


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, quiz_settings: Settings) -> Iterator[tuple[str, QuizService]]:
    tmp = tmp_path_factory.mktemp("quiz-browser")
    settings = Settings(data_dir=tmp / "data", corpus_dir=quiz_settings.corpus_dir)
    store = DocumentStore(tmp / "documents.sqlite")
    for name in ("2018-03-05_gwr-2018.txt", "2019-03-05_gwr-2019.txt"):
        doc = prepare(settings.corpus_dir / name, settings)
        store.commit_document(doc.path, doc.meta, doc.text, doc.content_hash, chunk_text(doc.text))
    ctx = _Context(SimpleNamespace(settings=settings, index=SimpleNamespace(store=store)))
    with gr.Blocks() as demo, gr.Tab("练习"):
        panel.build(ctx)
    port = free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    service = panel.quiz_service(ctx)
    service.bank()
    yield f"http://127.0.0.1:{port}/", service
    demo.close()


def _current(page: Any, service: QuizService) -> QuizItem:
    """The item on screen: its stem and its kind's name (a fill-in and a choice item can share a stem)."""
    shown = page.inner_text("#sq-quiz-question").replace("\n", "")
    same = [it for it in service.bank() if it.question[:40] in shown and KIND_NAMES[it.kind] in shown]
    # Items of one paragraph can share a stem's first 40 characters: the one on screen is the one whose options show.
    listed = page.inner_text("#sq-quiz-choice") if page.locator("#sq-quiz-choice").is_visible() else ""
    return next((it for it in same if all(o in listed for o in it.options or ())), same[0])


def _answer(page: Any, item: QuizItem, right: bool) -> None:
    if item.kind in CHOICE_KINDS and item.options:
        choice = item.answer[0] if right else next(o for o in item.options if o != item.answer[0])
        page.locator(f'#sq-quiz-choice input[value="{choice}"]').check()
    else:
        page.fill("#sq-quiz-answer textarea", "、".join(item.answer) if right else "不知道")
    page.click("#sq-quiz-submit")
    page.wait_for_function(
        "() => document.querySelector('#sq-quiz-result')?.innerText.includes('下次复习')", timeout=30_000
    )


def test_quiz_right_and_wrong_then_reload_keeps_progress(app: tuple[str, QuizService]) -> None:
    from playwright.sync_api import sync_playwright

    url, service = app
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        page.click("#sq-quiz-start")
        page.wait_for_function(
            "() => document.querySelector('#sq-quiz-question')?.innerText.includes('第 1/')", timeout=60_000
        )
        _answer(page, _current(page, service), right=True)
        result = page.inner_html("#sq-quiz-result")
        assert "回答正确" in result and "<mark>" in result and "答案出处" in result
        page.click("#sq-quiz-next")
        page.wait_for_function("() => document.querySelector('#sq-quiz-question')?.innerText.includes('第 2/')")
        _answer(page, _current(page, service), right=False)
        assert "回答有误" in page.inner_text("#sq-quiz-result")
        page.click("#sq-quiz-open")
        page.wait_for_selector("#sq-quiz-document mark")
        page.reload()
        page.wait_for_function(_ONE_RIGHT_ONE_WRONG, timeout=30_000)  # filled on load, from the trainee id kept
        browser.close()
