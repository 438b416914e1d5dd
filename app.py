"""The browser app (Gradio): chat with streamed, verified answers and a sources panel; a library of documents.

A thin shell over the same functions as the CLI: each tab is a panel in ui/ (a build function and plain handlers).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import gradio as gr

from config import get_settings
from ingest.index import IndexUnavailable
from ui import chat, library, quiz, targets
from ui.access import Access, AccessError, load_users
from ui.context import AppContext, Services
from ui.line import BUSY
from ui.locale import chinese_ui_js
from ui.render import SCROLL_TO_QUOTE, document_html

__all__ = ["CSS", "Services", "build_app", "chinese_ui_js", "main"]
CSS = """
.sq-source {border:1px solid #ddd; border-radius:8px; padding:8px 10px; margin-bottom:8px}
.sq-source h4 {margin:0 0 4px 0}
.sq-meta {color:#666; font-size:0.85em}
.sq-passage mark, .sq-doc mark {background:#ffe58a; padding:0 1px}
.sq-abstain {border-left:4px solid #d48806; background:#fffbe6; padding:8px 10px}
.sq-claim {border-left:4px solid #d48806; background:#fffbe6; padding:2px 8px; margin:4px 0; font-size:0.85em}
.sq-little {border-left:4px solid #999; background:#f5f5f5; padding:8px 10px}
.sq-doc {max-height:640px; overflow-y:auto; line-height:1.8}
.sq-doc p {margin:0 0 0.8em 0}
.sq-outline-list {list-style:none; padding-left:0; margin:0; max-height:240px; overflow-y:auto}
.sq-outline-list li.sq-level-2 {padding-left:1.2em}
.sq-outline-list a {text-decoration:none}
.sq-outline-list a:hover {text-decoration:underline}
@media (max-width: 640px) {  /* a phone: the question box and the answer fit in the first screen */
  #sq-chat {height:340px !important; min-height:0 !important}
  .sq-doc {max-height:none}
}
"""


def build_app(services: Services, access: Access | None = None) -> gr.Blocks:
    """The whole app: one tab per panel, the cross-panel links, and the /ask API."""
    ctx = AppContext(services, access or Access({}))
    # Gradio keeps every upload (a reader's too: its upload route is open to anyone signed in) in its cache:
    # files older than a day are deleted each hour. Library uploads are copied out of the cache first.
    with gr.Blocks(title="speechqa · 政策讲话问答", delete_cache=(3600, 86400)) as demo:
        gr.Markdown(
            "## speechqa · 政策讲话与报告问答\n"
            "每个回答都标注出处 [n]，引用的原文已由程序逐句核对；资料不足时会明确说明。"
        )
        with gr.Tabs() as tabs:
            with gr.Tab("问答", id="chat"):
                chat_panel = chat.build(ctx)
            with gr.Tab("练习", id="quiz"):
                quiz.build(ctx)
            with gr.Tab("历年目标", id="targets"):
                targets.build(ctx)
            with gr.Tab("文库", id="library"):  # last: its changes refresh the lists the other tabs registered
                shelf = library.build(ctx)
        viewer, outline = shelf.viewer, shelf.outline

        def open_citation(label: str | None, located: chat.Located):
            if not label or label not in located:
                return gr.update(), gr.update(), gr.update()
            doc_id, q0, q1 = located[label]
            o, v = document_html(services.index.store, doc_id, (q0, q1))
            return o, v, gr.Tabs(selected="library")

        chat_panel.open_cite.click(
            open_citation, [chat_panel.cite_pick, chat_panel.located], [outline, viewer, tabs], api_visibility="private"
        ).then(None, None, None, js=SCROLL_TO_QUOTE)

        # Every list of documents (filters, library table, removal, quiz and targets choices) is read again on
        # each page view, so a new visitor sees what was uploaded or removed since the server started.
        demo.load(
            lambda: tuple(update() for update, _ in ctx.listeners),
            None,
            [component for _, component in ctx.listeners],
            api_visibility="private",
        )

        def library_controls(request: gr.Request):  # readers do not see what they may not use
            allowed = ctx.access.may_change_library(request)
            return tuple(gr.update(visible=allowed) for _ in shelf.admin_only)

        demo.load(library_controls, None, shelf.admin_only, api_visibility="private")

        gr.api(ask_api(ctx), api_name="ask", concurrency_limit=ctx.line_capacity(), concurrency_id="line")
    return demo


def ask_api(ctx: AppContext) -> Callable[[str], dict]:
    """The /ask API: the chain behind the same line for the model as the chat."""

    def ask(question: str) -> dict:
        """Answer one question; returns the same JSON object as `speechqa ask --json`. It waits in the same line
        as the chat; when the line is full it fails at once with the busy message."""
        ticket = ctx.line.join()
        if ticket is None:
            raise gr.Error(BUSY.format(waiting=ctx.line.waiting()))
        try:
            while not ctx.line.wait(ticket, 1.0):
                pass
            return ctx.services.chain.answer(question).public()
        finally:
            ctx.line.leave(ticket)

    return ask


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = get_settings()
    try:
        access = Access.for_host(load_users(settings.users_file), settings.host, settings.users_file)
    except AccessError as exc:
        raise SystemExit(f"speechqa: {exc}") from exc
    try:
        services = Services.create(settings)
    except IndexUnavailable as exc:
        raise SystemExit(f"speechqa: {exc}") from exc
    if not services.index.store.documents():
        print(f"speechqa: the index is empty; run `speechqa ingest` (corpus: {settings.corpus_dir})")
    services.warm_up()
    demo = build_app(services, access)  # the quiz tab builds its item bank on a thread of its own
    for thread in threading.enumerate():  # serve once everything is warm: the first question pays no loading
        if thread.name.startswith("speechqa-"):
            thread.join()
    # Gradio's queue holds what the line cannot yet run: bounded, so a flood is refused (503) rather than kept.
    demo.queue(default_concurrency_limit=settings.app_concurrency, max_size=4 * (settings.queue_max_waiting + 2))
    demo.launch(
        server_name=settings.host,
        server_port=settings.port,
        css=CSS,
        js=chinese_ui_js(),
        footer_links=["api"],
        max_file_size=f"{settings.max_file_mb:g}mb",  # Gradio refuses a larger upload before writing it to disk
        auth=access.login if access.users else None,
        auth_message="speechqa · 请登录（读者可以提问、阅读和练习；管理员还可以修改文库）",
    )


if __name__ == "__main__":
    main()
